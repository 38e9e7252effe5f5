import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../components/config";
import { PlanError, render } from "../../plan/cli";
import { projectRoot } from "../../plan/engine/project";
import { flattenTree, Plan, PlanNode } from "../../plan/render";
import { PlanWorker } from "./plansInWorker";

// Plans are made in a worker thread: a third faster than in the test's own (plansInWorker.ts).
const worker = new PlanWorker();
after(() => worker.close());

/**
 * Hostile settings through the plan command: wrong types at every level, unicode tricks, limits, prototype
 * keys, name collisions, tags, parameters, null and empty objects. Each is refused naming its key, stopped by
 * a mandatory policy, or shown harmless by an assertion on what is declared. None may crash the plan, and
 * none may pass with a problem the engine would report (the recorder holds the engine's rules).
 */
type Outcome =
    | { refused: string; says?: RegExp }
    | { policy: string }
    | { harmless: (plan: Plan, nodes: PlanNode[]) => void };

interface Hostile {
    title: string;
    stack: "dev" | "prod";
    change: (c: Record<string, any>) => void;
    outcome: Outcome;
    /** Extra top-level keys of the stack file (beside `config`). */
    raw?: (config: Record<string, unknown>) => void;
}

const shipped: Record<string, Record<string, unknown>> = {};
function settings(stack: string): Record<string, any> {
    shipped[stack] ??= (parseYaml(fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
    return Object.fromEntries(Object.entries(structuredClone(shipped[stack])).map(([k, v]) => [k.replace(/^entra-postgres:/, ""), v]));
}

/** Sets an own property, as a YAML or JSON parser does for `__proto__` (an assignment would set the prototype). */
function own(target: Record<string, any>, key: string, value: unknown): void {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const ofType = (nodes: PlanNode[], suffix: string) => nodes.filter((n) => n.type.endsWith(suffix));
const one = (nodes: PlanNode[], suffix: string) => {
    const found = ofType(nodes, suffix);
    assert.equal(found.length, 1, `one ${suffix}`);
    return found[0];
};
const roles = (nodes: PlanNode[]) => ofType(nodes, ":EntraRole").map((n) => n.details.role);

const refused = (title: string, stack: Hostile["stack"], key: string, change: Hostile["change"], says?: RegExp): Hostile =>
    ({ title, stack, change, outcome: { refused: key, says } });
const policy = (title: string, name: string, change: Hostile["change"]): Hostile => ({ title, stack: "prod", change, outcome: { policy: name } });
const harmless = (title: string, stack: Hostile["stack"], change: Hostile["change"], check: (plan: Plan, nodes: PlanNode[]) => void): Hostile =>
    ({ title, stack, change, outcome: { harmless: check } });

const invisible: [string, string][] = [
    ["zero-width space", "\u200B"], ["zero-width joiner", "\u200D"], ["right-to-left override", "\u202E"], ["left-to-right mark", "\u200E"],
    ["first-strong isolate", "\u2068"], ["byte order mark", "\uFEFF"], ["no-break space", "\u00A0"], ["ideographic space", "\u3000"],
    ["Hangul filler", "\u3164"], ["soft hyphen", "\u00AD"], ["tab", "\t"], ["newline", "\n"], ["NUL", "\u0000"], ["escape", "\u001B[31m"],
];
const reservedNames = ["none", "public", "PUBLIC", "None", "pg_read_all_data", "PG_monitor", "azure_pg_admin", "azure_custom", "current_user", "session_user", "admin", "root"];

const cases: Hostile[] = [
    // Wrong types and values at every level.
    refused("location empty", "dev", "location", (c) => { c.location = ""; }),
    refused("location as a list", "dev", "location", (c) => { c.location = ["westeurope"]; }),
    refused("auth as a boolean", "dev", "auth", (c) => { c.auth = true; }),
    refused("auth in another case", "prod", "auth", (c) => { c.auth = "Entra-Only"; }, /Did you mean "entra-only"/),
    refused("unknown cloud", "dev", "cloud", (c) => { c.cloud = "azure"; }),
    refused("tenant id not a GUID", "prod", "tenantId", (c) => { c.tenantId = "contoso.onmicrosoft.com"; }),
    refused("protect as yes", "dev", "protect", (c) => { c.protect = "yes"; }),
    refused("admins as a string", "dev", "admins", (c) => { c.admins = "dev-dba"; }),
    refused("admins as an object", "dev", "admins", (c) => { c.admins = { name: "x" }; }),
    refused("an admin as a string", "dev", "admins[0]", (c) => { c.admins[0] = "dev-dba@contoso.com"; }),
    refused("admin name as a number", "dev", "admins[0].name", (c) => { c.admins[0].name = 5; }),
    refused("admin object id as a number", "dev", "admins[0].objectId", (c) => { c.admins[0].objectId = 123; }),
    refused("admin type in lower case", "dev", "admins[0].type", (c) => { c.admins[0].type = "user"; }),
    refused("deployer as a list", "dev", "deployer", (c) => { c.deployer = ["dev-dba@contoso.com"]; }),
    refused("network as a string", "dev", "network", (c) => { c.network = "public"; }),
    refused("unknown network access", "dev", "network.access", (c) => { c.network.access = "internal"; }),
    refused("allowedIps as a string", "dev", "network.allowedIps", (c) => { c.network.allowedIps = "203.0.113.10"; }),
    refused("allow the internet", "dev", "network.allowedIps[0]", (c) => { c.network.allowedIps = ["0.0.0.0/0"]; }),
    refused("allow a /8", "dev", "network.allowedIps[0]", (c) => { c.network.allowedIps = ["10.0.0.0/8"]; }),
    refused("Azure services rule as an address", "dev", "network.allowedIps[0]", (c) => { c.network.allowedIps = ["0.0.0.0"]; }),
    refused("address out of range", "dev", "network.allowedIps[0]", (c) => { c.network.allowedIps = ["256.1.1.1"]; }),
    refused("null address", "dev", "network.allowedIps[0]", (c) => { c.network.allowedIps = [null]; }),
    refused("prefix length 33", "prod", "network.addressSpace", (c) => { c.network.addressSpace = "10.40.0.0/33"; }),
    refused("server subnet outside the VNet", "prod", "network.serverSubnet", (c) => { c.network.serverSubnet = "10.41.1.0/24"; }),
    refused("overlapping subnets", "prod", "network.vmSubnet", (c) => { c.network.vmSubnet = "10.40.1.0/25"; }),
    refused("routeTable as maybe", "prod", "network.routeTable", (c) => { c.network.routeTable = "maybe"; }),
    refused("server as a list", "dev", "server", (c) => { c.server = []; }),
    refused("server name with capitals", "dev", "server.name", (c) => { c.server.name = "Prod_Server"; }),
    refused("PostgreSQL 11", "dev", "server.version", (c) => { c.server.version = 11; }),
    refused("version 17.1", "dev", "server.version", (c) => { c.server.version = "17.1"; }),
    refused("SKU without Standard_", "dev", "server.sku", (c) => { c.server.sku = "B1ms"; }),
    refused("unknown tier", "dev", "server.tier", (c) => { c.server.tier = "Premium"; }),
    refused("storage 100 GB", "dev", "server.storageGb", (c) => { c.server.storageGb = 100; }),
    refused("storage as text", "dev", "server.storageGb", (c) => { c.server.storageGb = "lots"; }),
    refused("storage 1e6", "dev", "server.storageGb", (c) => { c.server.storageGb = 1e6; }),
    refused("backups 0 days", "dev", "server.backupRetentionDays", (c) => { c.server.backupRetentionDays = 0; }),
    refused("backups 36 days", "dev", "server.backupRetentionDays", (c) => { c.server.backupRetentionDays = 36; }),
    refused("backups 7.5 days", "dev", "server.backupRetentionDays", (c) => { c.server.backupRetentionDays = 7.5; }),
    refused("HA on Burstable", "dev", "server.highAvailability", (c) => { c.server.highAvailability = "ZoneRedundant"; }),
    refused("availability zone 4", "prod", "server.availabilityZone", (c) => { c.server.availabilityZone = 4; }),
    refused("geo backup as no", "dev", "server.geoRedundantBackup", (c) => { c.server.geoRedundantBackup = "no"; }),
    refused("parameters as a list", "dev", "server.parameters", (c) => { c.server.parameters = ["work_mem=4MB"]; }),
    refused("read-only parameter", "dev", "server.parameters.log_timezone", (c) => { c.server.parameters = { log_timezone: "UTC" }; }, /read-only/),
    refused("parameter name with a space", "dev", "server.parameters.Bad Name", (c) => { c.server.parameters = { "Bad Name": "1" }; }),
    refused("parameter value as an object", "dev", "server.parameters.work_mem", (c) => { c.server.parameters = { work_mem: { mb: 4 } }; }),
    refused("vm as a string", "dev", "vm", (c) => { c.vm = "on"; }),
    refused("vm.enabled as 1", "dev", "vm.enabled", (c) => { c.vm.enabled = 1; }),
    refused("VM name starting with a hyphen", "dev", "vm.name", (c) => { c.vm.name = "-bad"; }),
    refused("VM user root", "dev", "vm.adminUsername", (c) => { c.vm.adminUsername = "root"; }),
    refused("private key pasted", "dev", "vm.sshPublicKey", (c) => { c.vm.sshPublicKey = "-----BEGIN OPENSSH PRIVATE KEY-----"; }),
    refused("no SSH key", "dev", "vm.sshPublicKey", (c) => { delete c.vm.sshPublicKey; }),
    refused("VM access to an unknown database", "dev", "vm.access[0].database", (c) => { c.vm.access = [{ database: "nope", level: "read" }]; }),
    refused("VM access level superuser", "dev", "vm.access[0].level", (c) => { c.vm.access = [{ database: "app", level: "superuser" }]; }),
    refused("principals as an object", "dev", "principals", (c) => { c.principals = { name: "x" }; }),
    refused("principal type robot", "dev", "principals[0].type", (c) => { c.principals[0].type = "robot"; }),
    refused("principal object id not a GUID", "dev", "principals[0].objectId", (c) => { c.principals[0].objectId = "xyz"; }),
    refused("access as a string", "dev", "principals[0].access", (c) => { c.principals[0].access = "app"; }),
    refused("the same database twice", "dev", "principals[0].access[1].database", (c) => { c.principals[0].access.push({ database: "app", level: "read" }); }),
    refused("databases as a string", "dev", "databases", (c) => { c.databases = "app"; }),
    refused("database starting with a digit", "dev", "databases[1]", (c) => { c.databases = ["app", "1app"]; }),
    refused("database with a hyphen", "dev", "databases[1]", (c) => { c.databases = ["app", "app-db"]; }),
    refused("database template1", "dev", "databases[1]", (c) => { c.databases = ["app", "template1"]; }),
    refused("databases app and APP", "dev", "databases[1]", (c) => { c.databases = ["app", "APP"]; }, /same database to Azure/),
    refused("database of 64 characters", "dev", "databases[1]", (c) => { c.databases = ["app", "d".repeat(64)]; }),
    refused("diagnostics.enabled as off", "dev", "diagnostics.enabled", (c) => { c.diagnostics = { enabled: "off" }; }),
    refused("log retention 10 days", "prod", "diagnostics.retentionDays", (c) => { c.diagnostics.retentionDays = 10; }),
    refused("a typo at the top", "dev", "diagnostic", (c) => { c.diagnostic = { enabled: true }; }, /Did you mean "diagnostics"/),
    refused("a typo in server", "dev", "server.storageGB", (c) => { c.server.storageGB = 64; }, /Did you mean "storageGb"/),
    // Tags by Azure's rules.
    refused("tags as a string", "dev", "tags", (c) => { c.tags = "owner=me"; }),
    refused("a dev stack labelled prod", "dev", "tags.stack", (c) => { c.tags = { stack: "prod" }; }, /cannot be overridden/),
    refused("Stack in another case", "dev", "tags.Stack", (c) => { c.tags = { Stack: "prod" }; }),
    refused("project overridden", "dev", "tags.project", (c) => { c.tags = { project: "other" }; }),
    refused("managed-by overridden", "dev", "tags.managed-by", (c) => { c.tags = { "managed-by": "hand" }; }),
    refused("tag name with /", "dev", "tags.a/b", (c) => { c.tags = { "a/b": "x" }; }),
    refused("tag name with %", "dev", "tags.a%b", (c) => { c.tags = { "a%b": "x" }; }),
    refused("tag name with ?", "dev", "tags.a?b", (c) => { c.tags = { "a?b": "x" }; }),
    refused("tag name microsoft…", "dev", "tags.microsoft.owner", (c) => { c.tags = { "microsoft.owner": "x" }; }),
    refused("tag name Azure…", "dev", "tags.Azure-team", (c) => { c.tags = { "Azure-team": "x" }; }),
    refused("tag name windows…", "dev", "tags.windowsVersion", (c) => { c.tags = { windowsVersion: "x" }; }),
    refused("tag name of 513 characters", "dev", `tags.${"k".repeat(513)}`, (c) => { c.tags = { ["k".repeat(513)]: "x" }; }),
    refused("tag value of 257 characters", "dev", "tags.note", (c) => { c.tags = { note: "v".repeat(257) }; }),
    refused("tag value as a number", "dev", "tags.cost", (c) => { c.tags = { cost: 5 }; }),
    refused("13 tags", "dev", "tags", (c) => { c.tags = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`t${i}`, "v"])); }),
    refused("env and ENV", "dev", "tags.ENV", (c) => { c.tags = { env: "a", ENV: "b" }; }, /case-insensitive/),
    // Unicode tricks in names: one validator, refused by key.
    ...invisible.map(([what, ch]) => refused(`principal name with a ${what}`, "dev", "principals[0].name", (c) => { c.principals[0].name = `app${ch}developers`; })),
    refused("principal looking like the deployer (zero-width)", "dev", "principals[0].name", (c) => { c.principals[0].name = "dev-dba@contoso.com\u200B"; }),
    refused("admin name with a right-to-left override", "dev", "admins[1].name", (c) => { c.admins[1].name = "Dev\u202ESnimdA BD"; }),
    refused("leading space", "dev", "principals[0].name", (c) => { c.principals[0].name = " app-developers"; }, /spaces at the start or end/),
    refused("trailing space", "dev", "principals[0].name", (c) => { c.principals[0].name = "app-developers "; }),
    ...reservedNames.map((name) => refused(`principal named ${name}`, "dev", "principals[0].name", (c) => { c.principals[0].name = name; }, /reserved/)),
    refused("64 bytes in 32 characters", "dev", "principals[0].name", (c) => { c.principals[0].name = "é".repeat(32); }, /64 bytes/),
    refused("login pg_owner", "dev", "administratorLogin", (c) => { c.administratorLogin = "pg_owner"; }),
    refused("login none", "dev", "administratorLogin", (c) => { c.administratorLogin = "none"; }),
    refused("principal named like the VM", "dev", "vm.name", (c) => { c.principals[0].name = "dev-pg-client"; }),
    refused("principal with an admin's object id", "dev", "principals[0].objectId", (c) => { c.principals[0].objectId = c.admins[0].objectId; }),
    // Prototype keys, at every level.
    refused("top-level __proto__ turning diagnostics off", "prod", "__proto__", (c) => own(c, "__proto__", { diagnostics: { enabled: false } })),
    refused("top-level constructor", "prod", "constructor", (c) => { c.constructor = { diagnostics: { enabled: false } } as any; }),
    refused("top-level prototype", "prod", "prototype", (c) => { c.prototype = {}; }),
    refused("server.__proto__", "prod", "server.__proto__", (c) => own(c.server, "__proto__", { storageGb: 32 })),
    refused("network.constructor", "prod", "network.constructor", (c) => { c.network.constructor = { access: "public" }; }),
    refused("vm.__proto__", "prod", "vm.__proto__", (c) => own(c.vm, "__proto__", { publicIp: true })),
    refused("admins[0].__proto__", "prod", "admins[0].__proto__", (c) => own(c.admins[0], "__proto__", { type: "User" })),
    refused("access item prototype", "prod", "principals[0].access[0].prototype", (c) => { c.principals[0].access[0].prototype = { level: "admin" }; }),
    refused("tags.__proto__", "prod", "tags.__proto__", (c) => { c.tags = {}; own(c.tags, "__proto__", { stack: "dev" }); }),
    refused("parameters.constructor", "prod", "server.parameters.constructor", (c) => { c.server.parameters = { constructor: "x" }; }),
    refused("maintenanceWindow.__proto__", "prod", "server.maintenanceWindow.__proto__", (c) => own(c.server.maintenanceWindow, "__proto__", { dayOfWeek: 3 })),
    // Null and empty objects.
    refused("an empty maintenance window", "prod", "server.maintenanceWindow.dayOfWeek", (c) => { c.server.maintenanceWindow = {}; }, /is required for a custom maintenance window/),
    refused("a maintenance window without minutes", "prod", "server.maintenanceWindow.startMinute", (c) => { delete c.server.maintenanceWindow.startMinute; }),
    refused("maintenance window on day 7", "prod", "server.maintenanceWindow.dayOfWeek", (c) => { c.server.maintenanceWindow.dayOfWeek = 7; }),
    refused("maintenance window at 24:00", "prod", "server.maintenanceWindow.startHour", (c) => { c.server.maintenanceWindow.startHour = 24; }),
    refused("maintenance window as text", "prod", "server.maintenanceWindow", (c) => { c.server.maintenanceWindow = "sunday"; }),
    refused("access to a database removed", "dev", "principals[0].access[0].database", (c) => { c.databases = []; c.vm.access = []; }),
    refused("no admins at all", "prod", "admins", (c) => { c.admins = []; }, /lockout/),
    harmless("maintenance window null: Azure's system-managed window", "dev", (c) => { c.server.maintenanceWindow = null; }, (_p, nodes) => {
        assert.equal(ofType(nodes, ":Server").length, 1);
    }),
    policy("prod with Azure's system-managed maintenance window", "postgres-maintenance-window", (c) => { c.server.maintenanceWindow = null; }),
    harmless("network null: the documented default, private access", "dev", (c) => { c.network = null; c.network = undefined; delete c.network; }, (_p, nodes) => {
        assert.match(one(nodes, ":Server").details.network, /^private/);
    }),
    harmless("diagnostics null: on, as documented", "dev", (c) => { c.diagnostics = null; }, (_p, nodes) => {
        assert.equal(ofType(nodes, ":DiagnosticSetting").length, 1);
    }),
    harmless("diagnostics {}: on, as documented", "dev", (c) => { c.diagnostics = {}; }, (_p, nodes) => {
        assert.equal(ofType(nodes, ":DiagnosticSetting").length, 1);
    }),
    harmless("tags {}: only the program's own", "dev", (c) => { c.tags = {}; }, (plan) => assert.ok(plan.resourceCount > 0)),
    harmless("principals []: only the VM's role", "dev", (c) => { c.principals = []; }, (_p, nodes) => {
        assert.deepEqual(roles(nodes), ["dev-pg-client (service)"]);
    }),
    harmless("VM access []: the VM's role without grants", "dev", (c) => { c.vm.access = []; }, (_p, nodes) => {
        assert.ok(ofType(nodes, ":Grant").every((g) => !/dev-pg-client/.test(g.details.to)));
    }),
    // Name collisions: distinct names, distinct URNs (the recorder refuses duplicates).
    harmless("App-Developers beside app-developers", "dev", (c) => { c.principals.push({ name: "App-Developers", type: "group", access: [{ database: "app", level: "read" }] }); }, (_p, nodes) => {
        assert.deepEqual(roles(nodes).sort(), ["App-Developers (group)", "app-developers (group)", "dev-pg-client (service)"]);
    }),
    harmless("names in CJK only", "dev", (c) => { c.principals.push({ name: "開発者", type: "group" }, { name: "テスト", type: "group" }); }, (_p, nodes) => {
        assert.equal(roles(nodes).length, 4);
    }),
    harmless("long names sharing 40 characters", "dev", (c) => {
        c.principals.push({ name: `${"x".repeat(40)}-readers`, type: "group" }, { name: `${"x".repeat(40)}-writers`, type: "group" });
    }, (_p, nodes) => assert.equal(roles(nodes).length, 4)),
    harmless("app.dev and app_dev", "dev", (c) => { c.principals.push({ name: "app.dev", type: "user" }, { name: "app_dev", type: "user" }); }, (_p, nodes) => {
        assert.equal(roles(nodes).length, 4);
    }),
    harmless("a principal named like the VM in upper case", "dev", (c) => { c.principals.push({ name: "DEV-PG-CLIENT", type: "service", access: [{ database: "app", level: "read" }] }); }, (_p, nodes) => {
        assert.ok(roles(nodes).includes("DEV-PG-CLIENT (service)"));
    }),
    harmless("admins differing only in case", "dev", (c) => { c.admins.push({ name: "dev db admins", objectId: "6d2e8c41-52a7-4b9e-8f31-0a7c5e9d2b99", type: "Group" }); }, (_p, nodes) => {
        assert.equal(ofType(nodes, ":AdministratorsMicrosoftEntra").length, 3);
    }),
    harmless("HTML and Markdown in a name stay text", "dev", (c) => { c.principals.push({ name: "<b>x</b>[y](https://z)", type: "group" }); }, (plan) => {
        assert.doesNotMatch(render(plan, "markdown"), /<b>x|\]\(https/);
    }),
    harmless("an ordinary tag", "dev", (c) => { c.tags = { owner: "data-team" }; }, (plan) => assert.ok(plan.ok)),
    harmless("an ordinary parameter", "dev", (c) => { c.server.parameters = { work_mem: 8192 }; }, (_p, nodes) => {
        assert.ok(ofType(nodes, ":Configuration").some((n) => n.details.parameter === "work_mem = 8192"));
    }),
    // Stopped by a mandatory policy of the prod stack.
    policy("prod with password logins", "postgres-entra-only-auth", (c) => { c.auth = "mixed"; c.administratorLogin = "pgowner"; }),
    policy("prod reachable from the internet", "postgres-public-network-access-disabled", (c) => {
        c.network = { access: "public", allowedIps: ["203.0.113.10"] };
    }),
    policy("prod without diagnostics", "postgres-diagnostic-settings", (c) => { c.diagnostics = { enabled: false }; }),
    policy("prod without geo-redundant backups", "postgres-geo-redundant-backup", (c) => { c.server.geoRedundantBackup = false; }),
    policy("prod without high availability", "postgres-zone-redundant-ha", (c) => { c.server.highAvailability = "Disabled"; }),
    policy("prod VM with a public IP", "vm-nic-no-public-ip", (c) => { c.vm.publicIp = true; }),
    policy("prod VM without encryption at host", "vm-encryption-at-host", (c) => { c.vm.encryptionAtHost = false; }),
    policy("prod without TLS", "postgres-require-secure-transport", (c) => { c.server.parameters = { require_secure_transport: "off" }; }),
    refused("prod with TLS 1.0", "prod", "server.parameters.ssl_min_protocol_version", (c) => { c.server.parameters = { ssl_min_protocol_version: "TLSv1" }; }, /TLSv1\.2, TLSv1\.3/),
    policy("prod with a 7-day backup", "postgres-backup-retention", (c) => { c.server.backupRetentionDays = 7; }),
    policy("prod with a user admin", "entra-admin-principal-types", (c) => { c.admins[1].type = "User"; }),
];

describe("hostile settings through the plan command", () => {
    test("the table is long enough", () => {
        assert.ok(cases.length >= 100, `${cases.length} cases`);
        assert.equal(new Set(cases.map((c) => c.title)).size, cases.length, "titles are unique");
    });
    for (const hostile of cases) {
        test(hostile.title, async () => {
            const config = settings(hostile.stack);
            hostile.change(config);
            const document = { config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`entra-postgres:${k}`, v])) };
            let plan: Plan | undefined;
            let error: unknown;
            try {
                plan = await worker.plan({ stack: hostile.stack, document });
            } catch (err) {
                error = err;
            }
            const outcome = hostile.outcome;
            if ("refused" in outcome) {
                assert.ok(error instanceof PlanError, `expected the settings to be refused, got ${plan ? "a plan" : String(error)}`);
                assert.ok(error.cause instanceof ConfigError, `refused by the settings, not a crash: ${String(error.cause)}`);
                const problem = error.cause.problems.find((p) => p.key === `entra-postgres:${outcome.refused}`);
                assert.ok(problem, `no problem names entra-postgres:${outcome.refused}:\n${error.message}`);
                if (outcome.says) assert.match(problem.message, outcome.says);
                return;
            }
            assert.equal(error, undefined, `the plan ran: ${error instanceof Error ? error.stack : String(error)}`);
            const nodes = flattenTree(plan!.tree);
            if ("policy" in outcome) {
                assert.equal(plan!.ok, false);
                const violation = plan!.policies.violations.find((v) => v.policyName === outcome.policy);
                assert.ok(violation, `${outcome.policy} reported; got ${plan!.policies.violations.map((v) => v.policyName).join(", ")}`);
                assert.equal(violation.enforcementLevel, "mandatory");
                assert.ok(violation.setting, "names the setting to change");
                return;
            }
            assert.equal(plan!.policies.mandatoryFailures, 0, JSON.stringify(plan!.policies.violations));
            outcome.harmless(plan!, nodes);
        });
    }
});
