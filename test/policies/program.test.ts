import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as network from "@pulumi/azure-native/network";
import { FlexibleServer, parseConfig } from "../../components";
import { evaluatePolicies, type PolicyResult } from "../../plan/analyzer";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { recordProgram } from "../../plan/engine/recorder";
import { runStack } from "../../testing/program";

/**
 * The pack against the program itself: what the shipped stacks register under mocks goes through every
 * resource and stack policy, with each stack's own enforcement.
 */
/**
 * What prod gives up today, advisory in prod.json: the opt-in rules (customer-managed key, Defender, pgAudit),
 * and the VM's backup and availability (a single client VM holding no data).
 */
const PROD_ADVISORIES = ["postgres-customer-managed-key", "postgres-defender-threat-protection", "postgres-pgaudit", "vm-backup", "vm-not-standalone"];
const mandatory = (results: PolicyResult[]) => results.filter((r) => r.enforcementLevel === "mandatory");
const names = (results: PolicyResult[]) => [...new Set(results.map((r) => r.policyName))].sort();

for (const preview of [true, false]) {
    const mode = preview ? "preview" : "update";
    describe(`shipped stacks through the pack (${mode})`, () => {
        test("Pulumi.prod.yaml passes every mandatory policy of prod.json", async () => {
            const run = await runStack("prod", undefined, preview);
            assert.equal(run.error, undefined, String(run.error));
            const results = await evaluatePolicies(run.resources, { stack: "prod" });
            assert.deepEqual(mandatory(results), []);
            assert.deepEqual(names(results), PROD_ADVISORIES, "only the opt-in advisories remain");
        });

        test("the program verifies the server wherever a token travels: the rule is mandatory and finds nothing", async () => {
            for (const stack of ["dev", "prod"]) {
                const run = await runStack(stack, undefined, preview);
                const tls = (await evaluatePolicies(run.resources, { stack })).filter((r) => r.policyName === "postgres-client-verifies-server-certificate");
                assert.deepEqual(tls, [], stack);
                // The same resources with the grants provider back on sslmode=require are stopped.
                const weakened = run.resources.map((r) => r.type === "pulumi:providers:postgresql" ? { ...r, props: { ...r.props, sslmode: "require" } } : r);
                const failed = (await evaluatePolicies(weakened, { stack })).filter((r) => r.policyName === "postgres-client-verifies-server-certificate");
                assert.ok(failed.length > 0 && failed.every((r) => r.enforcementLevel === "mandatory"), `${stack}: ${JSON.stringify(failed)}`);
            }
        });

        test("Pulumi.dev.yaml passes its own config, with advisories for what dev gives up", async () => {
            const run = await runStack("dev", undefined, preview);
            const results = await evaluatePolicies(run.resources, { stack: "dev" });
            assert.deepEqual(mandatory(results), []);
            for (const advisory of ["postgres-entra-only-auth", "postgres-public-network-access-disabled", "postgres-zone-redundant-ha"]) {
                assert.ok(results.some((r) => r.policyName === advisory && r.enforcementLevel === "advisory"), advisory);
            }
        });

        test("Pulumi.dev.yaml under prod.json is stopped", async () => {
            const run = await runStack("dev", undefined, preview);
            const failed = names(mandatory(await evaluatePolicies(run.resources, { stack: "prod" })));
            for (const policy of ["postgres-entra-only-auth", "postgres-public-network-access-disabled", "entra-admin-principal-types"]) {
                assert.ok(failed.includes(policy), `${policy} in ${failed.join(", ")}`);
            }
        });
    });
}

/** Every shipped stack: a `Pulumi.<stack>.yaml` beside the project file. */
const SHIPPED = fs.readdirSync(path.resolve(__dirname, "../..")).map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();

describe("every shipped stack through its own policy config (preview)", () => {
    test("dev and prod are among the shipped stacks", () => {
        assert.ok(SHIPPED.includes("dev") && SHIPPED.includes("prod"), SHIPPED.join(", "));
    });

    for (const stack of SHIPPED) {
        test(`Pulumi.${stack}.yaml has policies/config/${stack}.json and passes its mandatory policies, whatever its network mode`, async () => {
            assert.ok(fs.existsSync(path.resolve(__dirname, "../../policies/config", `${stack}.json`)), `policies/config/${stack}.json`);
            const run = await runStack(stack, undefined, true);
            assert.equal(run.error, undefined, String(run.error));
            assert.deepEqual(mandatory(await evaluatePolicies(run.resources, { stack })), []);
        });
    }
});

describe("a deliberately bad program built from the components", () => {
    /**
     * The config parser refuses these mistakes before anything is declared, so this program skips it: an
     * Entra-only server with no admin, a hand-made firewall rule for the whole internet, and a private server
     * whose subnet NSG denies all outbound traffic with no AzureActiveDirectory rule before it. The pack is the second line of defence for code that
     * uses the components directly.
     */
    async function record(stack: string) {
        const config = parseConfig(loadStackConfig("prod"), { project: "entra-postgres", stack });
        return recordProgram(() => {
            const nsg = new network.NetworkSecurityGroup("bad-nsg", {
                resourceGroupName: "rg",
                location: "westeurope",
                securityRules: [{
                    name: "deny-all-outbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*",
                    sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*",
                }],
            });
            const vnet = new network.VirtualNetwork("bad-vnet", { resourceGroupName: "rg", location: "westeurope", addressSpace: { addressPrefixes: ["10.9.0.0/16"] } });
            const subnet = new network.Subnet("bad-subnet", {
                resourceGroupName: "rg",
                virtualNetworkName: vnet.name,
                addressPrefix: "10.9.1.0/24",
                delegations: [{ name: "pg", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
                networkSecurityGroup: { id: nsg.id },
            });
            const server = new FlexibleServer("bad", {
                resourceGroupName: "rg",
                location: "westeurope",
                serverName: config.server.name,
                ...config.server,
                auth: "entra-only",
                tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
                privateNetwork: { delegatedSubnetId: subnet.id, privateDnsZoneId: "/zones/bad", dependsOn: [subnet] },
                protect: false,
            });
            new dbforpostgresql.FirewallRule("bad-everyone", {
                resourceGroupName: "rg",
                serverName: server.serverName,
                startIpAddress: "0.0.0.0",
                endIpAddress: "255.255.255.255",
            });
        }, { stack, config: loadStackConfig("prod") });
    }

    for (const stack of ["dev", "prod"]) {
        test(`trips the lockout, network and firewall rules under ${stack}.json`, async () => {
            const recording = await record(stack);
            assert.equal(recording.error, undefined, String(recording.error));
            const failed = names(mandatory(await evaluatePolicies(recording.resources, { stack })));
            for (const policy of ["entra-only-lockout", "entra-private-access-aad-outbound", "postgres-firewall-no-internet-range"]) {
                assert.ok(failed.includes(policy), `${policy} missing from ${failed.join(", ")}`);
            }
        });
    }
});
