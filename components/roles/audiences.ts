import type { Cloud } from "../cloud";

export type { Cloud };

/** Clouds this provider can sign in to, in the spelling of the `cloud` input. */
export const supportedClouds: readonly Cloud[] = ["public", "usgov", "china"];

// Audience of database tokens and the Entra sign-in host per cloud (seed 001/004; `az cloud show`).
const cloudIdentity: Readonly<Record<Cloud, { readonly scope: string; readonly authorityHost: string; readonly azCloudName: string }>> = {
    public: {
        scope: "https://ossrdbms-aad.database.windows.net/.default",
        authorityHost: "https://login.microsoftonline.com",
        azCloudName: "AzureCloud",
    },
    usgov: {
        scope: "https://ossrdbms-aad.database.usgovcloudapi.net/.default",
        authorityHost: "https://login.microsoftonline.us",
        azCloudName: "AzureUSGovernment",
    },
    china: {
        scope: "https://ossrdbms-aad.database.chinacloudapi.cn/.default",
        authorityHost: "https://login.chinacloudapi.cn",
        azCloudName: "AzureChinaCloud",
    },
};

/** True when `value` is one of {@link supportedClouds}. */
export function isCloud(value: unknown): value is Cloud {
    return typeof value === "string" && Object.prototype.hasOwnProperty.call(cloudIdentity, value);
}

function identityOf(cloud: Cloud) {
    if (!isCloud(cloud)) {
        throw new Error(`Unknown cloud "${String(cloud)}": expected one of ${supportedClouds.join(", ")}.`);
    }
    return cloudIdentity[cloud];
}

/** The `.default` scope of Azure Database for PostgreSQL tokens in `cloud`, e.g. `https://ossrdbms-aad.database.windows.net/.default`. */
export function scopeForCloud(cloud: Cloud): string {
    return identityOf(cloud).scope;
}

/** The Microsoft Entra sign-in host of `cloud`, passed to DefaultAzureCredential as `authorityHost`. */
export function authorityHostForCloud(cloud: Cloud): string {
    return identityOf(cloud).authorityHost;
}

/** The name `az cloud set --name` expects for `cloud`. */
export function azCloudNameFor(cloud: Cloud): string {
    return identityOf(cloud).azCloudName;
}
