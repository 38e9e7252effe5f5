import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTokenSource } from "../../components/testing";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { byName, dependsOnTransitively, ofType, one, ProgramRun, runStack } from "../../testing/program";

/**
 * The shipped `Pulumi.corp.yaml`: Entra-only, a private endpoint in a network that already exists (the network
 * project's `corp` stack), a DNS zone link to the hub VNet. The stack declares no network of its own.
 */
const sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
const corpNetwork = `${sub}/resourceGroups/entra-postgres-corp-network/providers/Microsoft.Network`;
const ids = {
    vmSubnet: `${corpNetwork}/virtualNetworks/entra-postgres-corp-vnet/subnets/clients`,
    endpointSubnet: `${corpNetwork}/virtualNetworks/entra-postgres-corp-vnet/subnets/endpoints`,
    zone: `${corpNetwork}/privateDnsZones/privatelink.postgres.database.azure.com`,
    hub: `${sub}/resourceGroups/hub-network/providers/Microsoft.Network/virtualNetworks/hub-vnet`,
};

describe("corp stack", () => {
    let run: ProgramRun;
    before(async () => {
        // No credential: the program asks for no token (roles and grants sign in when they are applied).
        setTokenSource(async () => { throw new Error("no credential in this test"); });
        run = await runStack("corp");
        assert.equal(run.error, undefined, String(run.error));
    });
    after(() => setTokenSource(undefined));

    test("the settings are the agreed ones: existing ids of the network project, the hub link", () => {
        const network = JSON.parse(loadStackConfig("corp")["entra-postgres:network"]);
        assert.deepEqual(network, {
            access: "private-endpoint",
            existing: { vmSubnetId: ids.vmSubnet, endpointSubnetId: ids.endpointSubnet, privateDnsZoneId: ids.zone },
            dnsZoneLinks: [ids.hub],
        });
    });

    test("no network of its own: no VNet, subnet, NSG, route table, NAT gateway, public IP or DNS zone", () => {
        for (const type of [
            "azure-native:network:VirtualNetwork", "azure-native:network:Subnet", "azure-native:network:NetworkSecurityGroup",
            "azure-native:network:RouteTable", "azure-native:network:NatGateway", "azure-native:network:PublicIPAddress",
            "azure-native:privatedns:PrivateZone",
        ]) {
            assert.equal(ofType(run.resources, type).length, 0, type);
        }
    });

    test("the server: public access disabled, no delegated subnet, no DNS zone, no firewall rule", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(server.props.network, { publicNetworkAccess: "Disabled" });
        assert.equal(server.props.serverName, "entra-postgres-corp");
        assert.equal(ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule").length, 0);
    });

    test("a private endpoint to the server (group postgresqlServer) in the given subnet, its zone group on the given zone", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        const endpoint = one(run.resources, "azure-native:network:PrivateEndpoint");
        assert.equal((endpoint.props.subnet as Record<string, unknown>).id, ids.endpointSubnet);
        const [connection] = endpoint.props.privateLinkServiceConnections as Record<string, unknown>[];
        assert.deepEqual(connection.groupIds, ["postgresqlServer"]);
        assert.match(String(connection.privateLinkServiceId), /\/corp-pg-server$/, "the server's id");
        assert.deepEqual(endpoint.propertyDependencies.privateLinkServiceConnections, [server.urn]);
        const group = one(run.resources, "azure-native:network:PrivateDnsZoneGroup");
        assert.deepEqual(group.props.privateDnsZoneConfigs, [{ name: "postgres", privateDnsZoneId: ids.zone }]);
        assert.deepEqual(group.propertyDependencies.privateEndpointName, [endpoint.urn]);
    });

    test("one DNS zone link, to the hub, on the existing zone in its own resource group", () => {
        const link = one(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        assert.equal(link.props.resourceGroupName, "entra-postgres-corp-network");
        assert.equal(link.props.privateZoneName, "privatelink.postgres.database.azure.com");
        assert.deepEqual(link.props.virtualNetwork, { id: ids.hub });
        assert.equal(link.props.registrationEnabled, false);
        assert.equal(link.props.location, "global");
    });

    test("the VM's NIC is in the given subnet", () => {
        const nic = one(run.resources, "azure-native:network:NetworkInterface");
        assert.equal((nic.props.ipConfigurations as Record<string, any>[])[0].subnet.id, ids.vmSubnet);
    });

    test("database writes wait for the zone group and the zone link; the endpoint waits for the server's writes", () => {
        const group = one(run.resources, "azure-native:network:PrivateDnsZoneGroup");
        const link = one(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        const writes = [
            ...ofType(run.resources, "pulumi-nodejs:dynamic/entra-postgres:EntraRole"),
            ...ofType(run.resources, "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase"),
            ...ofType(run.resources, "azure-native:dbforpostgresql:Database"),
            ...ofType(run.resources, "postgresql:index/grant:Grant"),
            ...ofType(run.resources, "postgresql:index/defaultPrivileges:DefaultPrivileges"),
        ];
        assert.ok(writes.length > 5);
        for (const write of writes) {
            assert.ok(dependsOnTransitively(run.resources, write, group), `${write.name} waits for the zone group`);
            assert.ok(dependsOnTransitively(run.resources, write, link), `${write.name} waits for the zone link`);
        }
        const endpoint = one(run.resources, "azure-native:network:PrivateEndpoint");
        const params = ofType(run.resources, "azure-native:dbforpostgresql:Configuration");
        assert.ok(endpoint.dependencies.includes(params[params.length - 1].urn), "the endpoint comes after the last parameter write");
        const [firstAdmin] = ofType(run.resources, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
        assert.ok(firstAdmin.dependencies.includes(endpoint.urn), "the admins come after the endpoint");
    });

    test("nothing asked for a token and the only invoke is none (the tenant is configured)", () => {
        assert.deepEqual(run.invokes.map((i) => i.token), []);
        assert.equal(byName(run.resources, "corp-access-role-corp-pg-client").props.adminLogin, "platform-deployer");
    });
});
