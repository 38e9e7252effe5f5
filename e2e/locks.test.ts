/**
 * The simulated Azure's management locks, checked on the provider object directly (no CLI, no PostgreSQL), as
 * Learn's "Lock your resources to protect your infrastructure" describes them: a delete under a `CanNotDelete`
 * lock, of the locked resource, of its children and extension resources, or of its resource group, is refused
 * with 409 ScopeLocked; deleting the lock itself is allowed, and then the delete goes through.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";

let dir: string;
let provider: pulumi.provider.Provider;
const subscription = "00000000-0000-4000-8000-00000000e2e0";
const rg = `/subscriptions/${subscription}/resourceGroups/rg-locks`;
const server = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/locked`;
const urn = (type: string, name: string) => `urn:pulumi:sim::entra-postgres::${type}::${name}`;
const LOCK = "azure-native:authorization:ManagementLockByScope";

before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-e2e-locks-"));
    process.env.ENTRA_E2E_SIM_DIR = dir;
    process.env.ENTRA_E2E_SERVER_OPERATION_MS = "10";
    fs.writeFileSync(path.join(dir, "signed-in.json"), JSON.stringify({
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", subscriptionId: subscription,
        objectId: "0c5d8e21-4a3b-4c7d-9e8f-1a2b3c4d5e11", clientId: "0c5d8e21-4a3b-4c7d-9e8f-1a2b3c4d5e11",
    }));
    // A resource group, a server (its PostgreSQL is never reached: it has no record in azure-postgres.json) and a
    // parameter of the server.
    fs.writeFileSync(path.join(dir, "azure-resources.json"), JSON.stringify({
        [rg]: { type: "azure-native:resources:ResourceGroup", outputs: { resourceGroupName: "rg-locks", location: "westeurope" } },
        [server]: { type: "azure-native:dbforpostgresql:Server", outputs: { resourceGroupName: "rg-locks", serverName: "locked" } },
        [`${server}/configurations/log_checkpoints`]: {
            type: "azure-native:dbforpostgresql:Configuration",
            outputs: { resourceGroupName: "rg-locks", serverName: "locked", configurationName: "log_checkpoints", value: "on" },
        },
    }));
    provider = (require("./providers/azure-native") as typeof import("./providers/azure-native")).provider;
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("simulated management locks", () => {
    let lockId: string;

    test("a lock is created at its scope, with an ARM id under it", async () => {
        const created = await provider.create!(urn(LOCK, "l"), { scope: server, lockName: "locked-cannot-delete", level: "CanNotDelete", notes: "on purpose" });
        lockId = created.id;
        assert.equal(lockId, `${server}/providers/Microsoft.Authorization/locks/locked-cannot-delete`);
    });

    test("deleting the locked server, a child of it, or its resource group is refused with 409 ScopeLocked", async () => {
        const cases: [string, string, Record<string, unknown>][] = [
            [server, urn("azure-native:dbforpostgresql:Server", "s"), { resourceGroupName: "rg-locks", serverName: "locked" }],
            [`${server}/configurations/log_checkpoints`, urn("azure-native:dbforpostgresql:Configuration", "c"), { resourceGroupName: "rg-locks", serverName: "locked", configurationName: "log_checkpoints" }],
            [rg, urn("azure-native:resources:ResourceGroup", "g"), { resourceGroupName: "rg-locks" }],
        ];
        for (const [id, resourceUrn, props] of cases) {
            await assert.rejects(provider.delete!(id, resourceUrn, props), (e: Error) => {
                assert.match(e.message, /Status=409 Code="ScopeLocked"/);
                assert.match(e.message, new RegExp(`following scope\\(s\\) are locked: '${server.replace(/[/.]/g, "\\$&")}'`));
                return true;
            }, id);
        }
        const state = JSON.parse(fs.readFileSync(path.join(dir, "azure-resources.json"), "utf8")) as Record<string, unknown>;
        assert.ok(state[server] && state[rg], "nothing was deleted");
    });

    test("the lock itself can be deleted, and then the child and the server can", async () => {
        await provider.delete!(lockId, urn(LOCK, "l"), { scope: server, lockName: "locked-cannot-delete" });
        await provider.delete!(`${server}/configurations/log_checkpoints`, urn("azure-native:dbforpostgresql:Configuration", "c"), { resourceGroupName: "rg-locks", serverName: "locked", configurationName: "log_checkpoints" });
        await provider.delete!(server, urn("azure-native:dbforpostgresql:Server", "s"), { resourceGroupName: "rg-locks", serverName: "locked" });
        const state = JSON.parse(fs.readFileSync(path.join(dir, "azure-resources.json"), "utf8")) as Record<string, unknown>;
        assert.deepEqual(Object.keys(state), [rg]);
    });

    test("a restore or replica of a server that does not exist fails with 404 before anything is created", async () => {
        const serverUrn = urn("azure-native:dbforpostgresql:Server", "r");
        await assert.rejects(provider.create!(serverUrn, {
            resourceGroupName: "rg-locks", serverName: "restored", location: "westeurope", createMode: "PointInTimeRestore",
            sourceServerResourceId: `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/gone`, pointInTimeUTC: new Date().toISOString(),
        }), /Status=404 Code="ResourceNotFound"/);
        const state = JSON.parse(fs.readFileSync(path.join(dir, "azure-resources.json"), "utf8")) as Record<string, unknown>;
        assert.ok(!Object.keys(state).some((id) => id.endsWith("/restored")));
    });
});
