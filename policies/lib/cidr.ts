/**
 * IPv4 addresses, ranges and the "whole internet" spellings that NSG rules, routes and firewall rules use.
 */

/** An inclusive IPv4 range as unsigned 32-bit numbers. */
export interface Ipv4Range {
    readonly first: number;
    readonly last: number;
}

/** Parses a dotted-quad IPv4 address; `undefined` when it is not one. */
export function parseIpv4(text: unknown): number | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const parts = text.trim().split(".");
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
        return undefined;
    }
    return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Parses `a.b.c.d/n` or a bare address (a /32). `undefined` for service tags and malformed text. */
export function parseCidr(text: unknown): Ipv4Range | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const [address, bits, extra] = text.trim().split("/");
    const base = parseIpv4(address);
    if (base === undefined || extra !== undefined) {
        return undefined;
    }
    const prefix = bits === undefined ? 32 : /^\d{1,2}$/.test(bits) ? Number(bits) : NaN;
    if (!(prefix >= 0 && prefix <= 32)) {
        return undefined;
    }
    const size = 2 ** (32 - prefix);
    const first = Math.floor(base / size) * size;
    return { first, last: first + size - 1 };
}

/** Renders a 32-bit number as a dotted quad. */
export function formatIpv4(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * Address prefixes that mean "any address on the internet" in NSG rules: the wildcard, the `Internet` and
 * `Any` tags, the IPv4 default route, and `0.0.0.0` (which Azure reads as `0.0.0.0/0`); the IPv6 default
 * route in any spelling is matched by {@link isIpv6DefaultPrefix}.
 */
const INTERNET_SPELLINGS = new Set(["*", "internet", "any", "0.0.0.0/0", "0.0.0.0"]);

/**
 * True for an IPv6 prefix of length 0 however its address is written (`::/0`, `0:0:0:0:0:0:0:0/0`, trivy's
 * `0000:0000:0000:0000:0000:0000:0000:0000/0`): every IPv6 address.
 */
export function isIpv6DefaultPrefix(prefix: unknown): boolean {
    return typeof prefix === "string" && /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\/0$/i.test(prefix.trim());
}

/** True when an NSG address prefix admits the whole internet. */
export function isInternetPrefix(prefix: unknown): boolean {
    return typeof prefix === "string" && (INTERNET_SPELLINGS.has(prefix.trim().toLowerCase()) || isIpv6DefaultPrefix(prefix));
}

/** True for the IPv4/IPv6 default route prefix (`0.0.0.0/0`, `::/0` in any spelling). */
export function isDefaultRoutePrefix(prefix: unknown): boolean {
    return typeof prefix === "string" && (prefix.trim() === "0.0.0.0/0" || isIpv6DefaultPrefix(prefix));
}

/**
 * IPv4 ranges that are not public internet addresses (RFC 6890 special-purpose blocks: "this network",
 * private, shared, loopback, link-local, documentation, benchmarking, multicast and reserved). A set of
 * prefixes "covers the internet" when, together with these, it leaves no address out.
 */
export const NON_PUBLIC_IPV4: readonly string[] = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4",
];

const NON_PUBLIC_RANGES: readonly Ipv4Range[] = NON_PUBLIC_IPV4.map((p) => parseCidr(p)!);

/** The ranges merged into sorted, non-overlapping, non-adjacent ranges. */
export function mergeRanges(ranges: readonly Ipv4Range[]): Ipv4Range[] {
    const sorted = [...ranges].sort((a, b) => a.first - b.first);
    const merged: Ipv4Range[] = [];
    for (const r of sorted) {
        const last = merged[merged.length - 1];
        if (last !== undefined && r.first <= last.last + 1) {
            merged[merged.length - 1] = { first: last.first, last: Math.max(last.last, r.last) };
        } else {
            merged.push({ ...r });
        }
    }
    return merged;
}

/** True when `ranges` together contain every address of `target`. */
export function rangesCover(ranges: readonly Ipv4Range[], target: Ipv4Range): boolean {
    let next = target.first;
    for (const r of mergeRanges(ranges)) {
        if (r.first > next) {
            break;
        }
        next = Math.max(next, r.last + 1);
        if (next > target.last) {
            return true;
        }
    }
    return next > target.last;
}

/**
 * True when the address prefixes (NSG or route prefixes; service tags other than the internet spellings are
 * ignored) together admit the whole public IPv4 internet: one spelling of "anything" (`*`, `Internet`,
 * `0.0.0.0/0`), or CIDRs such as `0.0.0.0/1` + `128.0.0.0/1` that leave out no public address.
 */
export function coversInternet(prefixes: readonly unknown[]): boolean {
    if (prefixes.some(isInternetPrefix)) {
        return true;
    }
    const ranges = prefixes.map(parseCidr).filter((r): r is Ipv4Range => r !== undefined);
    return ranges.length > 0 && rangesCover([...ranges, ...NON_PUBLIC_RANGES], { first: 0, last: 2 ** 32 - 1 });
}
