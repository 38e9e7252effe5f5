import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { byName, dependsOnTransitively, ofType, one, ProgramRun, runStack } from "../../testing/program";

/**
 * Each network mode of the program under mocks, from the prod stack's settings: what is declared, what is not,
 * and what waits for what (the server for its zone and links with VNet integration; the database writes for the
 * zone group and links with a private endpoint).
 */
const sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
const spoke = `${sub}/resourceGroups/spoke-network/providers/Microsoft.Network/virtualNetworks/spoke-vnet`;
const hub = `${sub}/resourceGroups/hub-network/providers/Microsoft.Network/virtualNetworks/hub-vnet`;
const runners = `${sub}/resourceGroups/runners/providers/Microsoft.Network/virtualNetworks/runners-vnet`;
const privateZone = `${sub}/resourceGroups/spoke-network/providers/Microsoft.Network/privateDnsZones/prod.private.postgres.database.azure.com`;

const networkTypes = [
    "azure-native:network:VirtualNetwork", "azure-native:network:Subnet", "azure-native:network:NetworkSecurityGroup",
    "azure-native:network:RouteTable", "azure-native:network:NatGateway", "azure-native:network:PublicIPAddress",
    "azure-native:privatedns:PrivateZone",
];

/** Every database write: roles, the deployer's databases, ARM databases, grants and default privileges. */
function databaseWrites(run: ProgramRun) {
    return [
        ...ofType(run.resources, "pulumi-nodejs:dynamic/entra-postgres:EntraRole"),
        ...ofType(run.resources, "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase"),
        ...ofType(run.resources, "azure-native:dbforpostgresql:Database"),
        ...ofType(run.resources, "postgresql:index/grant:Grant"),
        ...ofType(run.resources, "postgresql:index/defaultPrivileges:DefaultPrivileges"),
    ];
}

describe("private-endpoint access in a stack-created network", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runStack("prod", (c: any) => {
            c.network = { access: "private-endpoint", addressSpace: "10.40.0.0/16", vmSubnet: "10.40.2.0/24", endpointSubnet: "10.40.3.0/24", dnsZoneLinks: [hub, runners] };
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    test("a VNet with a VM subnet and an endpoint subnet, each with its own NSG; no delegated subnet, no route table", () => {
        const vnet = one(run.resources, "azure-native:network:VirtualNetwork");
        const subnets = ofType(run.resources, "azure-native:network:Subnet");
        assert.deepEqual(subnets.map((s) => s.name).sort(), ["prod-net-endpoint-subnet", "prod-net-vm-subnet"]);
        const endpointSubnet = byName(run.resources, "prod-net-endpoint-subnet");
        assert.equal(endpointSubnet.props.addressPrefix, "10.40.3.0/24");
        assert.equal(endpointSubnet.props.delegations, undefined, "no delegation");
        assert.deepEqual(endpointSubnet.propertyDependencies.virtualNetworkName, [vnet.urn]);
        assert.deepEqual(endpointSubnet.propertyDependencies.networkSecurityGroup, [byName(run.resources, "prod-net-endpoint-nsg").urn]);
        assert.ok(byName(run.resources, "prod-net-vm-subnet").props.networkSecurityGroup);
        assert.ok(endpointSubnet.dependencies.includes(byName(run.resources, "prod-net-vm-subnet").urn), "subnet writes on one VNet one after another");
        assert.equal(ofType(run.resources, "azure-native:network:RouteTable").length, 0);
        const rules = ofType(run.resources, "azure-native:network:NetworkSecurityGroup").flatMap((n) => n.props.securityRules as Record<string, unknown>[]);
        assert.ok(!rules.some((r) => r.destinationAddressPrefix === "AzureActiveDirectory"), "no Entra rule: the server is in no subnet of ours");
    });

    test("the server has public access disabled, no delegated subnet, no zone, no firewall rule", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(server.props.network, { publicNetworkAccess: "Disabled" });
        assert.equal(ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule").length, 0);
    });

    test("the privatelink zone (global), linked to the stack VNet and to each extra VNet, attached through a zone group", () => {
        const zone = one(run.resources, "azure-native:privatedns:PrivateZone");
        assert.equal(zone.props.privateZoneName, "privatelink.postgres.database.azure.com");
        assert.equal(zone.props.location, "global");
        const links = ofType(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        assert.equal(links.length, 3);
        const vnet = one(run.resources, "azure-native:network:VirtualNetwork");
        const own = byName(run.resources, "prod-pe-dns-link");
        assert.deepEqual(own.propertyDependencies.virtualNetwork, [vnet.urn]);
        assert.deepEqual(links.filter((l) => l !== own).map((l) => (l.props.virtualNetwork as Record<string, unknown>).id).sort(), [hub, runners].sort());
        for (const link of links) {
            assert.deepEqual(link.propertyDependencies.privateZoneName, [zone.urn]);
            assert.equal(link.props.registrationEnabled, false);
        }
        const group = one(run.resources, "azure-native:network:PrivateDnsZoneGroup");
        assert.deepEqual(group.propertyDependencies.privateDnsZoneConfigs, [zone.urn]);
        const endpoint = one(run.resources, "azure-native:network:PrivateEndpoint");
        assert.deepEqual(endpoint.propertyDependencies.subnet, [byName(run.resources, "prod-net-endpoint-subnet").urn]);
        assert.deepEqual((endpoint.props.privateLinkServiceConnections as Record<string, unknown>[])[0].groupIds, ["postgresqlServer"]);
    });

    test("every database write waits for the zone group and every zone link", () => {
        const group = one(run.resources, "azure-native:network:PrivateDnsZoneGroup");
        const links = ofType(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        for (const write of databaseWrites(run)) {
            for (const needed of [group, ...links]) {
                assert.ok(dependsOnTransitively(run.resources, write, needed), `${write.name} waits for ${needed.name}`);
            }
        }
    });

    test("the usgov cloud gets its own privatelink zone", async () => {
        const usgov = await runStack("prod", (c: any) => {
            c.network = { access: "private-endpoint", addressSpace: "10.40.0.0/16", vmSubnet: "10.40.2.0/24", endpointSubnet: "10.40.3.0/24" };
            c.cloud = "usgov";
            c.location = "usgovvirginia";
        });
        assert.equal(usgov.error, undefined, String(usgov.error));
        assert.equal(one(usgov.resources, "azure-native:privatedns:PrivateZone").props.privateZoneName, "privatelink.postgres.database.usgovcloudapi.net");
    });
});

describe("VNet integration in an existing network, with extra zone links", () => {
    let run: ProgramRun;
    const existing = { serverSubnetId: `${spoke}/subnets/postgres`, vmSubnetId: `${spoke}/subnets/clients`, privateDnsZoneId: privateZone };
    before(async () => {
        run = await runStack("prod", (c: any) => {
            c.network = { access: "private", existing, dnsZoneLinks: [hub] };
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    test("declares none of VNet, subnets, NSGs, route table, NAT gateway, its IP or the zone", () => {
        for (const type of networkTypes) {
            assert.equal(ofType(run.resources, type).length, 0, type);
        }
        assert.equal(ofType(run.resources, "azure-native:network:PrivateEndpoint").length, 0);
    });

    test("the server uses the given subnet and zone and waits for the extra link; the VM's NIC uses the given subnet", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(server.props.network, {
            publicNetworkAccess: "Disabled",
            delegatedSubnetResourceId: existing.serverSubnetId,
            privateDnsZoneArmResourceId: existing.privateDnsZoneId,
        });
        const link = one(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        assert.deepEqual(link.props.virtualNetwork, { id: hub });
        assert.equal(link.props.resourceGroupName, "spoke-network");
        assert.equal(link.props.privateZoneName, "prod.private.postgres.database.azure.com");
        assert.ok(server.dependencies.includes(link.urn), "the server waits for the zone link");
        const nic = one(run.resources, "azure-native:network:NetworkInterface");
        assert.equal((nic.props.ipConfigurations as Record<string, any>[])[0].subnet.id, existing.vmSubnetId);
        assert.equal(ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule").length, 0);
    });
});

describe("VNet integration in a stack-created network with extra zone links", () => {
    test("the server waits for its subnet, its zone and every link; the prod names stay", async () => {
        const run = await runStack("prod", (c: any) => { c.network = { ...c.network, dnsZoneLinks: [hub, runners] }; });
        assert.equal(run.error, undefined, String(run.error));
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        const links = ofType(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        assert.equal(links.length, 3);
        for (const needed of ["prod-net-server-subnet", "prod-net-dns", ...links.map((l) => l.name)]) {
            assert.ok(server.dependencies.includes(byName(run.resources, needed).urn), `server waits for ${needed}`);
        }
        assert.ok(links.some((l) => l.name === "prod-net-dns-link"), "the stack VNet's link keeps its name");
        assert.equal(ofType(run.resources, "azure-native:network:PrivateDnsZoneGroup").length, 0);
    });
});

describe("public access with an existing VM subnet", () => {
    test("no network resources; firewall rules as before, without the NAT gateway's address", async () => {
        const run = await runStack("dev", (c: any) => { c.network = { ...c.network, existing: { vmSubnetId: `${spoke}/subnets/clients` } }; });
        assert.equal(run.error, undefined, String(run.error));
        for (const type of networkTypes) {
            assert.equal(ofType(run.resources, type).length, 0, type);
        }
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(server.props.network, { publicNetworkAccess: "Enabled" });
        const rules = ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule");
        assert.deepEqual(rules.map((r) => r.props.startIpAddress), ["203.0.113.10"]);
    });
});
