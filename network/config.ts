import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../components/config/errors";
import { contains, isNetworkAddress, overlaps, parseCidr, type Cidr } from "../components/config/ip";
import { guidPattern, Reader } from "../components/config/reader";
import { parseTags } from "../components/config/tags";
import githubRunners from "./githubRunners.json";

/** The namespace of this project's settings (network/Pulumi.yaml `name`). */
export const namespace = "entra-postgres-network";

export const networkClouds = ["public", "usgov", "china"] as const;
export type NetworkCloud = (typeof networkClouds)[number];

/**
 * Private DNS zone of PostgreSQL Flexible Server private endpoints per cloud. Learn: "Azure Private Endpoint
 * private DNS zone values", https://learn.microsoft.com/azure/private-link/private-endpoint-dns (Databases,
 * Azure Database for PostgreSQL - Flexible server, sub-resource postgresqlServer).
 */
export const privateLinkZones: Record<NetworkCloud, string> = {
    public: "privatelink.postgres.database.azure.com",
    usgov: "privatelink.postgres.database.usgovcloudapi.net",
    china: "privatelink.postgres.database.chinacloudapi.cn",
};

/** Validated settings of one network stack. */
export interface NetworkProjectConfig {
    readonly stack: string;
    readonly location: string;
    readonly subscriptionId: string;
    readonly githubDatabaseId: string;
    readonly cloud: NetworkCloud;
    readonly addressSpace: string;
    readonly clientsSubnet: string;
    readonly endpointsSubnet: string;
    readonly runnersSubnet: string;
    readonly tags: Record<string, string>;
}

const prefixKeys = ["addressSpace", "clientsSubnet", "endpointsSubnet", "runnersSubnet"] as const;
type PrefixKey = (typeof prefixKeys)[number];

export const knownKeys = ["location", "subscriptionId", "githubDatabaseId", "cloud", "addressSpace", "clientsSubnet", "endpointsSubnet", "runnersSubnet", "tags"];
export const defaults: { cloud: NetworkCloud } & Record<PrefixKey, string> = {
    cloud: "public",
    addressSpace: "10.50.0.0/16",
    clientsSubnet: "10.50.1.0/24",
    endpointsSubnet: "10.50.2.0/24",
    runnersSubnet: "10.50.3.0/24",
};

/**
 * Validates raw settings (keys with or without the `entra-postgres-network:` prefix, values as the engine hands
 * them over) and returns the typed config, or throws a ConfigError naming every wrong key and its fix. Read with
 * the database stack's reader (components/config/reader.ts), so unknown keys, value types and messages are the
 * same in both projects.
 */
export function parseNetworkConfig(stack: string, raw: Readonly<Record<string, unknown>>): NetworkProjectConfig {
    const r = new Reader(namespace);
    const top = r.settings(raw, knownKeys);
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(stack)) {
        r.problems.push({ key: "stack", message: `the stack name '${stack}' names every resource (entra-postgres-<stack>-vnet): use lower-case letters, digits and '-', at most 31 characters.` });
    }

    const regions = githubRunners.supportedRegions.regions;
    const location = r.string(top.location, "location", { required: "Set it to the Azure region of the network, e.g. northeurope." });
    if (location !== undefined && !regions.includes(location)) {
        r.fail("location", `"${location}" is not a region where GitHub-hosted runners can join an Azure VNet; use one of ${regions.join(", ")} (${githubRunners.supportedRegions.source}).`);
    }
    const subscriptionId = r.string(top.subscriptionId, "subscriptionId", { required: "Set it to the subscription id (a GUID) the network is deployed to." });
    if (subscriptionId !== undefined && !guidPattern.test(subscriptionId)) {
        r.fail("subscriptionId", `"${subscriptionId}" is not a GUID: set the subscription id the network is deployed to.`);
    }
    const readDatabaseId = "Read it with `gh api graphql -f query='{ organization(login: \"<org>\") { databaseId } }'`.";
    const githubDatabaseId = r.string(top.githubDatabaseId, "githubDatabaseId", { required: `Set it to the GitHub organization's (or enterprise's) database id. ${readDatabaseId}` });
    if (githubDatabaseId !== undefined && !/^[1-9][0-9]*$/.test(githubDatabaseId)) {
        r.fail("githubDatabaseId", `must be the GitHub organization's (or enterprise's) database id, digits only, found "${githubDatabaseId}". ${readDatabaseId}`);
    }
    const cloud = r.oneOf(top.cloud, "cloud", networkClouds, defaults.cloud);

    const prefixes: Partial<Record<PrefixKey, Cidr>> = {};
    const texts: Partial<Record<PrefixKey, string>> = {};
    for (const k of prefixKeys) {
        const text = r.string(top[k], k, { fallback: defaults[k] });
        if (text === undefined) {
            continue;
        }
        const cidr = parseCidr(text);
        if (!cidr || !isNetworkAddress(text)) {
            r.fail(k, `"${text}" is not a valid IPv4 prefix (network address/length, e.g. ${defaults[k]}).`);
            continue;
        }
        prefixes[k] = cidr;
        texts[k] = text;
    }
    const space = prefixes.addressSpace;
    const subnets = ["clientsSubnet", "endpointsSubnet", "runnersSubnet"] as const;
    for (const [i, k] of subnets.entries()) {
        const p = prefixes[k];
        if (!p || !space) continue;
        if (!contains(space, p)) {
            r.fail(k, `"${texts[k]}" is outside addressSpace ${texts.addressSpace}. Pick a prefix inside it.`);
        }
        for (const other of subnets.slice(i + 1)) {
            const q = prefixes[other];
            if (q && overlaps(p, q)) {
                r.fail(k, `"${texts[k]}" overlaps ${other} ${texts[other]}: subnets of one VNet must not overlap.`);
            }
        }
    }

    // This project sets no tags of its own, so none is reserved; Azure's rules on names and values still apply.
    const tags = parseTags(r, top.tags, []);

    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return {
        stack,
        location: location!,
        subscriptionId: subscriptionId!.toLowerCase(),
        githubDatabaseId: githubDatabaseId!,
        cloud: cloud!,
        addressSpace: texts.addressSpace!,
        clientsSubnet: texts.clientsSubnet!,
        endpointsSubnet: texts.endpointsSubnet!,
        runnersSubnet: texts.runnersSubnet!,
        tags,
    };
}

/** The running stack's settings, validated. */
export function loadNetworkConfig(): NetworkProjectConfig {
    return parseNetworkConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
