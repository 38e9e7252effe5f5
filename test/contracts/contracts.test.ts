import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { checkResource, contractIndex, loadContracts, NamespaceContract, specOf, Violation } from "../../contracts/check";
import { setTokenSource } from "../../components/testing";
import type { RecordedRegistration } from "../../plan/engine/recorder";
import { editConfig, runStack } from "../../testing/program";
import { ConfigError, parseConfig } from "../../components/config";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { variants } from "./variants";

/**
 * Azure's REST API specs as the oracle: every resource the program declares, across stack variants that
 * together reach every resource type, is checked input by input against the facts in contracts/azure/.
 */
describe("Azure contract facts", () => {
    const contracts = loadContracts();
    const index = contractIndex(contracts);
    const recorded: { variant: string; resources: RecordedRegistration[] }[] = [];

    before(async () => {
        // Sovereign-cloud variants fetch a token for the role provider; no Azure here.
        setTokenSource(async () => ({ token: "contract-test-token", expiresOnTimestamp: Date.now() + 3_600_000 }));
        for (const variant of variants) {
            const run = await runStack(variant.stack, variant.change);
            assert.equal(run.error, undefined, `${variant.name}: ${String(run.error)}`);
            recorded.push({ variant: variant.name, resources: run.resources });
        }
    });
    after(() => setTokenSource(undefined));

    const azure = (r: RecordedRegistration) => r.custom && r.type.startsWith("azure-native:");

    test("every data file names its namespace, and every fact cites a spec path and commit of its type's API version", () => {
        assert.ok(contracts.length >= 5);
        for (const namespace of contracts) {
            assert.match(namespace.namespace, /^Microsoft\.[A-Za-z]+$/);
            for (const [token, contract] of Object.entries(namespace.types)) {
                assert.match(token, /^azure-native:[a-z]+:[A-Za-z]+$/);
                for (const [path, fact] of Object.entries(contract.properties)) {
                    const spec = specOf(namespace, contract, fact);
                    assert.ok(spec, `${token} ${path}: spec "${fact.spec ?? contract.spec}" is not declared in ${namespace.namespace}.json`);
                    assert.match(spec.path, /^specification\/.+\.json$/, `${token} ${path}`);
                    assert.ok(/^[0-9a-f]{40}$/.test(spec.commit) || contract.unconfirmed || fact.unconfirmed, `${token} ${path}: a commit, or the fact is marked unconfirmed`);
                    const version = contract.apiVersion;
                    if (!fact.spec || fact.spec === contract.spec) {
                        assert.ok(spec.path.includes(`/${version}/`), `${token}: ${spec.path} is of API version ${version}`);
                    }
                }
            }
        }
    });

    test("the contracts' API versions are the ones the azure-native SDK calls", () => {
        for (const namespace of contracts) {
            for (const [token, contract] of Object.entries(namespace.types)) {
                const [, module, resource] = token.split(":");
                const file = require.resolve(`@pulumi/azure-native/${module}/${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`);
                const docs = require("node:fs").readFileSync(file, "utf8") as string;
                assert.match(docs, new RegExp(`Uses Azure REST API version ${contract.apiVersion.replace(/\./g, "\\.")}\\b`), token);
            }
        }
    });

    test("the variants reach every resource type the program declares, and each has a contract", () => {
        const types = new Set(recorded.flatMap((r) => r.resources.filter(azure).map((x) => x.type)));
        for (const type of types) {
            assert.ok(index.has(type), `${type} is declared by the program but has no contract in contracts/azure/`);
        }
        for (const type of index.keys()) {
            assert.ok(types.has(type), `${type} has a contract but no variant declares it; add a variant`);
        }
        for (const type of [
            "azure-native:network:RouteTable", "azure-native:network:NatGateway", "azure-native:compute:VirtualMachine",
            "azure-native:monitor:DiagnosticSetting", "azure-native:dbforpostgresql:FirewallRule", "azure-native:privatedns:PrivateZone",
        ]) {
            assert.ok(types.has(type), type);
        }
    });

    test("every input of every declared Azure resource holds to the spec's facts", () => {
        const violations: (Violation & { variant: string })[] = [];
        for (const { variant, resources } of recorded) {
            for (const resource of resources.filter(azure)) {
                const entry = index.get(resource.type);
                if (entry) {
                    violations.push(...checkResource(resource, entry.contract).map((v) => ({ ...v, variant })));
                }
            }
        }
        assert.deepEqual(violations.map((v) => `${v.variant}: ${v.name} ${v.path}: ${v.message}`), []);
    });

    describe("a broken input fails the check", () => {
        const mutate = (type: string, change: (props: Record<string, any>) => void): Violation[] => {
            const original = recorded.flatMap((r) => r.resources)
                .find((r) => r.type === type && (type !== "azure-native:network:NetworkSecurityGroup" || (r.props.securityRules as unknown[]).length > 0));
            assert.ok(original, type);
            const props = structuredClone(original.props) as Record<string, any>;
            change(props);
            return checkResource({ type, name: original.name, props }, index.get(type)!.contract);
        };

        test("the SDK's lower-case principal type is refused as the wrong case", () => {
            const violations = mutate("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", (p) => { p.principalType = "servicePrincipal"; });
            assert.equal(violations.length, 1);
            assert.equal(violations[0].path, "principalType");
            assert.match(violations[0].message, /"servicePrincipal" is "ServicePrincipal" in another case/);
        });

        test("a read-only property, a value outside the enum, a broken pattern, a range and a missing required one", () => {
            assert.match(mutate("azure-native:dbforpostgresql:Server", (p) => { p.fullyQualifiedDomainName = "x"; })[0].message, /read-only/);
            assert.match(mutate("azure-native:dbforpostgresql:Server", (p) => { p.highAvailability.mode = "zoneRedundant"; })[0].message, /another case/);
            assert.match(mutate("azure-native:dbforpostgresql:Server", (p) => { p.version = "19"; })[0].message, /not one of the spec's values/);
            assert.match(mutate("azure-native:dbforpostgresql:Server", (p) => { p.serverName = "ab"; })[0].message, /minLength 3/);
            assert.match(mutate("azure-native:dbforpostgresql:Server", (p) => { delete p.sku.tier; })[0].message, /required/);
            assert.match(mutate("azure-native:network:NetworkSecurityGroup", (p) => { p.securityRules[0].priority = 50; })[0].message, /minimum 100/);
            assert.match(mutate("azure-native:network:NetworkSecurityGroup", (p) => { p.securityRules[0].protocol = "TCP"; })[0].message, /another case/);
            assert.match(mutate("azure-native:dbforpostgresql:Configuration", (p) => { p.configurationName = "log connections"; })[0].message, /pattern/);
            assert.match(mutate("azure-native:compute:VirtualMachine", (p) => { p.osProfile.adminUsername = "test"; })[0].message, /disallows/);
            assert.match(mutate("azure-native:compute:VirtualMachine", (p) => { p.osProfile.customData = Buffer.alloc(70_000).toString("base64"); })[0].message, /at most 65535/);
        });

        test("an input no fact covers is named, so the facts grow with the program", () => {
            const violations = mutate("azure-native:network:Subnet", (p) => { p.serviceEndpoints = [{ service: "Microsoft.Storage" }]; });
            assert.deepEqual(violations.map((v) => v.path), ["serviceEndpoints[].service"]);
        });

        test("a property the spec allows only on update is refused at creation unless a deviation is recorded", () => {
            const contract = index.get("azure-native:dbforpostgresql:Server")!.contract;
            const server = recorded[1].resources.find((r) => r.type === "azure-native:dbforpostgresql:Server")!;
            assert.ok(server.props.maintenanceWindow, "prod sets a maintenance window");
            assert.deepEqual(checkResource(server, contract), []);
            const withoutDeviation = { ...contract, deviations: {} };
            assert.ok(checkResource(server, withoutDeviation).some((v) => v.path === "maintenanceWindow.dayOfWeek" && /only be set on update/.test(v.message)));
        });
    });

    test("config validation refuses, before any resource, every VM admin name the spec disallows", () => {
        const fact = index.get("azure-native:compute:VirtualMachine")!.contract.properties["osProfile.adminUsername"];
        assert.ok(fact.forbidden && fact.forbidden.length > 20);
        for (const name of fact.forbidden) {
            assert.throws(
                () => parseConfig(editConfig(loadStackConfig("prod"), (c: Record<string, any>) => { c.vm = { ...c.vm, adminUsername: name }; }), { project: "entra-postgres", stack: "prod" }),
                (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.key === "entra-postgres:vm.adminUsername"),
                name,
            );
        }
    });

    test("facts not confirmed from the spec say so (listed in docs/azure-contracts.md)", () => {
        const unconfirmed: string[] = [];
        for (const namespace of contracts as NamespaceContract[]) {
            for (const [token, contract] of Object.entries(namespace.types)) {
                if (contract.unconfirmed) {
                    unconfirmed.push(token);
                }
                for (const [path, fact] of Object.entries(contract.properties)) {
                    if (fact.unconfirmed || fact.beyondSpec) {
                        unconfirmed.push(`${token} ${path}`);
                    }
                }
            }
        }
        assert.ok(unconfirmed.includes("azure-native:dbforpostgresql:Server version"), "PostgreSQL 18 is beyond the spec read");
        assert.ok(unconfirmed.includes("azure-native:compute:VirtualMachine"));
    });
});
