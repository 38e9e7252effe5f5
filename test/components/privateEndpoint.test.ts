import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { PostgresPrivateEndpoint, PostgresPrivateEndpointArgs, postgresGroupId } from "../../components/privateEndpoint";
import { recordProgram } from "../../plan/engine/recorder";
import { byName, ofType, one } from "../../testing/program";

/** `PostgresPrivateEndpoint` alone under mocks: created or existing zone, links, zone group, what waits. */
async function record(args: Partial<PostgresPrivateEndpointArgs>) {
    let component: PostgresPrivateEndpoint | undefined;
    const run = await recordProgram(() => {
        component = new PostgresPrivateEndpoint("pe", {
            resourceGroupName: "rg",
            location: "westeurope",
            serverId: pulumi.output("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg1"),
            subnetId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/endpoints",
            ...args,
        });
    }, { stack: "components", config: {} });
    assert.equal(run.error, undefined, String(run.error));
    return { run, component: component! };
}

const zoneId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com";
const hub = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub-vnet";

describe("PostgresPrivateEndpoint", () => {
    test("the endpoint connects to the server's postgresqlServer group in the given subnet", async () => {
        const { run } = await record({});
        const endpoint = one(run.resources, "azure-native:network:PrivateEndpoint");
        assert.equal(postgresGroupId, "postgresqlServer");
        assert.deepEqual(endpoint.props.privateLinkServiceConnections, [{
            name: "pe-postgres",
            privateLinkServiceId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg1",
            groupIds: ["postgresqlServer"],
        }]);
        assert.match(String((endpoint.props.subnet as Record<string, unknown>).id), /subnets\/endpoints$/);
    });

    test("by default it creates the cloud's privatelink zone (global), links it to the endpoint's VNet, and attaches it through a zone group", async () => {
        const vnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
        const { run, component } = await record({ virtualNetworkId: vnet, dnsZoneLinks: [hub] });
        const zone = one(run.resources, "azure-native:privatedns:PrivateZone");
        assert.equal(zone.props.privateZoneName, "privatelink.postgres.database.azure.com");
        assert.equal(zone.props.location, "global");
        const own = byName(run.resources, "pe-dns-link");
        assert.deepEqual(own.props.virtualNetwork, { id: vnet });
        assert.equal(ofType(run.resources, "azure-native:privatedns:VirtualNetworkLink").length, 2);
        const group = one(run.resources, "azure-native:network:PrivateDnsZoneGroup");
        assert.deepEqual(group.propertyDependencies.privateDnsZoneConfigs, [zone.urn]);
        assert.deepEqual(group.propertyDependencies.privateEndpointName, [one(run.resources, "azure-native:network:PrivateEndpoint").urn]);
        assert.equal(component.ready.length, 3, "zone group and both links");
        assert.ok(component.ready.includes(component.zoneGroup));
    });

    test("per cloud: china's privatelink zone", async () => {
        const { run } = await record({ cloud: "china" });
        assert.equal(one(run.resources, "azure-native:privatedns:PrivateZone").props.privateZoneName, "privatelink.postgres.database.chinacloudapi.cn");
    });

    test("an existing zone: no zone and no VNet link declared, only the extra links, in the zone's resource group", async () => {
        const { run, component } = await record({ privateDnsZoneId: zoneId, virtualNetworkId: "ignored", dnsZoneLinks: [hub] });
        assert.equal(ofType(run.resources, "azure-native:privatedns:PrivateZone").length, 0);
        const link = one(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        assert.deepEqual([link.props.resourceGroupName, link.props.privateZoneName, link.props.virtualNetwork], ["dns", "privatelink.postgres.database.azure.com", { id: hub }]);
        const group = one(run.resources, "azure-native:network:PrivateDnsZoneGroup");
        assert.deepEqual(group.props.privateDnsZoneConfigs, [{ name: "postgres", privateDnsZoneId: zoneId }]);
        assert.equal(component.dnsZone, undefined);
    });

    test("the endpoint waits for what it is told to (the server's last write)", async () => {
        const run = await recordProgram(() => {
            const last = new resources.ResourceGroup("last-write", { location: "westeurope" });
            new PostgresPrivateEndpoint("pe", { resourceGroupName: "rg", location: "westeurope", serverId: "s", subnetId: "n", dependsOn: [last] });
        }, { stack: "components", config: {} });
        const endpoint = one(run.resources, "azure-native:network:PrivateEndpoint");
        assert.ok(endpoint.dependencies.includes(byName(run.resources, "last-write").urn));
    });
});
