/**
 * Resource type tokens the pack matches on, and the typed shapes of their inputs.
 *
 * The pack never loads `@pulumi/azure-native` at run time (it is large and the pack only needs type names):
 * rules match on `args.type` strings, and the input shapes come from `import type`, which the compiler
 * erases.
 */
import type { Unwrap } from "@pulumi/pulumi";
import type { ServerArgs } from "@pulumi/azure-native/dbforpostgresql/server";
import type { ConfigurationArgs } from "@pulumi/azure-native/dbforpostgresql/configuration";
import type { AdministratorsMicrosoftEntraArgs } from "@pulumi/azure-native/dbforpostgresql/administratorsMicrosoftEntra";
import type { FirewallRuleArgs } from "@pulumi/azure-native/dbforpostgresql/firewallRule";
import type { SubnetArgs } from "@pulumi/azure-native/network/subnet";
import type { VirtualNetworkArgs } from "@pulumi/azure-native/network/virtualNetwork";
import type { NetworkSecurityGroupArgs } from "@pulumi/azure-native/network/networkSecurityGroup";
import type { SecurityRuleArgs } from "@pulumi/azure-native/network/securityRule";
import type { RouteTableArgs } from "@pulumi/azure-native/network/routeTable";
import type { RouteArgs } from "@pulumi/azure-native/network/route";
import type { NetworkInterfaceArgs } from "@pulumi/azure-native/network/networkInterface";
import type { PrivateEndpointArgs } from "@pulumi/azure-native/network/privateEndpoint";
import type { PrivateDnsZoneGroupArgs } from "@pulumi/azure-native/network/privateDnsZoneGroup";
import type { NatGatewayArgs } from "@pulumi/azure-native/network/natGateway";
import type { VirtualMachineArgs } from "@pulumi/azure-native/compute/virtualMachine";
import type { DiagnosticSettingArgs } from "@pulumi/azure-native/monitor/diagnosticSetting";
import type { AdvancedThreatProtectionArgs } from "@pulumi/azure-native/security/advancedThreatProtection";
import type { PricingArgs } from "@pulumi/azure-native/security/pricing";

/** Type tokens of the resources the rules read. */
export const TYPES = {
    server: "azure-native:dbforpostgresql:Server",
    configuration: "azure-native:dbforpostgresql:Configuration",
    entraAdmin: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
    firewallRule: "azure-native:dbforpostgresql:FirewallRule",
    virtualNetwork: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    nsg: "azure-native:network:NetworkSecurityGroup",
    securityRule: "azure-native:network:SecurityRule",
    routeTable: "azure-native:network:RouteTable",
    route: "azure-native:network:Route",
    networkInterface: "azure-native:network:NetworkInterface",
    privateEndpoint: "azure-native:network:PrivateEndpoint",
    /** A private endpoint's DNS zone group: the zones Azure writes the endpoint's A record into. */
    privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
    natGateway: "azure-native:network:NatGateway",
    publicIp: "azure-native:network:PublicIPAddress",
    privateDnsZone: "azure-native:privatedns:PrivateZone",
    privateDnsZoneLink: "azure-native:privatedns:VirtualNetworkLink",
    virtualMachine: "azure-native:compute:VirtualMachine",
    virtualMachineExtension: "azure-native:compute:VirtualMachineExtension",
    /** Azure Backup's protection of one item (a VM) in a Recovery Services vault. */
    protectedItem: "azure-native:recoveryservices:ProtectedItem",
    /** An explicit provider of the PostgreSQL Pulumi package (`@pulumi/postgresql` Provider). */
    postgresqlProvider: "pulumi:providers:postgresql",
    userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
    /** azure-native v3 token; `azure-native:insights:DiagnosticSetting` is its v2 alias, also accepted. */
    diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
    diagnosticSettingV2: "azure-native:insights:DiagnosticSetting",
    advancedThreatProtection: "azure-native:security:AdvancedThreatProtection",
    defenderPricing: "azure-native:security:Pricing",
    /** The program's dynamic resource that creates an Entra-enabled database role. */
    entraRole: "pulumi-nodejs:dynamic/entra-postgres:EntraRole",
} as const;

/** True for the Entra role dynamic resource, whatever module name the dynamic provider registered it under. */
export function isEntraRoleType(type: string): boolean {
    return type === TYPES.entraRole || /^pulumi-nodejs:dynamic(\/[^:]+)?:EntraRole$/.test(type);
}

/** True for a diagnostic setting under its v3 or v2 token. */
export function isDiagnosticSettingType(type: string): boolean {
    return type === TYPES.diagnosticSetting || type === TYPES.diagnosticSettingV2;
}

/** The `serviceName` of a subnet delegation to PostgreSQL flexible servers (VNet integration). */
export const POSTGRES_DELEGATION = "Microsoft.DBforPostgreSQL/flexibleServers";

export type ServerInputs = Unwrap<ServerArgs>;
export type ConfigurationInputs = Unwrap<ConfigurationArgs>;
export type EntraAdminInputs = Unwrap<AdministratorsMicrosoftEntraArgs>;
export type FirewallRuleInputs = Unwrap<FirewallRuleArgs>;
export type SubnetInputs = Unwrap<SubnetArgs>;
export type VirtualNetworkInputs = Unwrap<VirtualNetworkArgs>;
export type NsgInputs = Unwrap<NetworkSecurityGroupArgs>;
export type SecurityRuleInputs = Unwrap<SecurityRuleArgs>;
export type RouteTableInputs = Unwrap<RouteTableArgs>;
export type RouteInputs = Unwrap<RouteArgs>;
export type NetworkInterfaceInputs = Unwrap<NetworkInterfaceArgs>;
export type PrivateEndpointInputs = Unwrap<PrivateEndpointArgs>;
export type PrivateDnsZoneGroupInputs = Unwrap<PrivateDnsZoneGroupArgs>;
export type NatGatewayInputs = Unwrap<NatGatewayArgs>;
export type VirtualMachineInputs = Unwrap<VirtualMachineArgs>;
export type DiagnosticSettingInputs = Unwrap<DiagnosticSettingArgs>;
export type AdvancedThreatProtectionInputs = Unwrap<AdvancedThreatProtectionArgs>;
export type DefenderPricingInputs = Unwrap<PricingArgs>;

/** Inputs of the Entra role dynamic resource (`principalType`: "user" | "group" | "service"). */
export interface EntraRoleInputs {
    serverFqdn?: string;
    adminLogin?: string;
    roleName?: string;
    objectId?: string;
    principalType?: string;
    isAdmin?: boolean;
    isMfa?: boolean;
    cloud?: string;
}
