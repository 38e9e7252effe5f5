import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePolicies, type PolicyResult, type RecordedResource } from "../../plan/analyzer";
import { TYPES } from "../../policies/lib/types";
import { DEV, NAMES, PROD, buildStack, patch, without } from "./fixtures";
import { res } from "./helpers";
import { existingPrivateStack, privateEndpointStack } from "./privateFixtures";

/**
 * What prod gives up today, advisory in prod.json: the opt-in rules (customer-managed key, Defender, pgAudit),
 * and the VM's backup and availability (a single client VM holding no data).
 */
const PROD_ADVISORIES = ["postgres-customer-managed-key", "postgres-defender-threat-protection", "postgres-pgaudit", "vm-backup", "vm-not-standalone"];
const mandatory = (results: PolicyResult[]) => results.filter((r) => r.enforcementLevel === "mandatory");
const names = (results: PolicyResult[]) => [...new Set(results.map((r) => r.policyName))].sort();

/** A stack with the mistakes the pack exists for: Entra-only without admins, no Entra egress, open firewall, SSH from anywhere. */
function badStack(): RecordedResource[] {
    let stack = without(buildStack({ ...DEV, auth: "entra-only" }), (r) => r.type === TYPES.entraAdmin);
    stack = [
        ...stack,
        res(TYPES.firewallRule, "db-fw-everyone", { serverName: "pg-entra-dev", firewallRuleName: "everyone", startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" }),
        res(TYPES.firewallRule, "db-fw-azure", { serverName: "pg-entra-dev", firewallRuleName: "AllowAllAzureServicesAndResourcesWithinAzureIps", startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }),
    ];
    return patch(stack, NAMES.vmNsg, (r) => (r.props.securityRules = [{
        name: "ssh-from-anywhere", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
        sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22",
    }]));
}

/**
 * A private stack whose server subnet NSG denies all outbound traffic without the Entra rule, and whose route
 * table sends the default route to an appliance without the Entra route.
 */
function privateWithoutEntraPath(): RecordedResource[] {
    const stack = patch(buildStack(PROD), NAMES.serverNsg, (r) => (r.props.securityRules = [{
        name: "deny-all-outbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*",
        sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*",
    }]));
    return patch(stack, NAMES.routeTable, (r) => (r.props.routes = [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.20.3.4" }]));
}

describe("shipped stacks", () => {
    test("a prod-shaped stack passes every mandatory policy of prod.json", async () => {
        const results = await evaluatePolicies(buildStack(PROD), { stack: "prod" });
        assert.deepEqual(mandatory(results), []);
        assert.deepEqual(names(results), PROD_ADVISORIES);
    });

    test("a dev-shaped stack passes dev.json, with advisories for what dev gives up", async () => {
        const results = await evaluatePolicies(buildStack(DEV), { stack: "dev" });
        assert.deepEqual(mandatory(results), []);
        for (const advisory of ["postgres-entra-only-auth", "postgres-public-network-access-disabled", "postgres-zone-redundant-ha", "vm-encryption-at-host"]) {
            assert.ok(results.some((r) => r.policyName === advisory && r.enforcementLevel === "advisory"), advisory);
        }
    });

    test("dev under prod.json fails prod's mandatory rules", async () => {
        const failed = names(mandatory(await evaluatePolicies(buildStack(DEV), { stack: "prod" })));
        for (const policy of ["postgres-entra-only-auth", "postgres-public-network-access-disabled", "postgres-backup-retention", "entra-admin-principal-types", "vm-encryption-at-host"]) {
            assert.ok(failed.includes(policy), `${policy} in ${failed.join(", ")}`);
        }
    });
});

describe("a deliberately bad stack", () => {
    for (const stack of ["dev", "prod"]) {
        test(`trips the lockout, network and firewall rules under ${stack}.json`, async () => {
            const failed = names(mandatory(await evaluatePolicies(badStack(), { stack })));
            for (const policy of ["entra-only-lockout", "nsg-no-internet-inbound-sensitive-ports", "postgres-firewall-no-internet-range", "postgres-firewall-no-azure-services-rule"]) {
                assert.ok(failed.includes(policy), `${policy} missing from ${failed.join(", ")}`);
            }
        });
    }

    test("a private server without the Entra network path is stopped in dev and prod", async () => {
        for (const stack of ["dev", "prod"]) {
            const failed = names(mandatory(await evaluatePolicies(privateWithoutEntraPath(), { stack })));
            assert.ok(failed.includes("entra-private-access-aad-outbound"), stack);
            assert.ok(failed.includes("entra-private-access-aad-route"), stack);
        }
    });
});

describe("the private networking modes under prod.json", () => {
    // With an existing network the stack declares no NSG, so nsg-lateral-traversal has nothing to judge.
    const noNsgs = PROD_ADVISORIES;
    const modes: [string, () => RecordedResource[], string[]][] = [
        ["private endpoint, network created by the stack", () => privateEndpointStack(), PROD_ADVISORIES],
        ["private endpoint on an existing network (the corp shape)", () => privateEndpointStack({ existing: true }), noNsgs],
        ["delegated subnet on an existing network: the Entra path it cannot see is advice", () => existingPrivateStack(), [...noNsgs, "entra-private-access-existing-network"]],
    ];
    for (const [title, build, advisories] of modes) {
        test(`${title}: passes every mandatory policy`, async () => {
            const results = await evaluatePolicies(build(), { stack: "prod" });
            assert.deepEqual(mandatory(results), []);
            assert.deepEqual(names(results), [...advisories].sort());
        });
    }

    test("a private endpoint server with the mistakes the new rules exist for is stopped", async () => {
        let stack = without(privateEndpointStack({ groupIds: ["sqlServer"] }), (r) => r.type === TYPES.privateDnsZoneGroup);
        stack = [...stack, res(TYPES.firewallRule, "db-fw-office", { serverName: "pg-entra-prod", firewallRuleName: "office", startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.10" })];
        const failed = names(mandatory(await evaluatePolicies(stack, { stack: "prod" })));
        assert.deepEqual(failed, ["postgres-firewall-private-server", "postgres-private-endpoint-dns-zone", "postgres-private-endpoint-group-id"]);
    });

    test("a server with public access disabled and nothing to reach it is stopped in dev as in prod", async () => {
        const stack = without(privateEndpointStack(), (r) => r.type === TYPES.privateEndpoint || r.type === TYPES.privateDnsZoneGroup);
        for (const config of ["dev", "prod"]) {
            const failed = names(mandatory(await evaluatePolicies(stack, { stack: config })));
            assert.ok(failed.includes("postgres-private-endpoint-required"), `${config}: ${failed.join(", ")}`);
        }
    });
});
