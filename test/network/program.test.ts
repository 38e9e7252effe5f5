import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../components/config/errors";
import { unwrap, type Recording } from "../../plan/engine/recorder";
import { networkStackConfig, recordNetwork } from "./network-stack";
import { parseNetworkConfig } from "../../network/config";
import githubRunners from "../../network/githubRunners.json";

function one(recording: Recording, type: string, name?: string) {
    const found = recording.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    assert.equal(found.length, 1, `exactly one ${type}${name ? ` ${name}` : ""}, found ${found.length}`);
    return found[0];
}

describe("network project (stack corp, under mocks)", () => {
    it("declares the resource group, VNet, three subnets, NSGs, NAT gateway, zone and link with fixed names", async () => {
        const r = await recordNetwork("corp", networkStackConfig("corp"));
        assert.equal(r.error, undefined, String(r.error));
        const rg = one(r, "azure-native:resources:ResourceGroup");
        assert.equal(rg.props.resourceGroupName, "entra-postgres-corp-network");
        assert.equal(rg.props.location, "northeurope");
        const vnet = one(r, "azure-native:network:VirtualNetwork");
        assert.equal(vnet.props.virtualNetworkName, "entra-postgres-corp-vnet");
        assert.deepEqual(vnet.props.addressSpace, { addressPrefixes: ["10.50.0.0/16"] });

        const subnets = r.resources.filter((x) => x.type === "azure-native:network:Subnet");
        assert.deepEqual(subnets.map((s) => s.props.subnetName).sort(), ["clients", "endpoints", "runners"]);
        const nsgs = r.resources.filter((x) => x.type === "azure-native:network:NetworkSecurityGroup");
        assert.deepEqual(nsgs.map((n) => n.props.networkSecurityGroupName).sort(), [
            "entra-postgres-corp-clients-nsg", "entra-postgres-corp-endpoints-nsg", "entra-postgres-corp-runners-nsg",
        ]);
        for (const s of subnets) {
            assert.equal(s.props.resourceGroupName, "entra-postgres-corp-network");
            assert.equal(s.props.virtualNetworkName, "entra-postgres-corp-vnet");
            assert.equal(s.props.defaultOutboundAccess, false, `${String(s.props.subnetName)}: no default outbound access`);
            assert.ok(s.propertyDependencies.networkSecurityGroup?.length, `${String(s.props.subnetName)} has its NSG`);
        }
        const byName = (n: string) => subnets.find((s) => s.props.subnetName === n)!;
        assert.equal(byName("clients").props.addressPrefix, "10.50.1.0/24");
        assert.equal(byName("endpoints").props.addressPrefix, "10.50.2.0/24");
        assert.equal(byName("runners").props.addressPrefix, "10.50.3.0/24");
        assert.deepEqual(byName("runners").props.delegations, [{ name: "github-network-settings", serviceName: "GitHub.Network/networkSettings" }]);
        assert.equal(byName("clients").props.delegations, undefined);
        assert.equal(byName("endpoints").props.privateEndpointNetworkPolicies, "NetworkSecurityGroupEnabled");
        const nat = one(r, "azure-native:network:NatGateway");
        assert.equal(nat.props.natGatewayName, "entra-postgres-corp-nat");
        for (const n of ["clients", "runners"]) {
            assert.ok(byName(n).propertyDependencies.natGateway?.includes(nat.urn), `${n} goes out through the NAT gateway`);
        }
        assert.equal(byName("endpoints").props.natGateway, undefined);
        // Writes on one VNet's subnets go one at a time.
        assert.ok(byName("endpoints").dependencies.includes(byName("clients").urn));
        assert.ok(byName("runners").dependencies.includes(byName("endpoints").urn));

        const zone = one(r, "azure-native:privatedns:PrivateZone");
        assert.equal(zone.props.privateZoneName, "privatelink.postgres.database.azure.com");
        assert.equal(zone.props.resourceGroupName, "entra-postgres-corp-network");
        assert.equal(zone.props.location, "global");
        const link = one(r, "azure-native:privatedns:VirtualNetworkLink");
        assert.equal(link.props.registrationEnabled, false);
        assert.equal(link.props.virtualNetworkLinkName, "entra-postgres-corp-vnet-link");
        assert.ok(link.propertyDependencies.virtualNetwork?.includes(vnet.urn), "the zone is linked to this VNet");
        assert.deepEqual(r.engineViolations, []);
    });

    it("declares GitHub.Network/networkSettings through an ARM deployment, on the runners subnet, with the database id", async () => {
        const r = await recordNetwork("corp", networkStackConfig("corp"));
        const deployment = one(r, "azure-native:resources:Deployment");
        assert.equal(deployment.props.deploymentName, "entra-postgres-corp-github-network-settings");
        assert.equal(deployment.props.resourceGroupName, "entra-postgres-corp-network");
        const properties = deployment.props.properties as { mode: string; template: any; parameters: Record<string, { value: unknown }> };
        assert.equal(properties.mode, "Incremental");
        const [resource, ...others] = properties.template.resources;
        assert.deepEqual(others, []);
        assert.equal(resource.type, githubRunners.networkSettings.resourceType);
        assert.equal(resource.apiVersion, githubRunners.networkSettings.apiVersion);
        assert.deepEqual(Object.keys(resource.properties).sort(), [...githubRunners.networkSettings.properties].sort());
        assert.equal(properties.parameters.name.value, "entra-postgres-corp-runners");
        assert.equal(properties.parameters.businessId.value, "123456789");
        assert.equal(properties.parameters.location.value, "northeurope");
        const runners = r.resources.find((x) => x.type === "azure-native:network:Subnet" && x.props.subnetName === "runners")!;
        assert.ok(deployment.propertyDependencies.properties?.includes(runners.urn), "subnetId is the runners subnet's id");
        assert.ok(deployment.dependencies.includes(runners.urn), "the networkSettings resource waits for its delegated subnet");
        assert.match(properties.template.outputs.gitHubId.value, /\.tags\.GitHubId\]$/);
    });

    it("the runners subnet's NSG has GitHub's documented rules, except the one denying all Internet traffic", async () => {
        const r = await recordNetwork("corp", networkStackConfig("corp"));
        const nsg = r.resources.find((x) => x.props.networkSecurityGroupName === "entra-postgres-corp-runners-nsg")!;
        const rules = nsg.props.securityRules as Record<string, unknown>[];
        const documented = githubRunners.rules.filter((x) => x.access === "Allow");
        assert.deepEqual(rules.map((x) => x.name), documented.map((x) => x.name));
        for (const [i, rule] of documented.entries()) {
            for (const [k, v] of Object.entries(rule)) {
                assert.deepEqual(rules[i][k], v, `${rule.name}.${k}`);
            }
        }
        assert.ok(!rules.some((x) => x.access === "Deny"), "no rule denies the Internet: the deploy needs npm, ARM, Entra and the Pulumi backend");
        assert.ok(githubRunners.rules.some((x) => x.name === "DenyInternetOutBoundOverwrite"), "the data file keeps GitHub's full list");
        for (const other of ["entra-postgres-corp-clients-nsg", "entra-postgres-corp-endpoints-nsg"]) {
            assert.deepEqual(r.resources.find((x) => x.props.networkSecurityGroupName === other)!.props.securityRules, []);
        }
    });

    it("another stack is another set of names (nothing of corp's is shared)", async () => {
        const config = { ...networkStackConfig("corp") };
        const r = await recordNetwork("staging", config);
        assert.equal(r.error, undefined, String(r.error));
        assert.equal(one(r, "azure-native:resources:ResourceGroup").props.resourceGroupName, "entra-postgres-staging-network");
        assert.equal(one(r, "azure-native:network:VirtualNetwork").props.virtualNetworkName, "entra-postgres-staging-vnet");
        const existing = await unwrap(r.outputs.existing as any) as Record<string, string>;
        assert.match(existing.vmSubnetId, /\/resourceGroups\/entra-postgres-staging-network\/providers\/Microsoft\.Network\/virtualNetworks\/entra-postgres-staging-vnet\/subnets\/clients$/);
    });

    it("the preview declares the same resources with Azure's values unknown", async () => {
        const r = await recordNetwork("corp", networkStackConfig("corp"), true);
        assert.equal(r.error, undefined, String(r.error));
        assert.equal(r.resources.filter((x) => x.custom).length, 13);
    });
});

describe("network project settings", () => {
    const valid = networkStackConfig("corp");
    const raw = (over: Record<string, string | undefined>) => {
        const out: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries({ ...valid, ...Object.fromEntries(Object.entries(over).map(([k, v]) => [`entra-postgres-network:${k}`, v])) })) {
            if (v !== undefined) out[k.replace("entra-postgres-network:", "")] = v;
        }
        return out;
    };
    const problemKeys = (over: Record<string, string | undefined>, stack = "corp"): string[] => {
        try {
            parseNetworkConfig(stack, raw(over));
            return [];
        } catch (err) {
            assert.ok(err instanceof ConfigError, String(err));
            return err.problems.map((p) => p.key);
        }
    };

    it("accepts the corp stack", () => {
        assert.deepEqual(problemKeys({}), []);
    });

    it("refuses each wrong key by name, before anything is declared", async () => {
        assert.deepEqual(problemKeys({ location: undefined }), ["entra-postgres-network:location"]);
        assert.deepEqual(problemKeys({ location: "westeurope" }), ["entra-postgres-network:location"], "GitHub does not list westeurope");
        assert.deepEqual(problemKeys({ subscriptionId: "not-a-guid" }), ["entra-postgres-network:subscriptionId"]);
        assert.deepEqual(problemKeys({ githubDatabaseId: "acme" }), ["entra-postgres-network:githubDatabaseId"]);
        assert.deepEqual(problemKeys({ githubDatabaseId: undefined }), ["entra-postgres-network:githubDatabaseId"]);
        assert.deepEqual(problemKeys({ cloud: "moon" }), ["entra-postgres-network:cloud"]);
        assert.deepEqual(problemKeys({ runnersSubnet: "10.50.3.7/24" }), ["entra-postgres-network:runnersSubnet"], "not on its boundary");
        assert.deepEqual(problemKeys({ runnersSubnet: "10.60.3.0/24" }), ["entra-postgres-network:runnersSubnet"], "outside the address space");
        assert.deepEqual(problemKeys({ endpointsSubnet: "10.50.1.0/25" }), ["entra-postgres-network:clientsSubnet"], "overlaps clients");
        assert.deepEqual(problemKeys({ tags: "[1]" }), ["entra-postgres-network:tags"]);
        assert.deepEqual(problemKeys({ runnerSubnet: "10.50.3.0/24" }), ["entra-postgres-network:runnerSubnet"], "unknown key");
        assert.deepEqual(problemKeys({}, "Corp_1"), ["stack"]);
        const r = await recordNetwork("corp", { ...valid, "entra-postgres-network:githubDatabaseId": "acme" });
        assert.ok(r.error instanceof ConfigError);
        assert.match(String(r.error), /entra-postgres-network:githubDatabaseId: must be the GitHub organization's/);
        assert.deepEqual(r.resources, [], "nothing declared");
    });

    it("the china and usgov clouds get their zone", () => {
        assert.equal(parseNetworkConfig("corp", raw({ cloud: "china" })).cloud, "china");
    });
});
