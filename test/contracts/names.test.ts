import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { databaseNamePattern } from "../../components/config/identities";
import { azureServicesRuleName, firewallRuleName, firewallRules } from "../../components/decisions/firewall";
import { checkResource, contractIndex, loadContracts } from "../../contracts/check";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { editConfig } from "../../testing/program";

/**
 * The names the program gives Azure hold to the 2025-08-01 rules the models carry (contracts/azure/derived/):
 * a database name the `databases` setting accepts, and every firewall rule name the program generates.
 */
describe("names Azure would refuse never reach Azure", () => {
    const index = contractIndex(loadContracts());
    const azureRefuses = (type: string, prop: string, name: string) => {
        const contract = index.get(type)!.contract;
        return checkResource({ type, name, props: { [prop]: name } }, { ...contract, required: [] }).filter((v) => v.path === prop);
    };
    const parseDatabases = (names: string[]) => {
        try {
            parseConfig(editConfig(loadStackConfig("dev"), (c: Record<string, any>) => { c.databases = names; c.principals = []; }), { project: "entra-postgres", stack: "dev" });
            return [];
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.problems.filter((p) => p.key.startsWith("entra-postgres:databases"));
        }
    };

    test("every database name the setting accepts is one Azure accepts", () => {
        const candidates = ["app", "App_2", "_x", "a".repeat(63), "z9_", "ünicode", "1app", "app-2", "app.2", "a".repeat(64), "with space", ""];
        for (const name of candidates) {
            const problems = parseDatabases([name]);
            if (problems.length === 0) {
                assert.deepEqual(azureRefuses("azure-native:dbforpostgresql:Database", "databaseName", name), [], `${name}: accepted by the setting, refused by Azure`);
                assert.match(name, databaseNamePattern);
            }
        }
    });

    test("a database name Azure refuses is refused first, naming the setting", () => {
        for (const name of ["1app", "a".repeat(64), "app.2", "-app"]) {
            assert.ok(azureRefuses("azure-native:dbforpostgresql:Database", "databaseName", name).length > 0, `${name}: Azure's models refuse it`);
            const problems = parseDatabases([name]);
            assert.ok(problems.length > 0, `${name}: the setting must refuse it`);
            assert.match(problems[0].key, /^entra-postgres:databases\[0\]$/);
        }
    });

    test("every generated firewall rule name fits the 2025-08-01 pattern and 80 characters", () => {
        const ranges = [
            { start: "0.0.0.1", end: "0.0.0.1" },
            { start: "203.0.113.7", end: "203.0.113.7" },
            { start: "255.255.255.255", end: "255.255.255.255" },
            { start: "100.100.100.100", end: "255.255.255.254" },
        ];
        const rules = firewallRules({ allowedIps: ranges, allowAzureServices: true, extraAddresses: { "allow-vm-egress": "198.51.100.4" } });
        assert.ok(rules.some((r) => r.ruleName === azureServicesRuleName));
        for (const { ruleName } of rules) {
            assert.deepEqual(azureRefuses("azure-native:dbforpostgresql:FirewallRule", "firewallRuleName", ruleName), [], ruleName);
        }
        assert.equal(firewallRuleName({ start: "255.255.255.255", end: "255.255.255.254" }).length, 40);
    });
});
