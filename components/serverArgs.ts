import * as pulumi from "@pulumi/pulumi";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { AuthMode, HighAvailability, highAvailabilityModes, IpRange, RestartMode, secureParameterDefaults, SkuTier, skuTiers, storageSizesGb, supportedVersions } from "./config";
import type { Cloud } from "./config/cloud";
import { checkParameterOverride } from "./config/parameters";
import { availabilityZones, parameterNamePattern, serverNamePattern, serverRanges, skuMatchesTier } from "./config/server";
import { defaults } from "./config/settings";

/** The arguments of `FlexibleServer` (server.ts) and the checks it makes of them before it declares anything. */

/** A custom maintenance window (UTC). */
export interface MaintenanceWindowArgs {
    /** 0 (Sunday) to 6 (Saturday). */
    dayOfWeek: pulumi.Input<number>;
    /** 0–23 (UTC). */
    startHour: pulumi.Input<number>;
    /** 0–59. */
    startMinute: pulumi.Input<number>;
}

/**
 * Arguments of a `FlexibleServer`. Defaults are those of the stack settings (`defaults.server` of
 * components/config/settings.ts, docs/configuration.md's `server` table), so a server built alone is the
 * server a stack builds from the same values.
 */
export interface FlexibleServerArgs {
    /** Resource group of the server and every child. */
    resourceGroupName: pulumi.Input<string>;
    /** Azure region of the server. */
    location: pulumi.Input<string>;
    /**
     * Azure server name: 3–63 lowercase letters, digits and hyphens; the FQDN is `<name>.<cloud's postgres suffix>`.
     * No default: the name is global to the cloud. Checked when plain.
     */
    serverName: pulumi.Input<string>;
    /**
     * PostgreSQL major version. Default: `17`. One of the versions Azure offers for new servers (13–18).
     * Plain: it decides which secure default parameters are written (one child each), e.g.
     * `password_encryption` on 13 and `connection_throttle.enable` below 18.
     * Learn: https://learn.microsoft.com/azure/postgresql/configure-maintain/concepts-supported-versions
     */
    version?: string;
    /**
     * Compute SKU name. Default: `Standard_D2ds_v5`. Burstable SKUs are `Standard_B*` and need `tier: Burstable`.
     * Learn: https://learn.microsoft.com/azure/postgresql/compute-storage/concepts-compute
     */
    sku?: pulumi.Input<string>;
    /**
     * Compute tier; must match `sku`. Default: `GeneralPurpose`.
     * Learn: https://learn.microsoft.com/azure/postgresql/compute-storage/concepts-compute
     */
    tier?: pulumi.Input<SkuTier>;
    /**
     * Storage size in GiB, one of the sizes Azure provisions (32 … 32767). Default: `128`. Auto-grow is always on.
     * Learn: https://learn.microsoft.com/azure/postgresql/compute-storage/concepts-storage
     */
    storageGb?: pulumi.Input<number>;
    /**
     * High availability mode. Default: `Disabled`. Not on the Burstable tier.
     * Plain: it decides which zone properties are ignored as drift (see `zoneIgnoreChanges`).
     * Learn: https://learn.microsoft.com/azure/postgresql/high-availability/concepts-high-availability
     */
    highAvailability?: HighAvailability;
    /**
     * The primary's zone at creation (`1`, `2` or `3`). Default: Azure picks, and the picked zone is not drift.
     * With high availability a failover swaps the zones, so both zones are ignored as drift.
     * Plain: it decides the server's `ignoreChanges`.
     * Learn: https://learn.microsoft.com/azure/postgresql/high-availability/concepts-high-availability
     */
    availabilityZone?: string;
    /**
     * Days backups are kept, 7–35. Default: `7`.
     * Learn: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-backup-restore
     */
    backupRetentionDays?: pulumi.Input<number>;
    /**
     * Geo-redundant backups; fixed when the server is created. Default: `false`.
     * Learn: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-backup-restore
     */
    geoRedundantBackup?: pulumi.Input<boolean>;
    /**
     * A custom maintenance window. Default: none, Azure's system-managed window (`customWindow: Disabled`).
     * Learn: https://learn.microsoft.com/azure/postgresql/configure-maintain/concepts-maintenance
     */
    maintenanceWindow?: MaintenanceWindowArgs;
    /**
     * Server parameter → value, applied over the secure defaults (`secureParameterDefaults(version)`:
     * `require_secure_transport=on`, `ssl_min_protocol_version=TLSv1.2`, connection, disconnection and checkpoint
     * logging, `logfiles.retention_days=7`, `log_line_prefix`, `password_encryption=scram-sha-256` on 13,
     * `connection_throttle.enable=on` below 18). Default: the secure defaults alone. A default can be changed
     * but not dropped: a server built alone is as secure as the stack's. Each parameter is written one after
     * another (Azure refuses parallel writes with ServerBusy). Names are plain (one child per parameter, its
     * name part of the URN); values may be Inputs. Plain values are checked against Learn's parameter reference
     * for `version` (components/config/serverParameters.json): read-only parameters, values outside the
     * documented range and `password_encryption` other than `scram-sha-256` are refused.
     * Learn: https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-server-parameters
     */
    parameters?: Record<string, pulumi.Input<string>>;
    /**
     * `entra-only`: password logins disabled. `mixed`: also a password administrator, whose password is
     * generated. Default: `entra-only`. Plain: `mixed` adds the generated password resource.
     * Learn: https://learn.microsoft.com/azure/postgresql/security/security-entra-concepts
     */
    auth?: AuthMode;
    /** Required with `mixed`, refused otherwise: the password administrator's login. Its password is generated. */
    administratorLogin?: pulumi.Input<string>;
    /**
     * Entra tenant of the server's Entra authentication. Default: the deploying credential's tenant
     * (`azure-native:authorization:getClientConfig`).
     * Learn: https://learn.microsoft.com/azure/postgresql/security/security-entra-concepts
     */
    tenantId?: pulumi.Input<string>;
    /** Private access: the delegated subnet and private DNS zone ids. Default: none (public or private-endpoint access). */
    privateNetwork?: {
        delegatedSubnetId: pulumi.Input<string>;
        privateDnsZoneId: pulumi.Input<string>;
        /** Subnet, zone and VNet link: the server is created only when all exist. */
        dependsOn: pulumi.Input<pulumi.Resource>[];
    };
    /**
     * Whether the server takes connections from public networks. Default: `Disabled` with `privateNetwork`,
     * else `Enabled`. `Disabled` without `privateNetwork` is private endpoint access: no delegated subnet and no
     * DNS zone on the server, clients come through a `PostgresPrivateEndpoint`, and no firewall rule applies
     * (so `firewall` is refused). Learn: "Azure Database for PostgreSQL networking with Private Link",
     * https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private-link.
     */
    publicNetworkAccess?: "Enabled" | "Disabled";
    /**
     * Public access: firewall ranges. Default: none (no client is admitted). Never allow-all; the `0.0.0.0` rule
     * only through `allowAzureServices`. Plain: one rule (child) per range, named from it, or `ruleName` when given
     * (a range that is a secret must not name a resource: names and URNs are never secret).
     * Learn: https://learn.microsoft.com/azure/postgresql/network/concepts-networking-public
     */
    firewall?: {
        allowedIps: readonly (IpRange & { ruleName?: string })[];
        allowAzureServices: boolean;
        /** Extra named addresses known only after deployment, e.g. the VM subnet's NAT gateway IP. */
        extraAddresses?: Record<string, pulumi.Input<string>>;
    };
    /** Protect the server from deletion and replacement. Default: `false`. */
    protect?: boolean;
    /**
     * The databases the program declares on this server (`Databases.names`). With `protect`, leaving one out later
     * (which drops it) is refused before anything changes, by the server's guard. Default: not checked.
     */
    databases?: readonly string[];
    /**
     * Who restarts the server after a static parameter's value changed, so that it applies: `auto`, a
     * `ServerRestart` after the parameter writes (Servers_Restart through Azure Resource Manager, only when a
     * static parameter changed); `operator`, nobody: `pulumi up` warns which parameters wait for a restart.
     * Static is Learn's kind in the parameter catalogue (components/config/serverParameters.json). Default:
     * `operator` when `protect` is true, else `auto` (`restartModeFor`).
     * Learn: https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-server-parameters
     */
    restartForStaticParameters?: RestartMode;
    /** Azure cloud of the server: the Resource Manager endpoint a restart is sent to. Default: `public`. */
    cloud?: Cloud;
    /** Tags of the server. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Data safety inputs merged into the server's (a customer-managed key, `customerManagedKey.ts`; a restore,
     * `restore.ts`), the inputs among them that replace the server when they change, and what it waits for.
     */
    dataSafety?: DataSafetyServerArgs;
}

/** See `FlexibleServerArgs.dataSafety`. */
export interface DataSafetyServerArgs {
    inputs: Partial<Pick<dbforpostgresql.ServerArgs, "identity" | "dataEncryption" | "createMode" | "sourceServerResourceId" | "pointInTimeUTC">>;
    replaceOnChanges: string[];
    dependsOn: pulumi.Resource[];
}

/**
 * The parameters written: the secure defaults of `version` with `given` applied over them (the order of the
 * stack's `server.parameters`: defaults first, then new names). Plain values are checked against the
 * parameter catalogue as the stack checks its overrides; Input values are written as they resolve.
 */
export function effectiveParameters(name: string, version: string, given: Record<string, pulumi.Input<string>> = {}): Record<string, pulumi.Input<string>> {
    const parameters: Record<string, pulumi.Input<string>> = secureParameterDefaults(version);
    for (const [parameter, value] of Object.entries(given)) {
        if (!parameterNamePattern.test(parameter)) {
            throw new Error(`FlexibleServer ${name}: parameters has "${parameter}", which is not a server parameter name (lowercase, e.g. log_min_duration_statement). Fix or remove it.`);
        }
        if (typeof value === "string") {
            const check = checkParameterOverride(parameter, value, version);
            if (!check.ok) {
                throw new Error(`FlexibleServer ${name}: parameters.${parameter} ${check.message}`);
            }
        }
        parameters[parameter] = value;
    }
    return parameters;
}

/** Refuses plain argument values Azure would refuse, naming the argument and the fix. */
export function checkServerArgs(name: string, args: FlexibleServerArgs, auth: AuthMode, version: string): void {
    const fail = (arg: string, problem: string) => {
        throw new Error(`FlexibleServer ${name}: ${arg} ${problem}`);
    };
    if (typeof args.serverName === "string" && !serverNamePattern.test(args.serverName)) {
        fail("serverName", `"${args.serverName}" must be 3–63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit.`);
    }
    if (!supportedVersions.includes(version)) {
        fail("version", `"${version}" is not offered by Azure Flexible Server. Use one of ${supportedVersions.join(", ")}.`);
    }
    if (typeof args.tier === "string" && !skuTiers.includes(args.tier)) {
        fail("tier", `"${args.tier}" is not a compute tier. Use one of ${skuTiers.join(", ")}.`);
    }
    const sku = args.sku ?? defaults.server.sku;
    const tier = args.tier ?? defaults.server.tier;
    if (typeof sku === "string" && typeof tier === "string" && !skuMatchesTier(sku, tier)) {
        fail("sku", `"${sku}" does not belong to the ${tier} tier (Burstable SKUs are Standard_B*). Match sku and tier.`);
    }
    const highAvailability = args.highAvailability ?? defaults.server.highAvailability;
    if (!highAvailabilityModes.includes(highAvailability)) {
        fail("highAvailability", `"${highAvailability}" is not a high availability mode. Use one of ${highAvailabilityModes.join(", ")}.`);
    }
    if (tier === "Burstable" && highAvailability !== "Disabled") {
        fail("highAvailability", `${highAvailability} is not offered on the Burstable tier. Set highAvailability to Disabled or choose a GeneralPurpose or MemoryOptimized sku.`);
    }
    if (args.availabilityZone !== undefined && !availabilityZones.includes(args.availabilityZone)) {
        fail("availabilityZone", `"${args.availabilityZone}" must be 1, 2 or 3 (or absent: Azure picks).`);
    }
    if (typeof args.storageGb === "number" && !storageSizesGb.includes(args.storageGb)) {
        fail("storageGb", `${args.storageGb} is not a Flexible Server storage size. Use one of ${storageSizesGb.join(", ")}.`);
    }
    const retention = args.backupRetentionDays;
    const [minRetention, maxRetention] = serverRanges.backupRetentionDays;
    if (typeof retention === "number" && (!Number.isInteger(retention) || retention < minRetention || retention > maxRetention)) {
        fail("backupRetentionDays", `${retention} is outside ${minRetention}–${maxRetention} days. Use a whole number of days from ${minRetention} to ${maxRetention}.`);
    }
    const window = args.maintenanceWindow;
    if (window) {
        for (const [field, [min, max]] of Object.entries(serverRanges.maintenanceWindow) as [keyof MaintenanceWindowArgs, readonly [number, number]][]) {
            const value = window[field];
            if (value === undefined || value === null || (typeof value === "number" && (!Number.isInteger(value) || value < min || value > max))) {
                fail(`maintenanceWindow.${field}`, `must be a whole number from ${min} to ${max}; omit maintenanceWindow for Azure's system-managed window.`);
            }
        }
    }
    if (auth === "mixed" && args.administratorLogin === undefined) {
        fail("administratorLogin", "is required with auth mixed (the password administrator's login). Set it, or use auth entra-only.");
    }
    if (auth !== "mixed" && args.administratorLogin !== undefined) {
        fail("administratorLogin", "is only used with auth mixed (an entra-only server has no password administrator). Remove it, or set auth to mixed.");
    }
}
