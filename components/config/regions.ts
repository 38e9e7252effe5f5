import type { Cloud } from "./cloud";
import { ConfigProblem, nearestKey } from "./errors";
import data from "./flexibleServerRegions.json";

/**
 * Regions that offer Azure Database for PostgreSQL flexible server, per cloud (flexibleServerRegions.json, transcribed from
 * Microsoft Learn's regions table: MicrosoftDocs/azure-databases-docs articles/postgresql/includes/
 * regions-table.md). `location` is checked against it, so `westeurop` fails at `pulumi preview` with the
 * nearest region named, not at deploy.
 */

export interface FlexibleServerRegion {
    readonly displayName: string;
    /** ARM name: the display name lower-cased without spaces (`westeurope`). */
    readonly name: string;
    readonly cloud: Cloud;
    readonly zoneRedundantHa: boolean;
    readonly sameZoneHa: boolean;
    readonly geoRedundantBackup: boolean;
    readonly zoneRedundantHaNewBlocked?: boolean;
    readonly accessRestricted?: boolean;
}

export const regionCatalogue = data as unknown as {
    readonly about: string;
    readonly source: { readonly page: string; readonly repo: string; readonly path: string; readonly commit: string };
    readonly unconfirmed: readonly string[];
    readonly regions: readonly FlexibleServerRegion[];
};

/** The form ARM compares locations in: `West Europe` and `westeurope` are the same region. */
export function normalizeLocation(location: string): string {
    return location.replace(/\s+/g, "").toLowerCase();
}

/** Regions offering Flexible Server in `cloud`. */
export function regionsOf(cloud: Cloud): FlexibleServerRegion[] {
    return regionCatalogue.regions.filter((r) => r.cloud === cloud);
}

/** The key `pulumi/templates`' azure-typescript template sets; used when `entra-postgres:location` is absent. */
export const providerLocationKey = "azure-native:location";

/**
 * Resolves the stack's location: `entra-postgres:location`, else `azure-native:location` (the message then
 * names that key), and checks it is a region offering Flexible Server in `cloud`. The value is kept as
 * written (display or ARM name), so existing stacks see no change of their resources' location.
 */
export function resolveLocation(
    raw: Readonly<Record<string, unknown>>,
    cloud: Cloud | undefined,
): { location?: string; problem?: ConfigProblem } {
    const own = raw["entra-postgres:location"] ?? raw.location;
    const provider = raw[providerLocationKey];
    const fromProvider = (own === undefined || own === null || own === "") && typeof provider === "string" && provider !== "";
    const key = fromProvider ? providerLocationKey : "entra-postgres:location";
    const value = fromProvider ? provider : own;
    if (value === undefined || value === null || value === "") {
        return {
            problem: {
                key,
                message: `is required. Set the Azure region, e.g. \`pulumi config set entra-postgres:location westeurope\` (or ${providerLocationKey}, which is then used).`,
            },
        };
    }
    if (typeof value !== "string") {
        return { problem: { key, message: `must be a string, not ${JSON.stringify(value)}.` } };
    }
    if (!cloud) {
        return { location: value };
    }
    const via = fromProvider ? ` (taken from ${providerLocationKey} because entra-postgres:location is not set)` : "";
    const wanted = normalizeLocation(value);
    const inCloud = regionsOf(cloud);
    if (inCloud.some((r) => r.name === wanted)) {
        return { location: value };
    }
    const elsewhere = regionCatalogue.regions.find((r) => r.name === wanted);
    if (elsewhere) {
        return {
            problem: {
                key,
                message: `"${value}"${via} is a region of the ${elsewhere.cloud} cloud, but entra-postgres:cloud is ${cloud}. Set entra-postgres:cloud to ${elsewhere.cloud} or pick a ${cloud} region.`,
            },
        };
    }
    const near = nearestKey(wanted, inCloud.map((r) => r.name));
    return {
        problem: {
            key,
            message:
                `"${value}"${via} is not a region offering Azure Database for PostgreSQL flexible server in the ${cloud} cloud.` +
                (near ? ` Did you mean "${near}"?` : ` Regions: ${inCloud.map((r) => r.name).join(", ")}.`) +
                ` (Source: ${regionCatalogue.source.page}.)`,
        },
    };
}

/**
 * What the region's row in Learn's table says it does not offer: zone-redundant HA (a `:x:`, not the `$` of a
 * temporary block, which is left to Azure) and geo-redundant backup. Refused at preview instead of at deploy.
 */
export function regionCapabilityProblems(
    location: string,
    cloud: Cloud,
    server: { highAvailability: string; geoRedundantBackup: boolean },
): ConfigProblem[] {
    const region = regionsOf(cloud).find((r) => r.name === normalizeLocation(location));
    if (!region) {
        return [];
    }
    const problems: ConfigProblem[] = [];
    if (server.highAvailability === "ZoneRedundant" && !region.zoneRedundantHa) {
        problems.push({
            key: "entra-postgres:server.highAvailability",
            message: `ZoneRedundant is not offered in ${region.displayName} (${regionCatalogue.source.page}). Use SameZone, or a region with zone-redundant HA.`,
        });
    }
    if (server.geoRedundantBackup && !region.geoRedundantBackup) {
        problems.push({
            key: "entra-postgres:server.geoRedundantBackup",
            message: `geo-redundant backup is not offered in ${region.displayName} (${regionCatalogue.source.page}). Set it to false or pick another region.`,
        });
    }
    return problems;
}
