import { checkParameterOverride, parameterValue } from "./parameters";
import { highAvailabilityModes, MaintenanceWindow, restartModes, secureParameterDefaults, ServerConfig, skuTiers, StackConfig, storageSizesGb, supportedVersions } from "./model";
import { Json, Reader } from "./reader";
import { allowedValues, defaults, knownKeys } from "./settings";

/** The server, its maintenance window and parameters, and its diagnostic settings. */

/** Azure server names; also checked by `FlexibleServer` for a plain `serverName`. */
export const serverNamePattern = /^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])$/;
/** Server parameter names; also checked by `FlexibleServer` for its `parameters`. */
export const parameterNamePattern = /^[a-z_][a-z0-9_.]*$/;

/**
 * Ranges (inclusive) of the server and diagnostics settings, checked by the parser and, for plain arguments, by
 * `FlexibleServer` and `ServerDiagnostics`: one source for both.
 */
export const serverRanges = {
    backupRetentionDays: [7, 35],
    /** The Log Analytics workspace's retention (`diagnostics.retentionDays`). */
    workspaceRetentionDays: [30, 730],
    maintenanceWindow: { dayOfWeek: [0, 6], startHour: [0, 23], startMinute: [0, 59] },
} as const;

/** The availability zones a server can be pinned to (absent: Azure picks): the settings table's values. */
export const availabilityZones: readonly string[] = allowedValues("server.availabilityZone");

/** Whether `sku` belongs to `tier`: Burstable SKUs are `Standard_B*`, and only they. */
export function skuMatchesTier(sku: string, tier: string): boolean {
    return (tier === "Burstable") === /^Standard_B/.test(sku);
}

export function parseServer(r: Reader, value: Json, context: { project: string; stack: string }): ServerConfig | undefined {
    const obj = r.object(value, "server", knownKeys.server);
    if (!obj) {
        return undefined;
    }
    const d = defaults.server;
    const name = r.string(obj.name, "server.name", { fallback: `${context.project}-${context.stack}`.toLowerCase() });
    if (name !== undefined && !serverNamePattern.test(name)) {
        r.fail("server.name", `"${name}" must be 3–63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit.`);
    }
    const version = r.string(typeof obj.version === "number" ? String(obj.version) : obj.version, "server.version", { fallback: d.version });
    if (version !== undefined && !supportedVersions.includes(version)) {
        r.fail("server.version", `PostgreSQL "${version}" is not offered by Azure Flexible Server. Use one of ${supportedVersions.join(", ")}.`);
    }
    const sku = r.string(obj.sku, "server.sku", { fallback: d.sku });
    if (sku !== undefined && !/^Standard_[A-Za-z0-9_]+$/.test(sku)) {
        r.fail("server.sku", `"${sku}" is not a Flexible Server SKU name (e.g. Standard_B1ms, Standard_D2ds_v5).`);
    }
    const tier = r.oneOf(obj.tier, "server.tier", skuTiers, d.tier);
    if (sku && tier && !skuMatchesTier(sku, tier)) {
        r.fail("server.sku", `"${sku}" does not belong to the ${tier} tier (Burstable SKUs are Standard_B*). Match server.sku and server.tier.`);
    }
    const storageGb = r.integer(obj.storageGb, "server.storageGb", d.storageGb);
    if (storageGb !== undefined && !storageSizesGb.includes(storageGb)) {
        r.fail("server.storageGb", `${storageGb} is not a Flexible Server storage size. Use one of ${storageSizesGb.join(", ")}.`);
    }
    const highAvailability = r.oneOf(obj.highAvailability, "server.highAvailability", highAvailabilityModes, d.highAvailability);
    const availabilityZone = r.string(typeof obj.availabilityZone === "number" ? String(obj.availabilityZone) : obj.availabilityZone, "server.availabilityZone");
    if (availabilityZone !== undefined && !availabilityZones.includes(availabilityZone)) {
        r.fail("server.availabilityZone", `"${availabilityZone}" must be 1, 2 or 3.`);
    }
    const backupRetentionDays = r.integer(obj.backupRetentionDays, "server.backupRetentionDays", d.backupRetentionDays, serverRanges.backupRetentionDays);
    const geoRedundantBackup = r.boolean(obj.geoRedundantBackup, "server.geoRedundantBackup", d.geoRedundantBackup);
    const maintenanceWindow = parseMaintenanceWindow(r, obj.maintenanceWindow);
    const parameters: Record<string, string> = secureParameterDefaults(version ?? d.version);
    const overrides = obj.parameters;
    if (overrides !== undefined && (typeof overrides !== "object" || overrides === null || Array.isArray(overrides))) {
        r.fail("server.parameters", "must be a map of parameter name to value.");
    } else if (overrides) {
        for (const [key, raw] of Object.entries(overrides)) {
            const value = parameterValue(raw);
            if (!parameterNamePattern.test(key)) {
                r.fail(`server.parameters.${key}`, `"${key}" is not a server parameter name (lowercase, e.g. log_min_duration_statement).`);
            } else if (value === undefined) {
                r.fail(`server.parameters.${key}`, "must be a string, number or boolean.");
            } else {
                // Checked against Learn's parameter reference for this version (components/config/parameters.ts).
                const check = checkParameterOverride(key, value, version ?? d.version);
                if (check.ok) {
                    parameters[key] = check.value;
                } else {
                    r.fail(`server.parameters.${key}`, check.message);
                }
            }
        }
    }
    // Absent: decided by `protect` (restartModeFor), which this section does not see.
    const restartForStaticParameters = obj.restartForStaticParameters === undefined || obj.restartForStaticParameters === null
        ? undefined
        : r.oneOf(obj.restartForStaticParameters, "server.restartForStaticParameters", restartModes);
    if (!name || !version || !sku || !tier || storageGb === undefined || !highAvailability || backupRetentionDays === undefined) {
        return undefined;
    }
    return {
        name, version, sku, tier, storageGb, highAvailability, availabilityZone, backupRetentionDays, geoRedundantBackup, maintenanceWindow, parameters,
        ...(restartForStaticParameters ? { restartForStaticParameters } : {}),
    };
}

/**
 * Absent or `null`: Azure's system-managed window (`customWindow: Disabled`). Otherwise a custom window
 * with every field given: `{}` or a missing field is refused rather than read as Sunday 00:00.
 */
function parseMaintenanceWindow(r: Reader, value: Json): MaintenanceWindow | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const mw = r.object(value, "server.maintenanceWindow", knownKeys.maintenanceWindow);
    if (!mw) {
        return undefined;
    }
    const fields = serverRanges.maintenanceWindow;
    const values: Partial<Record<keyof typeof fields, number>> = {};
    for (const [field, range] of Object.entries(fields) as [keyof typeof fields, readonly [number, number]][]) {
        const path = `server.maintenanceWindow.${field}`;
        if (mw[field] === undefined || mw[field] === null) {
            r.fail(path, `is required for a custom maintenance window (${range[0]}–${range[1]}). Set dayOfWeek, startHour and startMinute, or set server.maintenanceWindow to null for Azure's system-managed window.`);
        } else {
            values[field] = r.integer(mw[field], path, undefined, [range[0], range[1]]);
        }
    }
    const { dayOfWeek, startHour, startMinute } = values;
    return dayOfWeek !== undefined && startHour !== undefined && startMinute !== undefined ? { dayOfWeek, startHour, startMinute } : undefined;
}

export function parseDiagnostics(r: Reader, value: Json): StackConfig["diagnostics"] {
    const obj = r.object(value, "diagnostics", knownKeys.diagnostics) ?? {};
    return {
        enabled: r.boolean(obj.enabled, "diagnostics.enabled", defaults.diagnostics.enabled),
        retentionDays: r.integer(obj.retentionDays, "diagnostics.retentionDays", defaults.diagnostics.retentionDays, serverRanges.workspaceRetentionDays) ?? defaults.diagnostics.retentionDays,
    };
}
