import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ConfigProblem } from "../components/config/errors";
import githubRunners from "./githubRunners.json";

/** The namespace of this project's settings (network/Pulumi.yaml `name`). */
export const namespace = "entra-postgres-network";

export type NetworkCloud = "public" | "usgov" | "china";

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

export const knownKeys = ["location", "subscriptionId", "githubDatabaseId", "cloud", "addressSpace", "clientsSubnet", "endpointsSubnet", "runnersSubnet", "tags"];
export const defaults: Record<string, string> = {
    cloud: "public",
    addressSpace: "10.50.0.0/16",
    clientsSubnet: "10.50.1.0/24",
    endpointsSubnet: "10.50.2.0/24",
    runnersSubnet: "10.50.3.0/24",
};

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An IPv4 CIDR as [network address as a number, prefix length], or undefined when it is not one. */
export function parseCidr(value: string): [number, number] | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (octets.some((o) => o > 255) || bits > 32) {
        return undefined;
    }
    const address = octets.reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - bits);
    return address % size === 0 ? [address, bits] : undefined;
}

function contains(outer: [number, number], inner: [number, number]): boolean {
    return inner[1] >= outer[1] && Math.floor(inner[0] / 2 ** (32 - outer[1])) === Math.floor(outer[0] / 2 ** (32 - outer[1]));
}

function overlaps(a: [number, number], b: [number, number]): boolean {
    return contains(a, b) || contains(b, a);
}

/**
 * Validates raw settings (`key` → string as the engine hands them over, without the namespace) and returns the
 * typed config, or throws a ConfigError naming every wrong key and its fix.
 */
export function parseNetworkConfig(stack: string, raw: Record<string, string | undefined>): NetworkProjectConfig {
    const problems: ConfigProblem[] = [];
    const key = (k: string) => `${namespace}:${k}`;
    const value = (k: string): string | undefined => raw[k] ?? defaults[k];

    for (const k of Object.keys(raw)) {
        if (!knownKeys.includes(k)) {
            problems.push({ key: key(k), message: `is not a setting of this project; the settings are ${knownKeys.join(", ")}.` });
        }
    }
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(stack)) {
        problems.push({ key: "stack", message: `the stack name '${stack}' names every resource (entra-postgres-<stack>-vnet): use lower-case letters, digits and '-', at most 31 characters.` });
    }

    const location = value("location");
    const regions = githubRunners.supportedRegions.regions;
    if (!location) {
        problems.push({ key: key("location"), message: "is required: the Azure region of the network, e.g. northeurope." });
    } else if (!regions.includes(location)) {
        problems.push({
            key: key("location"),
            message: `'${location}' is not a region where GitHub-hosted runners can join an Azure VNet; use one of ${regions.join(", ")} (${githubRunners.supportedRegions.source}).`,
        });
    }
    const subscriptionId = value("subscriptionId");
    if (!subscriptionId || !guid.test(subscriptionId)) {
        problems.push({ key: key("subscriptionId"), message: `must be the subscription id (a GUID) the network is deployed to, found '${subscriptionId ?? ""}'.` });
    }
    const githubDatabaseId = value("githubDatabaseId");
    if (!githubDatabaseId || !/^[1-9][0-9]*$/.test(githubDatabaseId)) {
        problems.push({
            key: key("githubDatabaseId"),
            message: `must be the GitHub organization's (or enterprise's) database id, digits only, found '${githubDatabaseId ?? ""}'. Read it with \`gh api graphql -f query='{ organization(login: "<org>") { databaseId } }'\`.`,
        });
    }
    const cloud = value("cloud") as NetworkCloud;
    if (!(cloud in privateLinkZones)) {
        problems.push({ key: key("cloud"), message: `must be public, usgov or china, found '${cloud}'.` });
    }

    const prefixes: Record<string, [number, number] | undefined> = {};
    for (const k of ["addressSpace", "clientsSubnet", "endpointsSubnet", "runnersSubnet"]) {
        const v = value(k)!;
        prefixes[k] = parseCidr(v);
        if (!prefixes[k]) {
            problems.push({ key: key(k), message: `must be an IPv4 prefix on its boundary, e.g. ${defaults[k]}, found '${v}'.` });
        }
    }
    const space = prefixes.addressSpace;
    const subnets = ["clientsSubnet", "endpointsSubnet", "runnersSubnet"];
    for (const [i, k] of subnets.entries()) {
        const p = prefixes[k];
        if (!p || !space) continue;
        if (!contains(space, p)) {
            problems.push({ key: key(k), message: `${value(k)} is outside addressSpace ${value("addressSpace")}: pick a prefix inside it.` });
        }
        for (const other of subnets.slice(i + 1)) {
            const q = prefixes[other];
            if (q && overlaps(p, q)) {
                problems.push({ key: key(k), message: `${value(k)} overlaps ${other} ${value(other)}: subnets of one VNet must not overlap.` });
            }
        }
    }

    let tags: Record<string, string> = {};
    if (raw.tags !== undefined) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw.tags);
        } catch {
            parsed = undefined;
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
            problems.push({ key: key("tags"), message: "must be a map of tag names to string values." });
        } else {
            tags = parsed as Record<string, string>;
        }
    }

    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return {
        stack,
        location: location!,
        subscriptionId: subscriptionId!.toLowerCase(),
        githubDatabaseId: githubDatabaseId!,
        cloud,
        addressSpace: value("addressSpace")!,
        clientsSubnet: value("clientsSubnet")!,
        endpointsSubnet: value("endpointsSubnet")!,
        runnersSubnet: value("runnersSubnet")!,
        tags,
    };
}

/** The running stack's settings, validated. */
export function loadNetworkConfig(): NetworkProjectConfig {
    const prefix = `${namespace}:`;
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
        if (k.startsWith(prefix)) {
            raw[k.slice(prefix.length)] = v;
        }
    }
    return parseNetworkConfig(pulumi.getStack(), raw);
}
