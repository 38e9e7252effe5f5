/**
 * Policies on the PostgreSQL flexible server resource itself: authentication mode, network exposure,
 * backups, high availability and encryption keys.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { cite, onTypes, withStack, type PackPolicy } from "./lib/policy";
import { effective, hasKey, setting, type Setting } from "./lib/props";
import { REPLICA_DOC, isReplica } from "./lib/replicas";
import { AZURE_POLICY } from "./lib/sources";
import { ciEquals, show } from "./lib/text";
import { TYPES, type ServerInputs } from "./lib/types";

/** Azure's values when a server omits them (flexible server REST API defaults at create). */
const SERVER_DEFAULTS = {
    activeDirectoryAuth: "Disabled",
    passwordAuth: "Enabled",
    geoRedundantBackup: "Disabled",
    backupRetentionDays: 7,
    highAvailability: "Disabled",
    dataEncryption: "SystemAssigned",
} as const;

/**
 * What a read replica (createMode Replica) cannot have: Learn lists "Backups, including geo-backups" and "High
 * availability (HA)" among the "Unsupported features on read replicas" (lib/replicas.ts).
 */
const REPLICA_HAS_NO = `${REPLICA_DOC}: backups, including geo-backups, and high availability can't be set up on read replicas`;

/** How a setting reads in a message: its declared value, or "not set" with the default Azure applies. */
function stated(s: Setting<unknown>, azureDefault: unknown): string {
    return s.known && s.declared ? show(s.value) : `not set (Azure's default ${show(azureDefault)})`;
}

export const entraOnlyAuthentication: ResourceValidationPolicy = {
    name: "postgres-entra-only-auth",
    ...cite("PostgreSQL flexible servers accept Microsoft Entra tokens only: authConfig.activeDirectoryAuth is Enabled and authConfig.passwordAuth is Disabled.", {
        azurePolicy: [AZURE_POLICY.entraOnly],
        psrule: ["Azure.PostgreSQL.AADOnly"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set authConfig.activeDirectoryAuth to \"Enabled\" and authConfig.passwordAuth to \"Disabled\" (config auth: entra-only), with at least one Entra administrator.",
    validateResource: onTypes<ServerInputs>([TYPES.server], (server, _args, report) => {
        const entra = setting<string>(server, "authConfig", "activeDirectoryAuth");
        const password = setting<string>(server, "authConfig", "passwordAuth");
        const entraValue = effective(entra, SERVER_DEFAULTS.activeDirectoryAuth);
        const passwordValue = effective(password, SERVER_DEFAULTS.passwordAuth);
        if (entraValue !== undefined && !ciEquals(entraValue, "Enabled")) {
            report(`authConfig.activeDirectoryAuth is ${stated(entra, SERVER_DEFAULTS.activeDirectoryAuth)}: set it to "Enabled".`);
        }
        if (passwordValue !== undefined && !ciEquals(passwordValue, "Disabled")) {
            report(`authConfig.passwordAuth is ${stated(password, SERVER_DEFAULTS.passwordAuth)}: set it to "Disabled" so only Entra tokens log in.`);
        }
    }),
};

export const publicNetworkAccessDisabled: ResourceValidationPolicy = {
    name: "postgres-public-network-access-disabled",
    ...cite("PostgreSQL flexible servers are not reachable from public networks: network.publicNetworkAccess is Disabled, or the server is VNet-integrated (a delegated subnet).", {
        azurePolicy: [AZURE_POLICY.publicNetworkAccess],
        trivy: ["AVD-AZU-0022"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Use private access (network.delegatedSubnetResourceId and privateDnsZoneArmResourceId) or set network.publicNetworkAccess to \"Disabled\" and connect through a private endpoint.",
    validateResource: onTypes<ServerInputs>([TYPES.server], (server, _args, report) => {
        const access = setting<string>(server, "network", "publicNetworkAccess");
        const delegated = setting<string>(server, "network", "delegatedSubnetResourceId");
        if (!access.known) {
            return;
        }
        if (access.declared) {
            if (!ciEquals(access.value, "Disabled")) {
                report(`network.publicNetworkAccess is ${show(access.value)}: set it to "Disabled" (or use private access with a delegated subnet).`);
            }
            return;
        }
        // Not set: a VNet-integrated server has no public endpoint; any other server gets one.
        if (delegated.known && !delegated.declared) {
            report("network.publicNetworkAccess is not set and the server has no delegated subnet, so Azure enables public access: set it to \"Disabled\" or use private access.");
        }
    }),
};

export const privateConnectivity: StackValidationPolicy = {
    name: "postgres-private-connectivity",
    ...cite("PostgreSQL flexible servers are reached privately: VNet-integrated through a delegated subnet with a private DNS zone (network.privateDnsZoneArmResourceId), or with a private endpoint in the stack; a server without a delegated subnet names no such zone.", {
        azurePolicy: [AZURE_POLICY.privateEndpoint, AZURE_POLICY.publicNetworkAccess],
        checkov: ["CKV2_AZURE_57"],
        basis: "a delegated subnet counts as private connectivity; Azure Policy 5e1de0e3 fails a delegated subnet without a private DNS zone",
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Deploy with private access (a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers) or add a network.PrivateEndpoint whose private link service is the server.",
    validateStack: withStack(TYPES.server, (index, _args, report) => {
        for (const server of index.servers()) {
            if (index.isVnetIntegrated(server)) {
                const network = index.props<ServerInputs>(server).network;
                const zoneLinked = index.deps(server, "network", TYPES.privateDnsZone).length > 0;
                if (!hasKey(network, "privateDnsZoneArmResourceId") && !zoneLinked) {
                    report(`Server ${index.serverLabel(server)} is VNet-integrated (network.delegatedSubnetResourceId) without network.privateDnsZoneArmResourceId: clients in the VNet cannot resolve its private address. Link a private DNS zone ending in .postgres.database.azure.com.`, server.urn);
                }
                continue;
            }
            // Azure Policy 5e1de0e3 fails a private DNS zone without a delegated subnet: only VNet integration uses it.
            if (hasKey(index.props<ServerInputs>(server).network, "privateDnsZoneArmResourceId")) {
                report(`Server ${index.serverLabel(server)} sets network.privateDnsZoneArmResourceId without a delegated subnet: only VNet integration uses that zone. Remove it, or add network.delegatedSubnetResourceId; a private endpoint's zone goes in its DNS zone group.`, server.urn);
            }
            if (index.privateEndpointsFor(server).length > 0) {
                continue;
            }
            report(`Server ${index.serverLabel(server)} has neither a delegated subnet (network.delegatedSubnetResourceId) nor a private endpoint: use private access or add a private endpoint.`, server.urn);
        }
    }),
};

export const geoRedundantBackup: ResourceValidationPolicy = {
    name: "postgres-geo-redundant-backup",
    ...cite("PostgreSQL flexible servers keep geo-redundant backups (backup.geoRedundantBackup Enabled), so a regional outage does not lose the backups; a read replica (createMode Replica) is exempt, and fails only if it declares geo-redundant backup.", {
        azurePolicy: [AZURE_POLICY.geoBackup],
        checkov: ["CKV_AZURE_136"],
        psrule: ["Azure.PostgreSQL.GeoRedundantBackup"],
        basis: REPLICA_HAS_NO,
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set backup.geoRedundantBackup to \"Enabled\" (only possible when the server is created); on a read replica, leave it out.",
    validateResource: onTypes<ServerInputs>([TYPES.server], (server, args, report) => {
        const geo = setting<string>(server, "backup", "geoRedundantBackup");
        // A read replica has no backups of its own (checkov CKV_AZURE_136 passes create_mode Replica too).
        if (isReplica(server)) {
            if (geo.known && geo.declared && ciEquals(geo.value, "Enabled")) {
                report(`backup.geoRedundantBackup is "Enabled" on a read replica, which takes no backups (${REPLICA_HAS_NO}): remove it from the replica; the primary's geo-redundant backups hold the data.`);
                return;
            }
            return args.notApplicable(`A read replica (createMode Replica) keeps no backups of its own (${REPLICA_HAS_NO}).`);
        }
        const value = effective(geo, SERVER_DEFAULTS.geoRedundantBackup);
        if (value !== undefined && !ciEquals(value, "Enabled")) {
            report(`backup.geoRedundantBackup is ${stated(geo, SERVER_DEFAULTS.geoRedundantBackup)}: set it to "Enabled" (it can only be chosen when the server is created).`);
        }
    }),
};

interface RetentionConfig {
    minimumDays: number;
}

export const backupRetention: ResourceValidationPolicy = {
    name: "postgres-backup-retention",
    ...cite("PostgreSQL flexible servers keep backups at least a configurable number of days (backup.backupRetentionDays, Azure default 7, maximum 35); a read replica (createMode Replica) is exempt.", {
        basis: `Azure Database for PostgreSQL flexible server backup concepts (retention 7-35 days, default 7); ${REPLICA_DOC}: "No backups are taken from read replicas"`,
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Raise backup.backupRetentionDays to at least the configured minimum (7-35).",
    configSchema: {
        properties: {
            minimumDays: { type: "integer", minimum: 7, maximum: 35, default: 7, description: "Fewest days of backups to keep." },
        },
    },
    validateResource: onTypes<ServerInputs>([TYPES.server], (server, args, report) => {
        if (isReplica(server)) {
            // Its retention, declared or not, keeps nothing: the primary's backups hold the data, judged on the primary.
            return args.notApplicable(`A read replica (createMode Replica) keeps no backups of its own (${REPLICA_HAS_NO}).`);
        }
        const { minimumDays } = args.getConfig<RetentionConfig>();
        const days = setting<number>(server, "backup", "backupRetentionDays");
        const value = effective(days, SERVER_DEFAULTS.backupRetentionDays);
        if (value !== undefined && value < minimumDays) {
            report(`backup.backupRetentionDays is ${stated(days, SERVER_DEFAULTS.backupRetentionDays)}: keep at least ${minimumDays} days.`);
        }
    }),
};

export const zoneRedundantHighAvailability: ResourceValidationPolicy = {
    name: "postgres-zone-redundant-ha",
    ...cite("PostgreSQL flexible servers run with zone-redundant high availability (highAvailability.mode ZoneRedundant), a standby in another availability zone, on a tier that supports it (GeneralPurpose or MemoryOptimized, not Burstable); a read replica (createMode Replica) is exempt, and fails only if it declares high availability.", {
        azurePolicy: [AZURE_POLICY.zoneResilient],
        psrule: ["Azure.PostgreSQL.ZoneRedundantHA"],
        basis: REPLICA_HAS_NO,
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set highAvailability.mode to \"ZoneRedundant\" on a GeneralPurpose or MemoryOptimized SKU in a region with availability zones; on a read replica, leave highAvailability out.",
    validateResource: onTypes<ServerInputs>([TYPES.server], (server, args, report) => {
        const mode = setting<string>(server, "highAvailability", "mode");
        const value = effective(mode, SERVER_DEFAULTS.highAvailability);
        if (isReplica(server)) {
            if (value !== undefined && !ciEquals(value, "Disabled")) {
                report(`highAvailability.mode is ${show(value)} on a read replica (${REPLICA_HAS_NO}): remove it from the replica; high availability is set on the primary.`);
                return;
            }
            return args.notApplicable(`A read replica (createMode Replica) has no high availability of its own (${REPLICA_HAS_NO}).`);
        }
        const tier = setting<string>(server, "sku", "tier");
        const burstable = tier.known && tier.declared && ciEquals(tier.value, "Burstable");
        if (value !== undefined && ciEquals(value, "ZoneRedundant") && burstable) {
            // PSRule Azure.PostgreSQL.ZoneRedundantHA asserts sku.tier in GeneralPurpose/MemoryOptimized; Azure refuses HA on Burstable.
            report("highAvailability.mode is \"ZoneRedundant\" on a Burstable server, which cannot run high availability: use sku.tier GeneralPurpose or MemoryOptimized.");
            return;
        }
        if (value === undefined || ciEquals(value, "ZoneRedundant")) {
            return;
        }
        report(`highAvailability.mode is ${stated(mode, SERVER_DEFAULTS.highAvailability)}: set it to "ZoneRedundant"` +
            (burstable ? " (Burstable servers cannot run high availability: use GeneralPurpose or MemoryOptimized)." : "."));
    }),
};

export const customerManagedKey: ResourceValidationPolicy = {
    name: "postgres-customer-managed-key",
    ...cite("PostgreSQL flexible servers encrypt data at rest with a customer-managed key from Key Vault (dataEncryption.type AzureKeyVault with a primaryKeyURI).", {
        azurePolicy: [AZURE_POLICY.customerManagedKey],
    }),
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Set dataEncryption.type to \"AzureKeyVault\" with primaryKeyURI and a user-assigned identity allowed to use the key (only when the server is created): config server.customerManagedKey { keyUri, keyVaultId }.",
    validateResource: onTypes<ServerInputs>([TYPES.server], (server, _args, report) => {
        const type = setting<string>(server, "dataEncryption", "type");
        const value = effective(type, SERVER_DEFAULTS.dataEncryption);
        if (value !== undefined && !ciEquals(value, "AzureKeyVault")) {
            report(`dataEncryption.type is ${stated(type, SERVER_DEFAULTS.dataEncryption)}: data at rest uses a service-managed key; set "AzureKeyVault" with a key URI and identity if your data classification requires your own key.`);
        } else if (value !== undefined && (!hasKey(server.dataEncryption, "primaryKeyURI") || server.dataEncryption?.primaryKeyURI === "")) {
            // Presence decides: the key URI is often another resource's output, unknown at preview.
            report("dataEncryption.type is \"AzureKeyVault\" but dataEncryption.primaryKeyURI is not set: name the Key Vault key that encrypts the data.");
        }
    }),
};

export const customMaintenanceWindow: ResourceValidationPolicy = {
    name: "postgres-maintenance-window",
    ...cite("PostgreSQL flexible servers have a customer-controlled maintenance window (maintenanceWindow.customWindow Enabled with a day and start time), so planned maintenance restarts happen when you choose.", {
        psrule: ["Azure.PostgreSQL.MaintenanceWindow"],
    }),
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Set maintenanceWindow { customWindow: \"Enabled\", dayOfWeek, startHour, startMinute } (config server.maintenanceWindow).",
    validateResource: onTypes<ServerInputs>([TYPES.server], (server, _args, report) => {
        const custom = setting<string>(server, "maintenanceWindow", "customWindow");
        const value = effective(custom, "Disabled");
        if (value !== undefined && !ciEquals(value, "Enabled")) {
            report(`maintenanceWindow.customWindow is ${stated(custom, "Disabled")}: Azure picks the maintenance time. Set customWindow "Enabled" with dayOfWeek, startHour and startMinute.`);
        }
    }),
};

/** Server policies, in pack order. */
export const serverPolicies: readonly PackPolicy[] = [
    entraOnlyAuthentication,
    publicNetworkAccessDisabled,
    privateConnectivity,
    geoRedundantBackup,
    backupRetention,
    zoneRedundantHighAvailability,
    customerManagedKey,
    customMaintenanceWindow,
];
