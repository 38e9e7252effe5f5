import { armIdExamples, ArmIdKind, parseArmId, sameArmId } from "./armId";
import { Cloud, cloudEndpoints } from "./cloud";
import { contains, isNetworkAddress, numberToIp, overlaps, parseCidr, parseIpRange } from "./ip";
import { ExistingNetwork, IpRange, NetworkAccess, networkAccessModes, NetworkConfig } from "./model";
import { Json, Obj, Reader } from "./reader";
import { defaults, keysAt, knownKeys } from "./settings";

/** What the rest of the settings tell the network parser. */
export interface NetworkContext {
    /** Absent when `cloud` itself is invalid: the zone-name checks are then skipped. */
    readonly cloud?: Cloud;
    /** Whether the VM is created (it needs a subnet); absent when `vm` is invalid. */
    readonly vmEnabled?: boolean;
}

type ExistingKey = keyof ExistingNetwork;

/** Which `network.existing` ids each access mode takes: required ones, and those that merely apply. */
const existingIdsPerMode: Record<NetworkAccess, { required: ExistingKey[]; kinds: Partial<Record<ExistingKey, ArmIdKind>> }> = {
    private: { required: ["serverSubnetId", "privateDnsZoneId"], kinds: { serverSubnetId: "subnet", privateDnsZoneId: "privateDnsZone", vmSubnetId: "subnet" } },
    "private-endpoint": { required: ["endpointSubnetId", "privateDnsZoneId"], kinds: { endpointSubnetId: "subnet", privateDnsZoneId: "privateDnsZone", vmSubnetId: "subnet" } },
    public: { required: [], kinds: { vmSubnetId: "subnet" } },
};

const existingIdPurpose: Record<ExistingKey, string> = {
    serverSubnetId: "the subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers",
    vmSubnetId: "the VM's subnet",
    privateDnsZoneId: "the server's private DNS zone",
    endpointSubnetId: "the subnet of the private endpoint",
};

/**
 * The most `network.allowedIps` entries a stack may list; each becomes one server firewall rule. Azure publishes no
 * count limit for Flexible Server firewall rules: the REST spec has none (specification/postgresql/resource-manager/
 * Microsoft.DBforPostgreSQL/stable/2025-08-01/FirewallRules.json at 14bc04bc, a ProxyResource with no maxItems), nor do
 * Learn's "Limits in Azure Database for PostgreSQL" (MicrosoftDocs/azure-databases-docs articles/postgresql/
 * configure-maintain/concepts-limits.md at 0200b8f3) and "Networking overview ... with public access"
 * (articles/postgresql/network/concepts-networking-public.md at 1012b59d). So this bound is the project's, from what
 * Learn does say: every rule is a long-running write that puts the server in "Updating", a rule requested while the
 * server is not "Ready" fails with InternalServerError ("Add firewall rules", articles/postgresql/network/
 * how-to-networking-servers-deployed-public-access-add-firewall-rules.md at 090fe69a), and a change can take five
 * minutes to apply (concepts-networking-public.md). Hundreds of rules make every first deploy long and fragile; a
 * list that long is a range (CIDR) or a private network.
 */
export const maxAllowedIps = 100;

export function parseNetwork(r: Reader, value: Json, context: NetworkContext = {}): NetworkConfig | undefined {
    const obj = r.object(value, "network", knownKeys.network);
    if (!obj) {
        return undefined;
    }
    const d = defaults.network;
    const access = r.oneOf<NetworkAccess>(obj.access, "network.access", networkAccessModes, d.access);
    const addressSpace = r.string(obj.addressSpace, "network.addressSpace", { fallback: d.addressSpace });
    const serverSubnet = r.string(obj.serverSubnet, "network.serverSubnet", { fallback: d.serverSubnet });
    const vmSubnet = r.string(obj.vmSubnet, "network.vmSubnet", { fallback: d.vmSubnet });
    const endpointSubnet = r.string(obj.endpointSubnet, "network.endpointSubnet", { fallback: d.endpointSubnet });
    const allowAzureServices = r.boolean(obj.allowAzureServices, "network.allowAzureServices", d.allowAzureServices);
    const routeTable = r.boolean(obj.routeTable, "network.routeTable", d.routeTable);
    const natGateway = r.boolean(obj.natGateway, "network.natGateway", d.natGateway);
    const existing = parseExisting(r, obj, access, context);
    const dnsZoneLinks = parseDnsZoneLinks(r, obj.dnsZoneLinks, access);

    if (access !== undefined && access !== "private-endpoint" && obj.endpointSubnet !== undefined && obj.endpointSubnet !== null) {
        r.fail("network.endpointSubnet", `only applies to network.access private-endpoint (this stack uses ${access}). Remove it, or set network.access to private-endpoint.`);
    }
    if (access === "private-endpoint" && routeTable && !existing) {
        r.fail("network.routeTable", "only applies to network.access private: with a private endpoint the server is not in a subnet of yours, so there is no server subnet to route. Remove it.");
    }

    // With an existing network no prefix is used, so the prefixes are not checked (they are refused above).
    const prefixes: { key: string; text: string; range: { first: number; last: number } }[] = [];
    const prefixKeys = [["addressSpace", addressSpace, 8], ["serverSubnet", serverSubnet, 8], ["vmSubnet", vmSubnet, 8], ["endpointSubnet", endpointSubnet, 8]] as const;
    for (const [key, text, minLength] of existing ? [] : prefixKeys) {
        if (text === undefined) {
            continue;
        }
        const cidr = parseCidr(text);
        if (!cidr || !isNetworkAddress(text)) {
            r.fail(`network.${key}`, `"${text}" is not a valid IPv4 prefix (network address/length, e.g. 10.20.1.0/24).`);
        } else if (cidr.prefixLength < minLength || cidr.prefixLength > 29) {
            r.fail(`network.${key}`, `"${text}" must be between /${minLength} and /29.`);
        } else if (key === "serverSubnet" && cidr.prefixLength > 28) {
            r.fail("network.serverSubnet", `"${text}" is too small: a delegated Flexible Server subnet needs at least a /28.`);
        } else {
            prefixes.push({ key, text, range: cidr });
        }
    }
    const space = prefixes.find((p) => p.key === "addressSpace");
    const used = access === "private" ? ["serverSubnet", "vmSubnet"] : access === "private-endpoint" ? ["vmSubnet", "endpointSubnet"] : ["vmSubnet"];
    const subnets = prefixes.filter((p) => used.includes(p.key));
    for (const subnet of subnets) {
        if (space && !contains(space.range, subnet.range)) {
            r.fail(`network.${subnet.key}`, `"${subnet.text}" is outside network.addressSpace ${space.text}. Pick a prefix inside it.`);
        }
    }
    if (subnets.length === 2 && overlaps(subnets[0].range, subnets[1].range)) {
        const [first, second] = subnets[0].key === "vmSubnet" ? [subnets[1], subnets[0]] : subnets;
        r.fail("network.vmSubnet", `"${second.text}" overlaps network.${first.key} ${first.text}. Subnets must not overlap.`);
    }

    const allowedIps: IpRange[] = [];
    const ipItems = r.list(obj.allowedIps, "network.allowedIps");
    const privateMode = access === "private" || access === "private-endpoint";
    if (privateMode && ipItems.length > 0) {
        r.fail("network.allowedIps", `has entries but network.access is ${access}: a server with public network access disabled has no firewall. Remove allowedIps or set network.access to public.`);
    }
    if (privateMode && allowAzureServices) {
        r.fail("network.allowAzureServices", "only applies to public access. Remove it or set network.access to public.");
    }
    if (ipItems.length > maxAllowedIps) {
        r.fail("network.allowedIps", `has ${ipItems.length} entries; at most ${maxAllowedIps} are allowed (one server firewall rule each, written one after another while the server is updating). Merge neighbouring addresses into CIDR ranges, or use network.access private or private-endpoint.`);
    }
    (ipItems.length > maxAllowedIps ? [] : ipItems).forEach((item, i) => {
        const path = `network.allowedIps[${i}]`;
        const text = r.string(item, path, { required: "Give an address, a CIDR or a start-end range." });
        if (text === undefined) {
            return;
        }
        const range = parseIpRange(text);
        if (!range) {
            r.fail(path, `"${text}" is not an IPv4 address, CIDR (a.b.c.d/n) or range (a.b.c.d-e.f.g.h).`);
        } else if (range.start === 0 && range.end === 0) {
            r.fail(path, `"${text}" is Azure's "allow all Azure services" rule (any tenant). Remove it; if you really need it set network.allowAzureServices: true.`);
        } else if (range.start === 0 || range.end === 2 ** 32 - 1 || range.end - range.start + 1 > 2 ** 16) {
            r.fail(path, `"${text}" opens the server to the internet at large (over 65,536 addresses). List your clients' addresses or use private access.`);
        } else if (allowedIps.some((a) => a.start === numberToIp(range.start) && a.end === numberToIp(range.end))) {
            r.fail(path, `"${text}" is listed twice. Remove the duplicate.`);
        } else {
            allowedIps.push({ source: text, start: numberToIp(range.start), end: numberToIp(range.end) });
        }
    });
    if (!access || !addressSpace || !serverSubnet || !vmSubnet || !endpointSubnet) {
        return undefined;
    }
    return {
        access, addressSpace, serverSubnet, vmSubnet, endpointSubnet, existing, dnsZoneLinks, allowedIps, allowAzureServices, routeTable, natGateway,
    };
}

/** Settings that describe a network the stack creates, refused beside `network.existing`. */
const createdNetworkKeys = ["addressSpace", "serverSubnet", "vmSubnet", "endpointSubnet", "routeTable", "natGateway"] as const;

/**
 * `network.existing`: ids checked for shape, required and refused per access mode, the zone's name checked
 * against what the mode needs. Returns undefined when the key is absent.
 */
function parseExisting(r: Reader, network: Obj, access: NetworkAccess | undefined, context: NetworkContext): ExistingNetwork | undefined {
    if (network.existing === undefined || network.existing === null) {
        return undefined;
    }
    const obj = r.object(network.existing, "network.existing", keysAt("network.existing"));
    if (!obj) {
        return undefined;
    }
    for (const key of createdNetworkKeys) {
        if (network[key] !== undefined && network[key] !== null) {
            r.fail(`network.${key}`, `describes a network the stack creates, but network.existing is set and the stack creates none. Remove network.${key}, or remove network.existing.`);
        }
    }
    const existing: { -readonly [K in ExistingKey]?: string } = {};
    const mode = access ? existingIdsPerMode[access] : undefined;
    for (const key of keysAt("network.existing") as ExistingKey[]) {
        const path = `network.existing.${key}`;
        const text = r.string(obj[key], path);
        if (text === undefined) {
            continue;
        }
        if (!mode) {
            continue;
        }
        const kind = mode.kinds[key];
        if (!kind) {
            r.fail(path, `does not apply to network.access ${access} (it is ${existingIdPurpose[key]}; ${access} takes ${Object.keys(mode.kinds).map((k) => `existing.${k}`).join(", ")}). Remove it, or change network.access.`);
            continue;
        }
        if (key === "vmSubnetId" && context.vmEnabled === false) {
            r.fail(path, "is set but vm.enabled is false, so no VM uses it. Remove it, or enable the VM.");
            continue;
        }
        const id = parseArmId(text, kind);
        if (!id) {
            const example = armIdExamples[kind];
            r.fail(path, `"${text}" is not ${example.what}. Give the full ARM id, ${example.shape} (\`${example.command}\`).`);
            continue;
        }
        if (kind === "privateDnsZone" && context.cloud && access) {
            const zoneProblem = dnsZoneNameProblem(id.name, access, context.cloud);
            if (zoneProblem) {
                r.fail(path, zoneProblem);
                continue;
            }
        }
        existing[key] = text;
    }
    if (mode) {
        const required: ExistingKey[] = [...mode.required, ...(context.vmEnabled ? ["vmSubnetId" as const] : [])];
        for (const key of required) {
            if (obj[key] === undefined || obj[key] === null || obj[key] === "") {
                r.fail(`network.existing.${key}`, `is required with network.access ${access} and network.existing: it is ${existingIdPurpose[key]}, and the stack creates no network of its own. Set it to the full ARM id (\`${armIdExamples[mode.kinds[key]!].command}\`), or remove network.existing.`);
            }
        }
    }
    return existing;
}

/**
 * Which private DNS zone each mode needs. Private endpoint: exactly the cloud's
 * `privatelink.postgres.database.<suffix>` (Learn, "Azure Private Endpoint private DNS zone values",
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns, Commercial, Government and China tables;
 * recorded in contracts/azure/Microsoft.Network.json, PrivateDnsZoneGroup). VNet integration: a zone whose name
 * ends with the cloud's `private.postgres.database.<suffix>`, the shape the stack itself creates
 * (`<server>.private.postgres.database.<suffix>`). Unconfirmed: the Learn page that states the naming rule of a
 * VNet-integrated server's zone was not available to read; Azure may accept other names ending in
 * `.postgres.database.<suffix>`, which this check then refuses (the safe side: nothing is created with them).
 */
export function dnsZoneNameProblem(zone: string, access: NetworkAccess, cloud: Cloud): string | undefined {
    const name = zone.toLowerCase();
    const endpoints = cloudEndpoints[cloud];
    if (access === "private" && !name.endsWith(`.${endpoints.privateDnsSuffix}`)) {
        return `zone "${zone}" cannot serve a VNet-integrated server in the ${cloud} cloud: its name must end with .${endpoints.privateDnsSuffix} (e.g. <server>.${endpoints.privateDnsSuffix}). Give such a zone's id, or set network.access to private-endpoint if this is a ${endpoints.privateLinkDnsZone} zone.`;
    }
    if (access === "private-endpoint" && name !== endpoints.privateLinkDnsZone) {
        return `zone "${zone}" is not the private endpoint zone of the ${cloud} cloud: a private endpoint of a Flexible Server registers in ${endpoints.privateLinkDnsZone}. Give the id of that zone.`;
    }
    return undefined;
}

/** `network.dnsZoneLinks`: VNet ids, each once, only where the server has a private DNS zone. */
function parseDnsZoneLinks(r: Reader, value: Json, access: NetworkAccess | undefined): string[] {
    const items = r.list(value, "network.dnsZoneLinks");
    if (items.length > 0 && access === "public") {
        r.fail("network.dnsZoneLinks", "has entries but network.access is public: a public server has no private DNS zone to link. Remove dnsZoneLinks, or set network.access to private or private-endpoint.");
        return [];
    }
    const links: string[] = [];
    items.forEach((item, i) => {
        const path = `network.dnsZoneLinks[${i}]`;
        const text = r.string(item, path, { required: "Give a virtual network's full ARM id." });
        if (text === undefined) {
            return;
        }
        if (!parseArmId(text, "virtualNetwork")) {
            const example = armIdExamples.virtualNetwork;
            r.fail(path, `"${text}" is not ${example.what}. Give the full ARM id, ${example.shape} (\`${example.command}\`).`);
        } else if (links.some((l) => sameArmId(l, text))) {
            r.fail(path, `"${text}" is listed twice (ARM ids compare case-insensitively). Remove the duplicate.`);
        } else {
            links.push(text);
        }
    });
    return links;
}
