/**
 * The resource types the simulated Azure implements: the ARM type and the input naming each, its parent or
 * scope, what Azure computes for it, and which inputs cannot change in place. Create-only properties come from
 * the contracts' `x-ms-mutability` facts (mutability.ts); `replaceOn` lists only what those facts do not record
 * yet: `location`, which ARM's guidelines make create-only on every tracked resource ("A tracked resource's
 * `location` property must have the `x-ms-mutability` properties set as `read`, `create`", RPC-Put-V1-14,
 * Azure/azure-openapi-validator docs/location-must-have-xms-mutability.md), and the database's charset and
 * collation, which PostgreSQL fixes when a database is created (CREATE DATABASE; ALTER DATABASE cannot change
 * them) and azure-native replaces on (unconfirmed from the spec; kept until the contracts record it).
 */
import * as crypto from "crypto";
import { signedIn, typeOf } from "../common";
import { replacedOnChange } from "./mutability";

export interface Spec {
    /** ARM resource type under its parent, e.g. `Microsoft.Network/virtualNetworks`. */
    armType: string;
    /** Input that names the resource (autonamed when absent). */
    nameProp: string;
    /** Parent resource of a child type: the input naming it and its ARM type segment. */
    parent?: { prop: string; segment: string };
    /** Scope other than the resource group: `subscription` (resource groups) or an input holding a resource id. */
    scope?: "subscription" | { resourceUri: string };
    /** Inputs that cannot change in place that the contracts' mutability facts do not record yet (see above). */
    replaceOn?: string[];
    /** Output-only properties Azure computes; refused as inputs. */
    readOnly?: string[];
    /** Writes that are operations on a Flexible Server (the input naming it). */
    serverScoped?: string;
    computed?(inputs: Record<string, any>, id: string): Record<string, unknown>;
}

export const specs: Record<string, Spec> = {
    "azure-native:resources:ResourceGroup": { armType: "resourceGroups", nameProp: "resourceGroupName", scope: "subscription", replaceOn: ["location"] },
    "azure-native:network:VirtualNetwork": { armType: "Microsoft.Network/virtualNetworks", nameProp: "virtualNetworkName", replaceOn: ["location"] },
    "azure-native:network:NetworkSecurityGroup": { armType: "Microsoft.Network/networkSecurityGroups", nameProp: "networkSecurityGroupName", replaceOn: ["location"] },
    "azure-native:network:PublicIPAddress": {
        armType: "Microsoft.Network/publicIPAddresses", nameProp: "publicIpAddressName", replaceOn: ["location"],
        readOnly: ["ipAddress"],
        computed: () => ({ ipAddress: `198.51.100.${crypto.randomInt(1, 255)}` }),
    },
    "azure-native:network:NatGateway": { armType: "Microsoft.Network/natGateways", nameProp: "natGatewayName", replaceOn: ["location"] },
    "azure-native:network:RouteTable": { armType: "Microsoft.Network/routeTables", nameProp: "routeTableName", replaceOn: ["location"] },
    "azure-native:network:Subnet": {
        armType: "subnets", nameProp: "subnetName", parent: { prop: "virtualNetworkName", segment: "Microsoft.Network/virtualNetworks" },
    },
    "azure-native:network:NetworkInterface": { armType: "Microsoft.Network/networkInterfaces", nameProp: "networkInterfaceName", replaceOn: ["location"] },
    "azure-native:privatedns:PrivateZone": { armType: "Microsoft.Network/privateDnsZones", nameProp: "privateZoneName" },
    "azure-native:privatedns:VirtualNetworkLink": {
        armType: "virtualNetworkLinks", nameProp: "virtualNetworkLinkName", parent: { prop: "privateZoneName", segment: "Microsoft.Network/privateDnsZones" },
    },
    "azure-native:compute:VirtualMachine": {
        armType: "Microsoft.Compute/virtualMachines", nameProp: "vmName", replaceOn: ["location"],
        computed: (inputs) => ({
            identity: inputs.identity?.type?.includes("SystemAssigned")
                ? { ...inputs.identity, principalId: crypto.randomUUID(), tenantId: signedIn().tenantId }
                : inputs.identity,
            vmId: crypto.randomUUID(),
            provisioningState: "Succeeded",
        }),
    },
    "azure-native:operationalinsights:Workspace": {
        armType: "Microsoft.OperationalInsights/workspaces", nameProp: "workspaceName", replaceOn: ["location"],
        computed: () => ({ customerId: crypto.randomUUID() }),
    },
    "azure-native:monitor:DiagnosticSetting": {
        armType: "Microsoft.Insights/diagnosticSettings", nameProp: "name", scope: { resourceUri: "resourceUri" }, replaceOn: ["resourceUri"],
    },
    "azure-native:dbforpostgresql:Server": {
        armType: "Microsoft.DBforPostgreSQL/flexibleServers", nameProp: "serverName", replaceOn: ["location"],
        readOnly: ["fullyQualifiedDomainName", "state"],
        computed: (inputs) => ({
            fullyQualifiedDomainName: `${inputs.serverName}.postgres.database.azure.com`,
            state: "Ready",
        }),
    },
    "azure-native:dbforpostgresql:Configuration": {
        armType: "configurations", nameProp: "configurationName", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName",
        // Replaced by what the write reports (azure/parameters.ts).
        computed: () => ({ isDynamicConfig: true, isConfigPendingRestart: false, isReadOnly: false }),
    },
    "azure-native:dbforpostgresql:FirewallRule": {
        armType: "firewallRules", nameProp: "firewallRuleName", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName",
    },
    "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": {
        armType: "administrators", nameProp: "objectId", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName",
    },
    "azure-native:dbforpostgresql:Database": {
        armType: "databases", nameProp: "databaseName", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName", replaceOn: ["charset", "collation"],
    },
    // Data safety (docs/data-safety.md): locks (their behaviour in locks.ts), a customer-managed key's identity and
    // grant, Defender threat protection, and a read replica's virtual endpoints (restore.ts has restore and replicas).
    "azure-native:authorization:ManagementLockByScope": {
        armType: "Microsoft.Authorization/locks", nameProp: "lockName", scope: { resourceUri: "scope" }, replaceOn: ["scope"],
    },
    "azure-native:authorization:RoleAssignment": {
        armType: "Microsoft.Authorization/roleAssignments", nameProp: "roleAssignmentName", scope: { resourceUri: "scope" },
        replaceOn: ["scope", "principalId", "roleDefinitionId"],
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        armType: "Microsoft.ManagedIdentity/userAssignedIdentities", nameProp: "resourceName", replaceOn: ["location"],
        readOnly: ["principalId", "clientId", "tenantId"],
        computed: () => ({ principalId: crypto.randomUUID(), clientId: crypto.randomUUID(), tenantId: signedIn().tenantId }),
    },
    "azure-native:security:AdvancedThreatProtection": {
        armType: "Microsoft.Security/advancedThreatProtectionSettings", nameProp: "settingName", scope: { resourceUri: "resourceId" }, replaceOn: ["resourceId"],
    },
    "azure-native:dbforpostgresql:VirtualEndpoint": {
        armType: "virtualendpoints", nameProp: "virtualEndpointName", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName", readOnly: ["virtualEndpoints"],
        computed: (inputs) => ({ virtualEndpoints: [`${inputs.virtualEndpointName}.writer.postgres.database.azure.com`, `${inputs.virtualEndpointName}-ro.writer.postgres.database.azure.com`] }),
    },
};

/** A resource as the simulation keeps it between CLI runs. */
export interface SimulatedResource {
    type: string;
    outputs: Record<string, unknown>;
}

export function armId(type: string, inputs: Record<string, any>): string {
    const spec = specs[type];
    const name = inputs[spec.nameProp];
    if (spec.scope === "subscription") return `/subscriptions/${signedIn().subscriptionId}/resourceGroups/${name}`;
    if (spec.scope) return `${inputs[spec.scope.resourceUri]}/providers/${spec.armType}/${name}`;
    const rg = `/subscriptions/${signedIn().subscriptionId}/resourceGroups/${inputs.resourceGroupName}`;
    if (spec.parent) return `${rg}/providers/${spec.parent.segment}/${inputs[spec.parent.prop]}/${spec.armType}/${name}`;
    return `${rg}/providers/${spec.armType}/${name}`;
}

export function specFor(urn: string): [string, Spec] {
    const type = typeOf(urn);
    const spec = specs[type];
    if (!spec) throw new Error(`The Azure simulator does not implement ${type}; add it to e2e/providers/azure-native.ts.`);
    return [type, spec];
}

/**
 * Inputs whose change replaces the resource, as azure-native's diff decides: the parameters of the resource's path
 * (its name, resource group, parent) and its create-only properties (pulumi/pulumi-azure-native
 * provider/pkg/provider/diff.go, `calculateDetailedDiff`).
 */
export function pathProps(type: string, spec: Spec): string[] {
    const props = [spec.nameProp, ...new Set([...(spec.replaceOn ?? []), ...replacedOnChange(type)])];
    if (spec.scope !== "subscription" && !(spec.scope && typeof spec.scope === "object")) props.push("resourceGroupName");
    if (spec.parent) props.push(spec.parent.prop);
    return props;
}

export function computedKeys(type: string, spec: Spec): Set<string> {
    const sample = spec.computed ? Object.keys(spec.computed({ identity: { type: "SystemAssigned" }, serverName: "x" }, "")) : [];
    return new Set(["id", "name", "type", "azureApiVersion", ...sample].filter((k) => !(type.endsWith(":VirtualMachine") && k === "identity")));
}

