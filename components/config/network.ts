import { contains, isNetworkAddress, numberToIp, overlaps, parseCidr, parseIpRange } from "./ip";
import { IpRange, NetworkConfig } from "./model";
import { Json, Reader } from "./reader";
import { allowedValues, defaults, knownKeys } from "./settings";

export function parseNetwork(r: Reader, value: Json): NetworkConfig | undefined {
    const obj = r.object(value, "network", knownKeys.network);
    if (!obj) {
        return undefined;
    }
    const d = defaults.network;
    const access = r.oneOf(obj.access, "network.access", allowedValues("network.access"), d.access);
    const addressSpace = r.string(obj.addressSpace, "network.addressSpace", { fallback: d.addressSpace });
    const serverSubnet = r.string(obj.serverSubnet, "network.serverSubnet", { fallback: d.serverSubnet });
    const vmSubnet = r.string(obj.vmSubnet, "network.vmSubnet", { fallback: d.vmSubnet });
    const allowAzureServices = r.boolean(obj.allowAzureServices, "network.allowAzureServices", d.allowAzureServices);
    const routeTable = r.boolean(obj.routeTable, "network.routeTable", d.routeTable);
    const natGateway = r.boolean(obj.natGateway, "network.natGateway", d.natGateway);

    const prefixes: { key: string; text: string; range: { first: number; last: number } }[] = [];
    for (const [key, text, minLength] of [["addressSpace", addressSpace, 8], ["serverSubnet", serverSubnet, 8], ["vmSubnet", vmSubnet, 8]] as const) {
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
    const subnets = prefixes.filter((p) => p.key !== "addressSpace" && (access === "private" || p.key === "vmSubnet"));
    for (const subnet of subnets) {
        if (space && !contains(space.range, subnet.range)) {
            r.fail(`network.${subnet.key}`, `"${subnet.text}" is outside network.addressSpace ${space.text}. Pick a prefix inside it.`);
        }
    }
    if (subnets.length === 2 && overlaps(subnets[0].range, subnets[1].range)) {
        r.fail("network.vmSubnet", `"${subnets[1].text}" overlaps network.serverSubnet ${subnets[0].text}. Subnets must not overlap.`);
    }

    const allowedIps: IpRange[] = [];
    const ipItems = r.list(obj.allowedIps, "network.allowedIps");
    if (access === "private" && ipItems.length > 0) {
        r.fail("network.allowedIps", "has entries but network.access is private: a VNet-integrated server has no firewall. Remove allowedIps or set network.access to public.");
    }
    if (access === "private" && allowAzureServices) {
        r.fail("network.allowAzureServices", "only applies to public access. Remove it or set network.access to public.");
    }
    ipItems.forEach((item, i) => {
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
    if (!access || !addressSpace || !serverSubnet || !vmSubnet) {
        return undefined;
    }
    return { access, addressSpace, serverSubnet, vmSubnet, allowedIps, allowAzureServices, routeTable, natGateway };
}
