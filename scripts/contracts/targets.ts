/**
 * The resource types the program declares and, for each, the SDK package whose generated models are its oracle:
 * the package (pinned exactly in package.json's devDependencies), its client and the create-or-update operation,
 * called with placeholder arguments (names only; the body is empty).
 *
 * Where no build of the SDK carries the api-version azure-native calls (Microsoft.OperationalInsights 2023-09-01,
 * Microsoft.Resources 2024-03-01), the type has two sources: the nearest build before and the nearest after. The
 * derived facts are those both builds state identically; a fact that changed between them is left out (and the
 * simulator does not enforce it).
 */
import type { OracleSource } from "./oracle";

export interface Target {
    /** Pulumi type token. */
    readonly token: string;
    /** Namespace file the type's facts go to (contracts/azure/derived/<namespace>.json). */
    readonly namespace: string;
    readonly resourceType: string;
    /** One source, or the two builds that bracket the api-version azure-native calls. */
    readonly sources: readonly OracleSource[];
    /** Placeholder arguments of the operation (path parameters, then an empty body). */
    readonly args: readonly unknown[];
}

const pg = (operation: string): OracleSource => ({ module: "@azure/arm-postgresql-flexible", client: "PostgreSQLManagementFlexibleServerClient", operation });
const network = (operation: string): OracleSource => ({ module: "@azure/arm-network", client: "NetworkManagementClient", operation });
/** The resource an extension resource (a lock, a role assignment, a threat protection setting) is placed on. */
const scope = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/server";
const dns = (operation: string): OracleSource => ({ module: "@azure/arm-privatedns", client: "PrivateDnsManagementClient", operation });

export const targets: readonly Target[] = [
    { token: "azure-native:dbforpostgresql:Server", namespace: "Microsoft.DBforPostgreSQL", resourceType: "Microsoft.DBforPostgreSQL/flexibleServers", sources: [pg("servers.beginCreateOrUpdate")], args: ["rg", "server", {}] },
    { token: "azure-native:dbforpostgresql:Configuration", namespace: "Microsoft.DBforPostgreSQL", resourceType: "Microsoft.DBforPostgreSQL/flexibleServers/configurations", sources: [pg("configurations.beginPut")], args: ["rg", "server", "name", {}] },
    { token: "azure-native:dbforpostgresql:FirewallRule", namespace: "Microsoft.DBforPostgreSQL", resourceType: "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules", sources: [pg("firewallRules.beginCreateOrUpdate")], args: ["rg", "server", "name", {}] },
    { token: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", namespace: "Microsoft.DBforPostgreSQL", resourceType: "Microsoft.DBforPostgreSQL/flexibleServers/administrators", sources: [pg("administratorsMicrosoftEntra.beginCreateOrUpdate")], args: ["rg", "server", "objectId", {}] },
    { token: "azure-native:dbforpostgresql:Database", namespace: "Microsoft.DBforPostgreSQL", resourceType: "Microsoft.DBforPostgreSQL/flexibleServers/databases", sources: [pg("databases.beginCreate")], args: ["rg", "server", "name", {}] },
    { token: "azure-native:network:VirtualNetwork", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/virtualNetworks", sources: [network("virtualNetworks.beginCreateOrUpdate")], args: ["rg", "vnet", {}] },
    { token: "azure-native:network:Subnet", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/virtualNetworks/subnets", sources: [network("subnets.beginCreateOrUpdate")], args: ["rg", "vnet", "subnet", {}] },
    { token: "azure-native:network:NetworkSecurityGroup", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/networkSecurityGroups", sources: [network("networkSecurityGroups.beginCreateOrUpdate")], args: ["rg", "nsg", {}] },
    { token: "azure-native:network:PublicIPAddress", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/publicIPAddresses", sources: [network("publicIPAddresses.beginCreateOrUpdate")], args: ["rg", "pip", {}] },
    { token: "azure-native:network:NatGateway", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/natGateways", sources: [network("natGateways.beginCreateOrUpdate")], args: ["rg", "nat", {}] },
    { token: "azure-native:network:RouteTable", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/routeTables", sources: [network("routeTables.beginCreateOrUpdate")], args: ["rg", "rt", {}] },
    { token: "azure-native:network:NetworkInterface", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/networkInterfaces", sources: [network("networkInterfaces.beginCreateOrUpdate")], args: ["rg", "nic", {}] },
    { token: "azure-native:network:PrivateEndpoint", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/privateEndpoints", sources: [network("privateEndpoints.beginCreateOrUpdate")], args: ["rg", "pe", {}] },
    { token: "azure-native:network:PrivateDnsZoneGroup", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", sources: [network("privateDnsZoneGroups.beginCreateOrUpdate")], args: ["rg", "pe", "group", {}] },
    { token: "azure-native:privatedns:PrivateZone", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/privateDnsZones", sources: [dns("privateZones.createOrUpdate")], args: ["rg", "zone.example", {}] },
    { token: "azure-native:privatedns:VirtualNetworkLink", namespace: "Microsoft.Network", resourceType: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", sources: [dns("virtualNetworkLinks.createOrUpdate")], args: ["rg", "zone.example", "link", {}] },
    { token: "azure-native:dbforpostgresql:VirtualEndpoint", namespace: "Microsoft.DBforPostgreSQL", resourceType: "Microsoft.DBforPostgreSQL/flexibleServers/virtualendpoints", sources: [pg("virtualEndpoints.beginCreate")], args: ["rg", "server", "name", {}] },
    {
        token: "azure-native:compute:VirtualMachine", namespace: "Microsoft.Compute", resourceType: "Microsoft.Compute/virtualMachines",
        sources: [{ module: "@azure/arm-compute", client: "ComputeManagementClient", operation: "virtualMachines.beginCreateOrUpdate" }], args: ["rg", "vm", {}],
    },
    {
        token: "azure-native:monitor:DiagnosticSetting", namespace: "Microsoft.Insights", resourceType: "Microsoft.Insights/diagnosticSettings",
        sources: [{ module: "@azure/arm-monitor", client: "MonitorClient", operation: "diagnosticSettings.createOrUpdate" }],
        args: ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/server", "name", {}],
    },
    {
        token: "azure-native:operationalinsights:Workspace", namespace: "Microsoft.OperationalInsights", resourceType: "Microsoft.OperationalInsights/workspaces",
        sources: [
            { module: "@azure/arm-operationalinsights", client: "OperationalInsightsManagementClient", operation: "workspaces.beginCreateOrUpdate" },
            { module: "arm-operationalinsights-2025-07-01", client: "OperationalInsightsManagementClient", operation: "workspaces.createOrUpdate" },
        ],
        args: ["rg", "workspace", {}],
    },
    {
        token: "azure-native:resources:ResourceGroup", namespace: "Microsoft.Resources", resourceType: "Microsoft.Resources/resourceGroups",
        sources: [
            { module: "arm-resources-2021-04-01", client: "ResourceManagementClient", operation: "resourceGroups.createOrUpdate" },
            { module: "@azure/arm-resources", client: "ResourceManagementClient", operation: "resourceGroups.createOrUpdate" },
        ],
        args: ["rg", { location: "westeurope" }],
    },
    {
        token: "azure-native:authorization:ManagementLockByScope", namespace: "Microsoft.Authorization", resourceType: "Microsoft.Authorization/locks",
        sources: [{ module: "@azure/arm-locks", client: "ManagementLockClient", operation: "managementLocks.createOrUpdateByScope" }],
        args: [scope, "lock", {}],
    },
    {
        token: "azure-native:authorization:RoleAssignment", namespace: "Microsoft.Authorization", resourceType: "Microsoft.Authorization/roleAssignments",
        sources: [{ module: "@azure/arm-authorization", client: "AuthorizationManagementClient", operation: "roleAssignments.create" }],
        args: [scope, "00000000-0000-0000-0000-000000000001", {}],
    },
    {
        token: "azure-native:managedidentity:UserAssignedIdentity", namespace: "Microsoft.ManagedIdentity", resourceType: "Microsoft.ManagedIdentity/userAssignedIdentities",
        sources: [{ module: "@azure/arm-msi", client: "ManagedServiceIdentityClient", operation: "userAssignedIdentities.createOrUpdate" }],
        args: ["rg", "identity", {}],
    },
    {
        token: "azure-native:security:AdvancedThreatProtection", namespace: "Microsoft.Security", resourceType: "Microsoft.Security/advancedThreatProtectionSettings",
        sources: [{ module: "@azure/arm-security", client: "SecurityCenter", operation: "advancedThreatProtection.create" }],
        args: [scope, {}],
    },
];
