import { Cloud } from "./cloud";
import type { DataSafetyConfig } from "./dataSafetyModel";

/**
 * The validated model of a stack's settings (namespace `entra-postgres`). `parseConfig` builds it from raw
 * stack config and refuses anything invalid before a single resource is declared. Every field here is
 * documented in the configuration reference, docs/configuration.md.
 */
export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** Azure region of every regional resource. */
    readonly location: string;
    /** Name of an existing resource group to deploy into; absent: the stack creates one. */
    readonly existingResourceGroup?: string;
    /** `entra-only`: password logins are disabled. `mixed`: a password administrator exists as well. */
    readonly auth: AuthMode;
    /** Login of the password administrator (mixed auth only). */
    readonly administratorLogin?: string;
    /** Entra tenant of the server and its administrators; absent: the deploying credential's tenant. */
    readonly tenantId?: string;
    readonly cloud: Cloud;
    /** Entra administrators, created one after another in this order. */
    readonly admins: readonly EntraAdmin[];
    /** The administrator whose identity runs `pulumi up` and manages database roles. */
    readonly deployer: EntraAdmin;
    readonly network: NetworkConfig;
    readonly server: ServerConfig;
    readonly vm: VmConfig;
    /** Entra identities that get a database role. */
    readonly principals: readonly Principal[];
    /** Databases created on the server (after the administrators). */
    readonly databases: readonly string[];
    /** Protect the server and its databases from deletion. */
    readonly protect: boolean;
    readonly diagnostics: DiagnosticsConfig;
    readonly tags: Readonly<Record<string, string>>;
    /** Locks, threat protection, customer-managed key, restore and replicas; absent: none of them. */
    readonly dataSafety?: DataSafetyConfig;
    /**
     * Top-level settings held as secrets (`vm` when `vm.sshPublicKey` was set with `--secret`): every resource input
     * and stack output derived from them is sent as a secret. Absent: none.
     */
    readonly secretSettings?: readonly string[];
}

export type AuthMode = "entra-only" | "mixed";
export const authModes: readonly AuthMode[] = ["entra-only", "mixed"];

/** Entra principal types an administrator can have (the Azure API's names). */
export type AdminType = "User" | "Group" | "ServicePrincipal";
export const adminTypes: readonly AdminType[] = ["User", "Group", "ServicePrincipal"];

/** Object types of `pgaadauth_create_principal_with_oid`, as Azure's `pgaadauth_*` functions spell them. Managed identities are `service`. */
export type PrincipalKind = "user" | "group" | "service";
export const principalKinds: readonly PrincipalKind[] = ["user", "group", "service"];

export type AccessLevel = "read" | "write" | "admin";
export const accessLevels: readonly AccessLevel[] = ["read", "write", "admin"];

export interface EntraAdmin {
    /** Display name (users: the UPN). Case sensitive: it is the PostgreSQL role name. */
    readonly name: string;
    readonly objectId: string;
    readonly type: AdminType;
}

export interface DatabaseAccess {
    readonly database: string;
    readonly level: AccessLevel;
}

export interface Principal {
    /** Role name: the user's UPN, the group's or the identity's display name. Case sensitive. */
    readonly name: string;
    /** Entra object id; absent: Azure resolves the name in the tenant (`pgaadauth_create_principal`). */
    readonly objectId?: string;
    readonly type: PrincipalKind;
    readonly access: readonly DatabaseAccess[];
}

/**
 * `private`: VNet integration (a delegated subnet and a private DNS zone). `public`: firewall rules.
 * `private-endpoint`: public network access disabled, reached through a private endpoint (group
 * `postgresqlServer`) and the cloud's `privatelink` DNS zone.
 */
export type NetworkAccess = "private" | "public" | "private-endpoint";
export const networkAccessModes: readonly NetworkAccess[] = ["private", "public", "private-endpoint"];

/**
 * Network resources that already exist (full ARM ids, shapes checked by `parseConfig`). When set, the stack
 * creates no VNet, subnet, NSG, route table, NAT gateway or DNS zone and uses these as given.
 */
export interface ExistingNetwork {
    /** `private`: the subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`. */
    readonly serverSubnetId?: string;
    /** The VM's subnet (when the VM is enabled). */
    readonly vmSubnetId?: string;
    /** `private` and `private-endpoint`: the server's private DNS zone. */
    readonly privateDnsZoneId?: string;
    /** `private-endpoint`: the subnet that holds the private endpoint. */
    readonly endpointSubnetId?: string;
}

/** An inclusive IPv4 range, as a firewall rule takes it. */
export interface IpRange {
    /** As written in config: `203.0.113.7`, `203.0.113.0/28` or `203.0.113.1-203.0.113.9`. */
    readonly source: string;
    readonly start: string;
    readonly end: string;
}

export interface NetworkConfig {
    readonly access: NetworkAccess;
    /** VNet address space (CIDR). */
    readonly addressSpace: string;
    /** Subnet delegated to the server (private access only). */
    readonly serverSubnet: string;
    /** Subnet of the VM. */
    readonly vmSubnet: string;
    /** Subnet of the private endpoint (`private-endpoint` access only). */
    readonly endpointSubnet: string;
    /** Network resources to use instead of creating them. */
    readonly existing?: ExistingNetwork;
    /** Further VNets (ARM ids) the server's private DNS zone is linked to: a hub, the runners' VNet. */
    readonly dnsZoneLinks: readonly string[];
    /** Public access: client addresses allowed through the server firewall. */
    readonly allowedIps: readonly IpRange[];
    /** Public access: the `0.0.0.0` rule that admits every Azure service, any tenant's. Explicit opt-in. */
    readonly allowAzureServices: boolean;
    /** Private access: a route table on the server subnet with the `AzureActiveDirectory` → Internet route. */
    readonly routeTable: boolean;
    /** A NAT gateway gives the VM subnet outbound access (package installs, public servers). */
    readonly natGateway: boolean;
}

export type HighAvailability = "Disabled" | "ZoneRedundant" | "SameZone";
export const highAvailabilityModes: readonly HighAvailability[] = ["Disabled", "ZoneRedundant", "SameZone"];

export type SkuTier = "Burstable" | "GeneralPurpose" | "MemoryOptimized";
export const skuTiers: readonly SkuTier[] = ["Burstable", "GeneralPurpose", "MemoryOptimized"];

export interface MaintenanceWindow {
    /** 0 = Sunday … 6 = Saturday. */
    readonly dayOfWeek: number;
    readonly startHour: number;
    readonly startMinute: number;
}

export interface ServerConfig {
    /** Azure server name; the FQDN is `<name>.<cloud's postgres suffix>`. */
    readonly name: string;
    readonly version: string;
    readonly sku: string;
    readonly tier: SkuTier;
    readonly storageGb: number;
    readonly highAvailability: HighAvailability;
    /** Availability zone of the primary; absent: Azure picks. */
    readonly availabilityZone?: string;
    readonly backupRetentionDays: number;
    readonly geoRedundantBackup: boolean;
    /** Absent: Azure's system-managed window. */
    readonly maintenanceWindow?: MaintenanceWindow;
    /** Effective server parameters: the secure defaults with the stack's overrides applied. */
    readonly parameters: Readonly<Record<string, string>>;
    /**
     * Who restarts the server after a static parameter changed: the stack (`auto`) or an operator (`operator`).
     * Absent: `operator` on a protected stack, else `auto` (see `restartModeFor`).
     */
    readonly restartForStaticParameters?: RestartMode;
}

/** Who restarts the server so that changed static parameters apply. */
export type RestartMode = "auto" | "operator";
export const restartModes: readonly RestartMode[] = ["auto", "operator"];

/**
 * The restart mode a stack runs with: the setting when given, else `operator` when the stack is protected
 * (production: a restart is downtime, planned by people for a maintenance window) and `auto` otherwise (the
 * stack converges in one `pulumi up`, as azurerm did by default after hashicorp/terraform-provider-azurerm#20044,
 * before restart loops (#22257) made it add a switch (#23811)).
 */
export function restartModeFor(setting: RestartMode | undefined, protect: boolean): RestartMode {
    return setting ?? (protect ? "operator" : "auto");
}

export interface VmConfig {
    /** Create the VM. */
    readonly enabled: boolean;
    /** Azure VM name; also the name of its system-assigned identity and so of its database role. */
    readonly name: string;
    readonly size: string;
    readonly adminUsername: string;
    readonly sshPublicKey: string;
    /** Attach a public IP to the VM's NIC. Off by default. */
    readonly publicIp: boolean;
    /** Encrypt temp disks and caches at the host (needs the EncryptionAtHost feature on the subscription). */
    readonly encryptionAtHost: boolean;
    /** Let Azure run VM extensions on the VM (`osProfile.allowExtensionOperations`). Off by default. */
    readonly allowExtensions: boolean;
    /** Database access of the VM's identity. */
    readonly access: readonly DatabaseAccess[];
}

export interface DiagnosticsConfig {
    /** Send all server logs and metrics to a Log Analytics workspace the stack creates. */
    readonly enabled: boolean;
    readonly retentionDays: number;
}

/** PostgreSQL major versions Azure Database for PostgreSQL Flexible Server offers for new servers. */
export const supportedVersions: readonly string[] = ["13", "14", "15", "16", "17", "18"];

/** Storage sizes (GiB) a Flexible Server can be provisioned with. */
export const storageSizesGb: readonly number[] = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];

/** Role names no identity may have: one list, shared with the role provider (`components/config/names.ts`). */
export { reservedRoleNames } from "./names";

/**
 * VM admin user names Azure refuses: the "Disallowed values" of `OSProfile.adminUsername` in
 * specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01/computeRPCommon.json
 * (Azure/azure-rest-api-specs at 3db4b34f). contracts/azure/Microsoft.Compute.json records the same list.
 */
export const reservedVmAdminNames: readonly string[] = [
    "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm",
    "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
    "support_388945a0", "sys", "test2", "test3", "user4", "user5",
];

/** Databases Azure creates itself or that PostgreSQL reserves. */
export const reservedDatabases: readonly string[] = ["postgres", "azure_maintenance", "azure_sys", "template0", "template1"];

/**
 * Server parameters set unless a stack overrides them. Secure transport and logging are what Azure Policy
 * and CIS Azure 5.2 check; writing them even where they equal Azure's default pins them, so a change made in
 * the portal shows as drift. They are written one after another (parallel writes fail with ServerBusy).
 *
 * `log_connections` and `log_disconnections` are dynamic on every version (Learn, "Reporting and Logging /
 * What to Log", includes/param-<version>-reporting-logging-what-log.md), so they are written too: the stack
 * pins connection logging instead of trusting that nobody switches it off. `password_encryption` defaults to
 * md5 on PostgreSQL 13 (includes/param-13-connections-authentication-authentication.md) and is pinned to
 * scram-sha-256 there. Every default is checked against the parameter catalogue (serverParameters.json).
 */
export function secureParameterDefaults(version: string): Record<string, string> {
    const params: Record<string, string> = {
        require_secure_transport: "on",
        ssl_min_protocol_version: "TLSv1.2",
        log_connections: "on",
        log_disconnections: "on",
        log_checkpoints: "on",
        "logfiles.retention_days": "7",
        log_line_prefix: "%t-%c-%u@%d-",
    };
    if (version === "13") {
        params.password_encryption = "scram-sha-256";
    }
    // Azure deprecates connection throttling from PostgreSQL 18 on.
    if (Number(version) < 18) {
        params["connection_throttle.enable"] = "on";
    }
    return params;
}
