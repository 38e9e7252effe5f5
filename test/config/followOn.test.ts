import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { editConfig, loadStackConfig } from "../../plan/engine/configEncoding";

/** One mistake, one problem: a typo is not followed by problems that only repeat it or that are false. */

function problems(stack: "dev" | "prod", change: (c: Record<string, any>) => void): { key: string; message: string }[] {
    try {
        parseConfig(editConfig(loadStackConfig(stack), change), { project: "entra-postgres", stack });
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return [...err.problems];
    }
    return [];
}

describe("no knock-on problems from one mistake", () => {
    test("objectID for objectId on the deployer's admin is one problem, naming the key to use", () => {
        const found = problems("dev", (c) => {
            c.admins[0].objectID = c.admins[0].objectId;
            delete c.admins[0].objectId;
        });
        assert.deepEqual(found.map((p) => p.key), ["entra-postgres:admins[0].objectID"], JSON.stringify(found));
        assert.match(found[0].message, /Did you mean "objectId" \(entra-postgres:admins\[0\]\.objectId\)/);
    });

    test("a missing objectId (no look-alike key) is still required", () => {
        const found = problems("dev", (c) => { delete c.admins[0].objectId; });
        assert.deepEqual(found.map((p) => p.key), ["entra-postgres:admins[0].objectId"]);
        assert.match(found[0].message, /is required/);
    });

    test("a misspelled key beside the right one is reported, and the right one still read", () => {
        const found = problems("dev", (c) => { c.admins[0].objectID = c.admins[0].objectId; });
        assert.deepEqual(found.map((p) => p.key), ["entra-postgres:admins[0].objectID"]);
    });

    test("a deployer whose admin entry is invalid is not also 'not among admins'", () => {
        const found = problems("prod", (c) => { c.admins[0].type = "Service"; });
        assert.deepEqual(found.map((p) => p.key), ["entra-postgres:admins[0].type"], JSON.stringify(found));
    });

    test("a deployer named nowhere is still refused", () => {
        const found = problems("prod", (c) => { c.deployer = "nobody"; });
        assert.deepEqual(found.map((p) => p.key), ["entra-postgres:deployer"]);
    });

    test("auth: entra (not a mode) with administratorLogin set is one problem, under auth", () => {
        const found = problems("dev", (c) => { c.auth = "entra"; });
        assert.deepEqual(found.map((p) => p.key), ["entra-postgres:auth"], JSON.stringify(found));
        assert.match(found[0].message, /Did you mean "entra-only"\?/);
    });

    test("auth: entra-only with administratorLogin set is still refused", () => {
        const found = problems("dev", (c) => { c.auth = "entra-only"; });
        assert.deepEqual(found.map((p) => p.key), ["entra-postgres:administratorLogin"]);
    });
});

describe("the objectId hint follows the admin's type", () => {
    for (const [type, command] of [["User", "az ad user show"], ["Group", "az ad group show"], ["ServicePrincipal", "az ad sp show"]] as const) {
        test(`${type}: ${command}`, () => {
            const found = problems("dev", (c) => {
                c.admins[1].type = type;
                delete c.admins[1].objectId;
            });
            const problem = found.find((p) => p.key === "entra-postgres:admins[1].objectId");
            assert.ok(problem, JSON.stringify(found));
            assert.ok(problem.message.includes(command), problem.message);
            for (const other of ["az ad user show", "az ad group show", "az ad sp show"].filter((c) => c !== command)) {
                assert.ok(!problem.message.includes(other), `${type} hint mentions ${other}: ${problem.message}`);
            }
        });
    }
});
