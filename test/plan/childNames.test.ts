import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { ChildNames, childName, isPlain, slug } from "../../components/childNames";
import { runStack } from "../../testing/program";

/**
 * URNs of the shipped stacks as the program declared them before identity names were hashed (recorded from
 * the program at commit c63268ef, with the engine's URN rule). A deployed stack keeps every resource: each URN
 * is still declared, or is the alias of a resource that is.
 */
const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "shipped-urns.json"), "utf8")) as Record<string, string[]>;

for (const stack of ["dev", "prod"] as const) {
    test(`every URN of the deployed ${stack} stack is still declared or aliased`, async () => {
        const run = await runStack(stack, undefined, true);
        assert.equal(run.error, undefined, String(run.error));
        const now = new Map<string, string>();
        for (const r of run.resources) {
            now.set(r.urn, r.urn);
            for (const alias of r.aliases) {
                assert.ok(!now.has(alias) || now.get(alias) === alias, `alias ${alias} is claimed twice`);
                now.set(alias, r.urn);
            }
        }
        const missing = shipped[stack].filter((urn) => !now.has(urn));
        assert.deepEqual(missing, [], "a deployed resource would be deleted and created again");
        const aliased = shipped[stack].filter((urn) => now.get(urn) !== urn);
        assert.ok(aliased.length > 0, "the shipped display names (\"Prod DB Admins\", UPNs) are hashed now, and aliased");
        // New since the fixture was recorded, and only these: connection logging written on (Learn lists
        // log_connections and log_disconnections as dynamic), each database created by the deployer first, and
        // the server's delete lock of a protected stack (prod; lock.server follows protect).
        const recorded = new Set(shipped[stack]);
        const added = run.resources.filter((r) => !recorded.has(r.urn) && !r.aliases.some((a) => recorded.has(a))).map((r) => r.urn.split("::").pop());
        assert.deepEqual(added.sort(), [`${stack}-db-app-owned`, ...(stack === "prod" ? ["prod-lock"] : []), `${stack}-pg-param-log-connections`, `${stack}-pg-param-log-disconnections`]);
    });
}

describe("child names never collide", () => {
    test("plain names keep their readable form; anything else gets a hash of the exact name", () => {
        assert.equal(isPlain("app-developers"), true);
        for (const lossy of ["App-Developers", "app.dev", "app_dev", "Prod DB Admins", "開発者", "a".repeat(41), "x-by-y", "dev-dba@contoso.com", ""]) {
            assert.equal(isPlain(lossy), false, lossy);
        }
        assert.deepEqual(childName("dev-access", "role", { identity: "app-developers" }), { name: "dev-access-role-app-developers" });
        const hashed = childName("dev-access", "role", { identity: "App-Developers" });
        assert.match(hashed.name, /^dev-access-role-app-developers--[0-9a-f]{12}$/);
        assert.equal(hashed.previous, "dev-access-role-app-developers");
        assert.equal(slug("開発者"), "principal");
    });

    test("names from the issue's collisions are all distinct", () => {
        const families = [
            ["app-developers", "App-Developers", "APP-DEVELOPERS"],
            ["開発者", "開発チーム", "テスト"],
            [`${"a".repeat(40)}-one`, `${"a".repeat(40)}-two`],
            ["app.dev", "app_dev", "app-dev", "app dev"],
            ["prod-pg-client", "Prod-Pg-Client"],
            ["x", "x-by", "x-by-y", "by"],
        ];
        for (const family of families) {
            const roles = new Set(family.map((n) => childName("s-access", "role", { identity: n }).name));
            assert.equal(roles.size, family.length, family.join(", "));
        }
    });

    test("default-privilege names parse one way only, even with `by` in identities and databases", () => {
        const identities = ["a", "a-d-tables", "y-tables", "z", "tables", "A", "by-x"];
        const databases = ["d", "y", "by", "tables", "D"];
        // Grants and default privileges are different types, so only names within each must differ.
        const seen = new Map<string, string>();
        const grants = new Map<string, string>();
        for (const role of identities) {
            for (const database of databases) {
                for (const kind of ["tables", "sequences"]) {
                    for (const owner of identities) {
                        const key = JSON.stringify([role, database, kind, owner]);
                        const { name } = childName("s-access", { identity: role }, database, kind, "by", { identity: owner });
                        assert.ok(!seen.has(name), `${key} and ${seen.get(name)} share ${name}`);
                        seen.set(name, key);
                    }
                }
                for (const kind of ["database", "schema", "tables", "sequences"]) {
                    const { name } = childName("s-access", { identity: role }, database, kind);
                    assert.ok(!grants.has(name), `${name} taken`);
                    grants.set(name, role);
                }
            }
        }
    });

    test("an alias is given only when the previous name was unambiguous", () => {
        const names = new ChildNames(["Prod DB Admins", "app-developers", "App-Developers"]);
        assert.deepEqual(names.name("p-admin", { identity: "Prod DB Admins" }, "1d6e9f32").aliases, [{ name: "p-admin-prod-db-admins-1d6e9f32" }]);
        assert.deepEqual(names.name("p-access", "role", { identity: "app-developers" }).aliases, [], "unchanged name: no alias");
        assert.deepEqual(names.name("p-access", "role", { identity: "App-Developers" }).aliases, [], "the previous name is another child's");
    });

    test("identities that differ only in case deploy side by side", async () => {
        const run = await runStack("dev", (c: Record<string, any>) => {
            c.principals = [
                { name: "app-developers", type: "group", access: [{ database: "app", level: "read" }] },
                { name: "App-Developers", type: "group", access: [{ database: "app", level: "write" }] },
                { name: "DEV-PG-CLIENT", type: "service", access: [{ database: "app", level: "admin" }] },
            ];
        }, true);
        assert.equal(run.error, undefined, String(run.error));
        assert.deepEqual(run.engineViolations, []);
        const urns = run.resources.map((r) => r.urn);
        assert.equal(new Set(urns).size, urns.length);
    });
});
