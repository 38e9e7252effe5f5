/**
 * The server's guard on a protected stack (components/restart/provider.ts, `guardFailures`): a change that would
 * replace or delete the server or a database is refused at `check`, naming the setting and what to do instead;
 * state written before the guard recorded these inputs still reads, and is compared only from the next run on.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { guardFailures, serverGuardProvider, type ServerGuardInputs } from "../../components/restart/provider";
import { one, runStack } from "../../testing/program";

const guardType = "pulumi-nodejs:dynamic/entra-postgres:ServerGuard";
const deployed: ServerGuardInputs = {
    serverName: "prod-pg", storageGb: 256, version: "17", protect: true, location: "westeurope", networkAccess: "private", databases: ["app", "audit"],
};
const reasons = (news: Partial<ServerGuardInputs>, olds: Partial<ServerGuardInputs> = deployed) =>
    guardFailures(olds, { ...deployed, ...news }).map((f) => `${f.property}: ${f.reason}`);

describe("a protected stack refuses what would replace or delete the server or a database", () => {
    test("a new server name, naming server.name, protect and the way to do it instead", () => {
        const [reason, ...rest] = reasons({ serverName: "prod-pg2" });
        assert.deepEqual(rest, []);
        assert.match(reason, /^serverName: server prod-pg: renaming it to prod-pg2 \(setting server\.name\) would create a new, empty server and delete this one/);
        assert.match(reason, /entra-postgres:protect is true, so the stack refuses it before anything changes/);
        assert.match(reason, /Set server\.name back to prod-pg/);
        assert.match(reason, /set entra-postgres:protect to false and run pulumi up/);
    });

    test("a move into or out of VNet integration; public and private-endpoint change in place", () => {
        assert.match(reasons({ networkAccess: "public" })[0], /^networkAccess: server prod-pg: network\.access cannot change from private to public/);
        assert.match(reasons({ networkAccess: "private" }, { ...deployed, networkAccess: "private-endpoint" })[0], /from private-endpoint to private/);
        assert.deepEqual(reasons({ networkAccess: "public" }, { ...deployed, networkAccess: "private-endpoint" }), []);
    });

    test("another region, compared as Azure compares regions", () => {
        assert.match(reasons({ location: "northeurope" })[0], /^location: server prod-pg: moving it from westeurope to northeurope \(setting location\)/);
        assert.deepEqual(reasons({ location: "West Europe" }), []);
    });

    test("a database left out (a rename too), each named; adding one passes", () => {
        const refused = reasons({ databases: ["App", "reports"] });
        assert.equal(refused.length, 2);
        assert.match(refused[0], /^databases: database app on server prod-pg: leaving it out of the databases setting would drop it with its data/);
        assert.match(refused[1], /database audit/);
        assert.deepEqual(reasons({ databases: ["app", "audit", "reports"] }), []);
    });

    test("without protect, or with protect lifted in this run, nothing of this is refused", () => {
        const all = { serverName: "x", location: "northeurope", networkAccess: "public", databases: [] };
        assert.deepEqual(reasons({ ...all, protect: false }), []);
        assert.deepEqual(reasons(all, { ...deployed, protect: false }).length, 5, "protect set now guards what was deployed unprotected");
    });

    test("inputs not known yet (preview) are not compared", () => {
        assert.deepEqual(reasons({ location: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }), []);
    });
});

describe("state written before the guard recorded protect, region, network and databases", () => {
    const previous = { serverName: "prod-pg", storageGb: 256, version: "17" };

    test("still reads: only what it recorded is compared; the first run records the rest as an update", async () => {
        assert.deepEqual(reasons({ databases: [], networkAccess: "public", location: "northeurope" }, previous), []);
        assert.match(reasons({ storageGb: 128 }, previous)[0], /^storageGb/);
        assert.match(reasons({ serverName: "other" }, previous)[0], /^serverName/, "the server name was recorded before");
        const diff = await serverGuardProvider.diff!("guard-prod-pg", previous as ServerGuardInputs, deployed);
        assert.equal(diff.changes, true);
        assert.equal((await serverGuardProvider.diff!("guard-prod-pg", deployed, { ...deployed })).changes, false);
        const check = await serverGuardProvider.check!(previous, deployed);
        assert.deepEqual(check.failures, []);
    });
});

describe("the shipped stacks' guard", () => {
    test("prod records protect, its region, network mode and databases; dev records protect false", async () => {
        const prod = await runStack("prod", undefined, true);
        const inputs = one(prod.resources, guardType).props as unknown as ServerGuardInputs;
        assert.equal(inputs.protect, true);
        assert.equal(inputs.networkAccess, "private");
        assert.deepEqual(inputs.databases, ["app"]);
        assert.equal(typeof inputs.location, "string");
        const dev = await runStack("dev", undefined, true);
        assert.equal((one(dev.resources, guardType).props as unknown as ServerGuardInputs).protect, false);
    });
});
