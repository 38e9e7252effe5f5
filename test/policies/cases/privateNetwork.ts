/**
 * The private networking modes (private endpoint, delegated subnet, public, existing network) through the
 * policies that judge them: the new private endpoint rules, and the existing rules that must neither fire
 * falsely nor go quiet in the new modes.
 */
import type { RecordedResource } from "../../../plan/analyzer";
import { TYPES } from "../../../policies/lib/types";
import { DEV, NAMES, PROD, SERVER_URN, U, buildStack, patch, without } from "../fixtures";
import { res, urnOf, type CaseTable } from "../helpers";
import { EXISTING, PE_NAMES, PRIVATELINK_ZONE, existingPrivateStack, privateEndpointStack } from "../privateFixtures";

const prod = buildStack(PROD);
const dev = buildStack(DEV);
const pe = privateEndpointStack();
const peExisting = privateEndpointStack({ existing: true });
const existingPrivate = existingPrivateStack();
const endpointUrn = urnOf(TYPES.privateEndpoint, PE_NAMES.endpoint);
const zoneUrn = urnOf("azure-native:privatedns:PrivateZone", PE_NAMES.zone);
const isEndpointPart = (r: RecordedResource) => r.name === PE_NAMES.endpoint || r.name === PE_NAMES.zoneGroup;
const firewallRule = (name: string) => res(TYPES.firewallRule, name, {
    resourceGroupName: U, serverName: U, firewallRuleName: name, startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.10",
}, { deps: { serverName: [SERVER_URN] } });
const endpointTo = (privateLinkServiceId: unknown, groupIds: unknown, deps: Record<string, string[]> = {}) => res(TYPES.privateEndpoint, "pe", {
    resourceGroupName: U, location: "westeurope", subnet: { id: U }, privateLinkServiceConnections: [{ name: "pg", privateLinkServiceId, groupIds }],
}, { deps });
const denyAllOutbound = {
    name: "deny-all-outbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*",
    sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*",
};
/** prod's server subnet with its NSG given as the id of one outside the stack. */
const externalNsg = patch(without(prod, (r) => r.name === NAMES.serverNsg), NAMES.serverSubnet, (r) => {
    r.props.networkSecurityGroup = { id: "/subscriptions/s/resourceGroups/hub/providers/Microsoft.Network/networkSecurityGroups/central" };
    delete r.propertyDependencies.networkSecurityGroup;
    r.dependencies = r.dependencies.filter((d) => d !== urnOf(TYPES.nsg, NAMES.serverNsg));
});
const zoneGroupZone = (id: string) => patch(peExisting, PE_NAMES.zoneGroup, (r) => (r.props.privateDnsZoneConfigs = [{ name: "postgres", privateDnsZoneId: id }]));

export const privateNetworkCases: CaseTable = {
    "postgres-private-endpoint-required": [
        { title: "private endpoint mode, network created by the stack", resources: pe, expect: "pass" },
        { title: "private endpoint mode on an existing network", resources: peExisting, expect: "pass" },
        { title: "delegated subnet (prod)", resources: prod, expect: "pass" },
        { title: "public access (dev)", resources: dev, expect: "pass" },
        { title: "delegated subnet on an existing network", resources: existingPrivate, expect: "pass" },
        {
            title: "public access disabled, no delegated subnet, no private endpoint",
            resources: without(pe, isEndpointPart), expect: "fail", urn: SERVER_URN, count: 1, message: /"Disabled", no delegated subnet and no private endpoint in the stack: nothing can reach it/,
        },
        {
            title: "a private endpoint to a VNet-integrated server",
            resources: [...prod, endpointTo(U, ["postgresqlServer"], { privateLinkServiceConnections: [SERVER_URN] })],
            expect: "fail", urn: urnOf(TYPES.privateEndpoint, "pe"), message: /VNet-integrated.*does not support private endpoints/,
        },
        { title: "public access unknown at preview: no decision", resources: patch(without(pe, isEndpointPart), NAMES.server, (r) => (r.props.network = { publicNetworkAccess: U })), expect: "pass" },
    ],
    "postgres-private-endpoint-group-id": [
        { title: "postgresqlServer, server id unknown at preview", resources: pe, expect: "pass" },
        { title: "postgresqlServer on an existing network", resources: peExisting, expect: "pass" },
        { title: "the SQL Database group id", resources: privateEndpointStack({ groupIds: ["sqlServer"] }), expect: "fail", urn: endpointUrn, message: /groupIds \["sqlServer"\]: a flexible server's only private-link subresource is "postgresqlServer"/ },
        { title: "no group id", resources: privateEndpointStack({ groupIds: [] }), expect: "fail", message: /groupIds \[\]/ },
        { title: "a second group id next to postgresqlServer", resources: privateEndpointStack({ groupIds: ["postgresqlServer", "coordinator"] }), expect: "fail" },
        { title: "group ids unknown at preview: no decision", resources: privateEndpointStack({ groupIds: [U] }), expect: "pass" },
        {
            title: "a flexible server outside the stack, named by a known id",
            resources: [endpointTo("/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/elsewhere", ["postgresqlServer"])], expect: "pass",
        },
        {
            title: "a flexible server outside the stack with a wrong group id",
            resources: [endpointTo("/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/elsewhere", ["postgresql"])], expect: "fail", message: /to a flexible server has groupIds \["postgresql"\]/,
        },
        { title: "an endpoint to a storage account is not judged", resources: [endpointTo("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st", ["blob"])], expect: "pass" },
        { title: "a stack without private endpoints", resources: prod, expect: "not-applicable" },
    ],
    "postgres-private-endpoint-dns-zone": [
        { title: "zone group in the stack's privatelink zone, linked to the VNet", resources: pe, expect: "pass" },
        { title: "zone group in an existing privatelink zone (id given)", resources: peExisting, expect: "pass" },
        { title: "no zone group", resources: without(pe, (r) => r.name === PE_NAMES.zoneGroup), expect: "fail", urn: endpointUrn, message: /has no private DNS zone group.*privatelink\.postgres\.database\.azure\.com/ },
        {
            title: "the delegated-mode zone name instead of the privatelink zone",
            resources: privateEndpointStack({ zoneName: "pg-entra-prod.private.postgres.database.azure.com" }), expect: "fail", urn: endpointUrn,
            message: /names "pg-entra-prod\.private\.postgres\.database\.azure\.com", not "privatelink\.postgres\.database\.azure\.com"/,
        },
        { title: "an existing zone of another service", resources: zoneGroupZone(EXISTING.privateDnsZoneId.replace("privatelink.postgres.database.azure.com", "privatelink.database.windows.net")), expect: "fail", message: /"privatelink\.database\.windows\.net"/ },
        { title: "US Government region with the public cloud's zone", resources: privateEndpointStack({ location: "usgovvirginia" }), expect: "fail", message: /not "privatelink\.postgres\.database\.usgovcloudapi\.net"/ },
        { title: "US Government region with its own zone", resources: privateEndpointStack({ location: "usgovvirginia", zoneName: PRIVATELINK_ZONE.usgov }), expect: "pass" },
        { title: "China region with its own zone", resources: privateEndpointStack({ location: "chinanorth3", zoneName: PRIVATELINK_ZONE.china }), expect: "pass" },
        { title: "the stack's zone linked to no virtual network", resources: without(pe, (r) => r.name === PE_NAMES.zoneLink), expect: "fail", urn: zoneUrn, count: 1, message: /linked to no virtual network/ },
        {
            title: "zone id unknown at preview and from no stack resource: no decision",
            resources: patch(peExisting, PE_NAMES.zoneGroup, (r) => (r.props.privateDnsZoneConfigs = [{ name: "postgres", privateDnsZoneId: U }])), expect: "pass",
        },
        { title: "a stack without private endpoints", resources: prod, expect: "not-applicable" },
    ],
    "postgres-firewall-private-server": [
        { title: "firewall rules on a public server (dev)", resources: dev, expect: "pass" },
        { title: "a firewall rule on a private endpoint server", resources: [...pe, firewallRule("office")], expect: "fail", urn: urnOf(TYPES.firewallRule, "office"), message: /has network\.publicNetworkAccess "Disabled": the rule admits nothing now/ },
        { title: "a firewall rule on a VNet-integrated server", resources: [...prod, firewallRule("office")], expect: "fail", message: /is VNet-integrated \(private access\)/ },
        { title: "a firewall rule on an existing-network private server", resources: [...existingPrivate, firewallRule("office")], expect: "fail" },
        { title: "no firewall rules", resources: pe, expect: "not-applicable" },
    ],
    "entra-private-access-existing-network": [
        { title: "the delegated subnet, its NSG and route table are in the stack", resources: prod, expect: "pass" },
        {
            title: "delegated subnet of an existing network, given by id",
            resources: existingPrivate, expect: "fail", urn: SERVER_URN, count: 1,
            message: /its delegated subnet ".*\/subnets\/postgres" is not declared in this stack, so the Entra network path cannot be checked/,
        },
        { title: "the subnet's NSG is outside the stack", resources: externalNsg, expect: "fail", message: /the NSG of subnet net-server-subnet is not declared in this stack/ },
        { title: "private endpoint mode needs no Entra rule", resources: peExisting, expect: "not-applicable" },
        { title: "public access needs no Entra rule", resources: dev, expect: "not-applicable" },
    ],
    // Existing rules in the new modes: no false positives, and what they must still catch.
    "entra-private-access-aad-outbound": [
        { title: "private endpoint mode: an outbound deny-all on the endpoint subnet is not the server's", resources: patch(pe, PE_NAMES.endpointNsg, (r) => (r.props.securityRules = [denyAllOutbound])), expect: "pass" },
        { title: "an existing delegated subnet cannot be read: left to the advisory", resources: existingPrivate, expect: "pass" },
    ],
    "entra-private-access-aad-route": [
        { title: "private endpoint mode: no route is required", resources: pe, expect: "pass" },
        { title: "an existing delegated subnet cannot be read: left to the advisory", resources: existingPrivate, expect: "pass" },
    ],
    "subnet-nsg-required": [
        { title: "private endpoint mode: the endpoint and VM subnets have NSGs", resources: pe.filter((r) => r.type === TYPES.subnet), expect: "pass" },
        {
            title: "private endpoint mode: an endpoint subnet without NSG",
            resources: patch(pe, PE_NAMES.endpointSubnet, (r) => { delete r.props.networkSecurityGroup; }).filter((r) => r.type === TYPES.subnet),
            expect: "fail", message: /Subnet "net-endpoint-subnet" has no network security group/,
        },
    ],
    "postgres-private-connectivity": [
        { title: "private endpoint mode", resources: pe, expect: "pass" },
        { title: "private endpoint mode on an existing network", resources: peExisting, expect: "pass" },
        { title: "delegated subnet and zone given as ids", resources: existingPrivate, expect: "pass" },
        { title: "private endpoint mode without its endpoint", resources: without(pe, isEndpointPart), expect: "fail", message: /neither a delegated subnet/ },
    ],
    "postgres-public-network-access-disabled": [
        { title: "private endpoint mode", resources: pe.filter((r) => r.type === TYPES.server), expect: "pass" },
        { title: "delegated subnet given as an id", resources: existingPrivate.filter((r) => r.type === TYPES.server), expect: "pass" },
    ],
    "entra-vm-identity-has-role": [
        { title: "private endpoint mode: the VM that names the server has its role", resources: pe, expect: "pass" },
        { title: "private endpoint mode: the VM without its role", resources: without(pe, (r) => r.name === NAMES.vmRole), expect: "fail" },
    ],
};
