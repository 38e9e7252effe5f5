import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { roleNameProblem } from "../../components/roles";
import { loadStackConfig } from "../../plan/engine/configEncoding";

/** The shipped prod settings, with raw (`ns:key` → string) values replaced. */
function parse(changes: Record<string, string>) {
    return parseConfig({ ...loadStackConfig("prod"), ...changes }, { project: "entra-postgres", stack: "prod" });
}

function problems(changes: Record<string, string>): Map<string, string> {
    try {
        parse(changes);
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return new Map(err.problems.map((p) => [p.key, p.message]));
    }
    return new Map();
}

describe("prototype keys are refused by name and change nothing", () => {
    test("a top-level __proto__ cannot turn diagnostics off", () => {
        const found = problems({ "entra-postgres:__proto__": JSON.stringify({ diagnostics: { enabled: false } }) });
        assert.match(found.get("entra-postgres:__proto__") ?? "", /refused at every level/);
    });
    for (const key of ["__proto__", "constructor", "prototype"]) {
        test(`${key} nested in an object, a list item and the tags`, () => {
            const server = JSON.parse(loadStackConfig("prod")["entra-postgres:server"]);
            const found = problems({
                "entra-postgres:server": `{"name":"${server.name}","${key}":{"storageGb":32},"maintenanceWindow":{"dayOfWeek":0,"startHour":2,"startMinute":0,"${key}":{}}}`,
                "entra-postgres:admins": `[{"name":"platform-deployer","objectId":"0c5d8e21-4a3b-4c7d-9e8f-1a2b3c4d5e11","type":"ServicePrincipal","${key}":{"type":"User"}}]`,
                "entra-postgres:tags": `{"${key}":{"stack":"prod"}}`,
            });
            for (const path of [`server.${key}`, `server.maintenanceWindow.${key}`, `admins[0].${key}`, `tags.${key}`]) {
                assert.match(found.get(`entra-postgres:${path}`) ?? "", /refused at every level/, path);
            }
        });
    }
});

describe("the maintenance window means what it says", () => {
    test("null or absent: Azure's system-managed window", () => {
        const server = JSON.parse(loadStackConfig("prod")["entra-postgres:server"]);
        assert.equal(parse({ "entra-postgres:server": JSON.stringify({ ...server, maintenanceWindow: null }) }).server.maintenanceWindow, undefined);
        delete server.maintenanceWindow;
        assert.equal(parse({ "entra-postgres:server": JSON.stringify(server) }).server.maintenanceWindow, undefined);
    });
    test("{} or a missing field is refused by name", () => {
        const server = JSON.parse(loadStackConfig("prod")["entra-postgres:server"]);
        const empty = problems({ "entra-postgres:server": JSON.stringify({ ...server, maintenanceWindow: {} }) });
        for (const field of ["dayOfWeek", "startHour", "startMinute"]) {
            assert.match(empty.get(`entra-postgres:server.maintenanceWindow.${field}`) ?? "", /is required for a custom maintenance window/);
        }
        const partial = problems({ "entra-postgres:server": JSON.stringify({ ...server, maintenanceWindow: { dayOfWeek: 3 } }) });
        assert.deepEqual([...partial.keys()].sort(), ["entra-postgres:server.maintenanceWindow.startHour", "entra-postgres:server.maintenanceWindow.startMinute"]);
    });
});

describe("one validator of role names, in the settings and in the role provider", () => {
    const refused = [
        "none", "NONE", "public", "current_user", "session_user", "azure_custom", "pg_x", " platform-ops", "platform-ops ",
        "ops\u200Bteam", "ops\u202Eteam", "ops\u2066team", "ops\u00A0team", "ops\tteam", "ops\u0000team", "ops\uFEFF", "\u00ADops",
        "é".repeat(32),
    ];
    for (const name of refused) {
        test(`${JSON.stringify(name)} is refused by both`, () => {
            assert.ok(roleNameProblem(name), "the role provider refuses it");
            const found = problems({ "entra-postgres:principals": JSON.stringify([{ name, type: "group" }]) });
            assert.ok(found.has("entra-postgres:principals[0].name"), `the settings refuse it: ${JSON.stringify([...found])}`);
        });
    }
    for (const name of ["Prod DB Readonly", "dev-dba@contoso.com", "開発チーム", "Équipe données", "é".repeat(31)]) {
        test(`${JSON.stringify(name)} is accepted by both`, () => {
            assert.equal(roleNameProblem(name), undefined);
            assert.equal(parse({ "entra-postgres:principals": JSON.stringify([{ name, type: "group" }]) }).principals[0].name, name);
        });
    }
});

describe("tags and database names by Azure's rules", () => {
    const cases: [string, Record<string, string>, RegExp][] = [
        ["stack", { stack: "prod" }, /set by the program/],
        ["Project", { Project: "x" }, /set by the program/],
        ["managed-by", { "managed-by": "me" }, /set by the program/],
        ["a/b", { "a/b": "x" }, /cannot contain/],
        ["a<b", { "a<b": "x" }, /cannot contain/],
        ["MicrosoftOwned", { MicrosoftOwned: "x" }, /reserves/],
        ["azure-team", { "azure-team": "x" }, /reserves/],
        ["windows", { windows: "x" }, /reserves/],
        ["k".repeat(513), { ["k".repeat(513)]: "x" }, /at most 512/],
        ["long", { long: "v".repeat(257) }, /at most 256/],
        ["num", { num: 3 as unknown as string }, /must be a string/],
        ["Env", { env: "a", Env: "b" }, /case-insensitive/],
    ];
    for (const [key, tags, says] of cases) {
        test(`tag ${JSON.stringify(key.length > 20 ? `${key.slice(0, 5)}…` : key)} is refused by name`, () => {
            const found = problems({ "entra-postgres:tags": JSON.stringify(tags) });
            assert.match(found.get(`entra-postgres:tags.${key}`) ?? "", says, JSON.stringify([...found]));
        });
    }
    test("more tags than fit on a Private DNS zone", () => {
        const tags = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`t${i}`, "v"]));
        assert.match(problems({ "entra-postgres:tags": JSON.stringify(tags) }).get("entra-postgres:tags") ?? "", /at most 12/);
    });
    test("ordinary tags pass", () => {
        assert.deepEqual(parse({ "entra-postgres:tags": JSON.stringify({ owner: "data-team", "cost-center": "42" }) }).tags, { owner: "data-team", "cost-center": "42" });
    });
    test("databases differing only in case are one database to Azure", () => {
        const found = problems({ "entra-postgres:databases": JSON.stringify(["app", "App"]) });
        assert.match(found.get("entra-postgres:databases[1]") ?? "", /same database to Azure/);
    });
});
