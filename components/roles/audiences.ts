import { cloudEndpoints, clouds, type Cloud } from "../cloud";

export type { Cloud };

/** True when `value` is one of {@link clouds} (the clouds this provider can sign in to). Inputs reach the provider unchecked, so it asks. */
export function isCloud(value: unknown): value is Cloud {
    return typeof value === "string" && (clouds as readonly string[]).includes(value);
}

function endpointsOf(cloud: Cloud) {
    if (!isCloud(cloud)) {
        throw new Error(`Unknown cloud "${String(cloud)}": expected one of ${clouds.join(", ")}.`);
    }
    return cloudEndpoints[cloud];
}

/** The `.default` scope of Azure Database for PostgreSQL tokens in `cloud`, e.g. `https://ossrdbms-aad.database.windows.net/.default`. */
export function scopeForCloud(cloud: Cloud): string {
    return `${endpointsOf(cloud).tokenResource}/.default`;
}

/** The Microsoft Entra sign-in host of `cloud`, passed to DefaultAzureCredential as `authorityHost`. */
export function authorityHostForCloud(cloud: Cloud): string {
    return endpointsOf(cloud).authorityHost;
}

/** The name `az cloud set --name` expects for `cloud`. */
export function azCloudNameFor(cloud: Cloud): string {
    return endpointsOf(cloud).azCloudName;
}
