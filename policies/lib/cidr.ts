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

/** Number of addresses in an inclusive range. */
export function rangeSize(range: Ipv4Range): number {
    return range.last - range.first + 1;
}

/** Renders a 32-bit number as a dotted quad. */
export function formatIpv4(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * Address prefixes that mean "any address on the internet" in NSG rules: the wildcard, the `Internet` and
 * `Any` tags, the IPv4 and IPv6 default routes, and `0.0.0.0` (which Azure reads as `0.0.0.0/0`).
 */
const INTERNET_SPELLINGS = new Set(["*", "internet", "any", "0.0.0.0/0", "0.0.0.0", "::/0"]);

/** True when an NSG address prefix admits the whole internet. */
export function isInternetPrefix(prefix: unknown): boolean {
    return typeof prefix === "string" && INTERNET_SPELLINGS.has(prefix.trim().toLowerCase());
}

/** True for the IPv4/IPv6 default route prefix (`0.0.0.0/0`, `::/0`). */
export function isDefaultRoutePrefix(prefix: unknown): boolean {
    return typeof prefix === "string" && ["0.0.0.0/0", "::/0"].includes(prefix.trim());
}
