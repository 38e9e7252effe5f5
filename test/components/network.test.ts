import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { EntraNetwork, EntraNetworkArgs } from "../../components/network";
import { recordProgram, unwrap } from "../../plan/engine/recorder";
import { byName, ofType, one } from "../../testing/program";

/** `EntraNetwork` alone under mocks: its defaults, each access mode, and an existing network. */
async function record(args: EntraNetworkArgs) {
    let component: EntraNetwork | undefined;
    const run = await recordProgram(() => {
        component = new EntraNetwork("net", args);
    }, { stack: "components", config: {} });
    assert.equal(run.error, undefined, String(run.error));
    return { run, component: component! };
}

const sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
const spoke = `${sub}/resourceGroups/spoke/providers/Microsoft.Network/virtualNetworks/spoke-vnet`;

describe("EntraNetwork", () => {
    test("defaults: private access, 10.20.0.0/16, delegated subnet, zone named after the server, NAT gateway, no route table", async () => {
        const { run } = await record({ resourceGroupName: "rg", location: "westeurope", serverName: "pg1" });
        assert.deepEqual(one(run.resources, "azure-native:network:VirtualNetwork").props.addressSpace, { addressPrefixes: ["10.20.0.0/16"] });
        assert.equal(byName(run.resources, "net-server-subnet").props.addressPrefix, "10.20.1.0/24");
        assert.equal(byName(run.resources, "net-vm-subnet").props.addressPrefix, "10.20.2.0/24");
        assert.equal(one(run.resources, "azure-native:privatedns:PrivateZone").props.privateZoneName, "pg1.private.postgres.database.azure.com");
        assert.equal(ofType(run.resources, "azure-native:network:NatGateway").length, 1);
        assert.equal(ofType(run.resources, "azure-native:network:RouteTable").length, 0);
    });

    test("private-endpoint: an endpoint subnet with an NSG, no delegated subnet, no zone (the endpoint brings it)", async () => {
        const { run, component } = await record({ resourceGroupName: "rg", location: "westeurope", serverName: "pg1", access: "private-endpoint", natGateway: false });
        assert.deepEqual(ofType(run.resources, "azure-native:network:Subnet").map((s) => s.name).sort(), ["net-endpoint-subnet", "net-vm-subnet"]);
        assert.equal(byName(run.resources, "net-endpoint-subnet").props.addressPrefix, "10.20.3.0/24");
        assert.equal(ofType(run.resources, "azure-native:network:NetworkSecurityGroup").length, 2);
        assert.equal(ofType(run.resources, "azure-native:privatedns:PrivateZone").length, 0);
        assert.equal(ofType(run.resources, "azure-native:network:NatGateway").length, 0);
        assert.ok(component.endpointSubnetId && component.vnetId);
        assert.equal(component.serverSubnetId, undefined);
        assert.match(String(await unwrap(component.endpointSubnetId)), /net-endpoint-subnet$/);
    });

    test("public: only the VM's network", async () => {
        const { run, component } = await record({ resourceGroupName: "rg", location: "westeurope", serverName: "pg1", access: "public" });
        assert.deepEqual(ofType(run.resources, "azure-native:network:Subnet").map((s) => s.name), ["net-vm-subnet"]);
        assert.equal(component.serverDependencies.length, 0);
    });

    test("existing network (private): declares nothing but the extra zone links, exposes the given ids, the server waits for the links", async () => {
        const zoneId = pulumi.output(`${sub}/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/pg1.private.postgres.database.azure.com`);
        const { run, component } = await record({
            resourceGroupName: "rg",
            location: "westeurope",
            serverName: "pg1",
            existing: { serverSubnetId: `${spoke}/subnets/pg`, vmSubnetId: pulumi.output(`${spoke}/subnets/vm`), privateDnsZoneId: zoneId },
            dnsZoneLinks: [`${sub}/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub-vnet`],
        });
        const custom = run.resources.filter((r) => r.custom);
        assert.deepEqual(custom.map((r) => r.type), ["azure-native:privatedns:VirtualNetworkLink"]);
        const [link] = custom;
        assert.equal(link.props.resourceGroupName, "dns", "the link lives with the zone");
        assert.equal(link.props.privateZoneName, "pg1.private.postgres.database.azure.com");
        assert.match(link.name, /^net-dns-link-hub-vnet-[0-9a-f]{8}$/);
        assert.deepEqual(component.serverDependencies, component.extraZoneLinks);
        assert.equal(await unwrap(component.serverSubnetId!), `${spoke}/subnets/pg`);
        assert.equal(await unwrap(component.vmSubnetId!), `${spoke}/subnets/vm`);
        assert.equal(component.vnet, undefined);
    });

    test("a link's name follows its VNet, not its place in the list", async () => {
        const a = `${sub}/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub-vnet`;
        const b = `${sub}/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/runners`;
        const names = async (links: string[]) => ofType((await record({ resourceGroupName: "rg", location: "westeurope", serverName: "pg1", dnsZoneLinks: links })).run.resources, "azure-native:privatedns:VirtualNetworkLink").map((l) => l.name).sort();
        assert.deepEqual(await names([a, b]), await names([b, a]));
    });
});
