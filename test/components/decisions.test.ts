import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DatabaseAccess, StackConfig } from "../../components/config";
import {
    accessIdentities,
    azureServicesRuleName,
    chain,
    databaseOwner,
    defaultDatabaseOf,
    diagnosticSettingFor,
    firewallRuleName,
    firewallRules,
    lastOf,
    objectOwners,
    parameterChildSuffix,
    serverWriteStages,
} from "../../components/decisions";

describe("write chain", () => {
    test("the server writes come in one order: server, parameters, firewall rules, admins, databases", () => {
        assert.deepEqual([...serverWriteStages], ["server", "parameters", "restart", "firewallRules", "administrators", "databases"]);
    });

    const cases: { items: string[]; after: string[]; waits: string[][] }[] = [
        { items: [], after: ["server"], waits: [] },
        { items: ["a"], after: ["server"], waits: [["server"]] },
        { items: ["a", "b", "c"], after: ["server"], waits: [["server"], ["a"], ["b"]] },
        // The first item waits for every earlier write; the others only for the one before.
        { items: ["a", "b"], after: ["p1", "fw1"], waits: [["p1", "fw1"], ["a"]] },
        { items: ["a", "b"], after: [], waits: [[], ["a"]] },
    ];
    for (const { items, after, waits } of cases) {
        test(`chain of [${items}] after [${after}]`, () => {
            const seen: { item: string; after: string[]; index: number }[] = [];
            const created = chain<string, string>(items, after, (item, waitFor, index) => {
                seen.push({ item, after: waitFor, index });
                return item;
            });
            assert.deepEqual(created, items);
            assert.deepEqual(seen.map((s) => s.after), waits);
            assert.deepEqual(seen.map((s) => s.index), items.map((_, i) => i));
        });
    }

    test("chain does not change the list it was given", () => {
        const after = ["server"];
        chain(["a", "b"], after, (item) => item);
        assert.deepEqual(after, ["server"]);
    });

    const lasts: [string[], string, string][] = [
        [[], "server", "server"],
        [["p1"], "server", "p1"],
        [["p1", "p2", "p3"], "server", "p3"],
    ];
    for (const [created, before, expected] of lasts) {
        test(`lastOf([${created}], ${before}) is ${expected}`, () => assert.equal(lastOf(created, before), expected));
    }

    const suffixes: [string, string][] = [
        ["log_connections", "log-connections"],
        ["azure.extensions", "azure-extensions"],
        ["pgaudit.log_level", "pgaudit-log-level"],
        ["require_secure_transport", "require-secure-transport"],
        ["timezone", "timezone"],
    ];
    for (const [parameter, suffix] of suffixes) {
        test(`parameter ${parameter} is named ${suffix}`, () => assert.equal(parameterChildSuffix(parameter), suffix));
    }
});

describe("firewall rules", () => {
    const names: [{ start: string; end: string }, string][] = [
        [{ start: "203.0.113.7", end: "203.0.113.7" }, "allow-203-0-113-7"],
        [{ start: "203.0.113.0", end: "203.0.113.255" }, "allow-203-0-113-0-to-203-0-113-255"],
        [{ start: "10.0.0.1", end: "10.0.0.2" }, "allow-10-0-0-1-to-10-0-0-2"],
    ];
    for (const [ip, name] of names) {
        test(`${ip.start}-${ip.end} is named ${name}`, () => assert.equal(firewallRuleName(ip), name));
    }

    test("no firewall input, no rule", () => {
        assert.deepEqual(firewallRules({ allowedIps: [], allowAzureServices: false }), []);
    });

    test("order: allowed ranges, then extra named addresses, then the Azure-services rule", () => {
        const rules = firewallRules({
            allowedIps: [{ start: "203.0.113.7", end: "203.0.113.7" }, { start: "198.51.100.0", end: "198.51.100.15" }],
            allowAzureServices: true,
            extraAddresses: { "allow-vm-egress": "192.0.2.9" },
        });
        assert.deepEqual(rules, [
            { ruleName: "allow-203-0-113-7", start: "203.0.113.7", end: "203.0.113.7" },
            { ruleName: "allow-198-51-100-0-to-198-51-100-15", start: "198.51.100.0", end: "198.51.100.15" },
            { ruleName: "allow-vm-egress", start: "192.0.2.9", end: "192.0.2.9" },
            { ruleName: "AllowAllAzureServicesAndResourcesWithinAzureIps", start: "0.0.0.0", end: "0.0.0.0" },
        ]);
    });

    test("0.0.0.0 appears only with the Azure-services opt-in, and never as an allow-all range", () => {
        for (const allowAzureServices of [false, true]) {
            const rules = firewallRules({ allowedIps: [{ start: "203.0.113.7", end: "203.0.113.7" }], allowAzureServices });
            assert.equal(rules.some((r) => r.start === "0.0.0.0"), allowAzureServices);
            assert.equal(rules.some((r) => r.ruleName === azureServicesRuleName), allowAzureServices);
            assert.ok(!rules.some((r) => r.end === "255.255.255.255"));
        }
    });

    test("an extra address known only after deployment passes through as it is", () => {
        const later = { later: true };
        const [rule] = firewallRules({ allowedIps: [], allowAzureServices: false, extraAddresses: { "allow-vm-egress": later } });
        assert.equal(rule.start, later);
        assert.equal(rule.end, later);
    });
});

describe("object owners", () => {
    const identities = [
        { name: "app-admins", access: [{ database: "app", level: "admin" as const }] },
        { name: "app-writers", access: [{ database: "app", level: "write" as const }] },
        { name: "reports-admin", access: [{ database: "reports", level: "admin" as const }, { database: "app", level: "read" as const }] },
        { name: "both", access: [{ database: "reports", level: "admin" as const }, { database: "app", level: "admin" as const }] },
    ];
    const cases: [string, string[]][] = [
        ["app", ["platform-deployer", "app-admins", "both"]],
        ["reports", ["platform-deployer", "reports-admin", "both"]],
        ["other", ["platform-deployer"]],
    ];
    for (const [database, owners] of cases) {
        test(`owners in ${database}: ${owners.join(", ")}`, () => {
            assert.deepEqual(objectOwners("platform-deployer", identities, database), owners);
        });
    }

    test("read and write never make an owner; no identity at all leaves the deployer alone", () => {
        assert.deepEqual(objectOwners("d", [{ name: "r", access: [{ database: "app", level: "read" }, { database: "app", level: "write" }] }], "app"), ["d"]);
        assert.deepEqual(objectOwners("d", [], "app"), ["d"]);
    });

    test("the deployer creates, and owns, every database (never the password administrator or azuresu)", () => {
        for (const deployer of ["platform-deployer", "dev-dba@contoso.com"]) {
            assert.equal(databaseOwner(deployer), deployer);
        }
    });
});

describe("diagnostics", () => {
    test("the setting targets the server and sends all logs and all metrics to the workspace", () => {
        assert.deepEqual(diagnosticSettingFor("/servers/pg", "/workspaces/logs"), {
            resourceUri: "/servers/pg",
            workspaceId: "/workspaces/logs",
            logAnalyticsDestinationType: "Dedicated",
            logs: [{ categoryGroup: "allLogs", enabled: true }],
            metrics: [{ category: "AllMetrics", enabled: true }],
        });
    });
});

describe("stack identities", () => {
    const read: DatabaseAccess[] = [{ database: "app", level: "read" }];
    const principals = [
        { name: "App Readers", objectId: "11111111-1111-4111-8111-111111111111", type: "group" as const, access: read },
        { name: "alice@contoso.com", type: "user" as const, access: [] },
    ];

    test("without a VM: the principals, in order, as configured", () => {
        assert.deepEqual(accessIdentities(principals), [
            { name: "App Readers", objectId: "11111111-1111-4111-8111-111111111111", type: "group", access: read },
            { name: "alice@contoso.com", objectId: undefined, type: "user", access: [] },
        ]);
    });

    test("with a VM: its identity first, a service principal named after the VM that waits for the VM", () => {
        const identities = accessIdentities(principals, { roleName: "dev-pg-client", principalId: "vm-principal", access: read, resource: "vm" });
        assert.deepEqual(identities.map((i) => i.name), ["dev-pg-client", "App Readers", "alice@contoso.com"]);
        assert.deepEqual(identities[0], { name: "dev-pg-client", objectId: "vm-principal", type: "service", access: read, dependsOn: ["vm"] });
        assert.ok(identities.slice(1).every((i) => i.dependsOn === undefined));
    });

    const vm = (enabled: boolean, access: DatabaseAccess[]) => ({ enabled, access }) as unknown as StackConfig["vm"];
    const cases: [string, Pick<StackConfig, "vm" | "databases">, string][] = [
        ["the VM's first database", { vm: vm(true, [{ database: "reports", level: "read" }, { database: "app", level: "read" }]), databases: ["app", "reports"] }, "reports"],
        ["the first database when the VM has no access", { vm: vm(true, []), databases: ["app", "reports"] }, "app"],
        ["the first database without a VM", { vm: vm(false, [{ database: "reports", level: "read" }]), databases: ["app", "reports"] }, "app"],
        ["postgres without any database", { vm: vm(false, []), databases: [] }, "postgres"],
    ];
    for (const [what, config, expected] of cases) {
        test(`default database: ${what}`, () => assert.equal(defaultDatabaseOf(config), expected));
    }
});
