/** IPv4 helpers for firewall ranges and subnet prefixes. */

export interface Cidr {
    readonly text: string;
    readonly first: number;
    readonly last: number;
    readonly prefixLength: number;
}

const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const ipv4Pattern = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`);

export function isIpv4(text: string): boolean {
    return ipv4Pattern.test(text);
}

export function ipToNumber(ip: string): number {
    return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

export function numberToIp(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Parses `a.b.c.d/n`; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
    const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
    if (!match || !isIpv4(match[1])) {
        return undefined;
    }
    const prefixLength = Number(match[2]);
    if (prefixLength > 32) {
        return undefined;
    }
    const size = 2 ** (32 - prefixLength);
    const first = Math.floor(ipToNumber(match[1]) / size) * size;
    return { text, first, last: first + size - 1, prefixLength };
}

/** True when the address part of a CIDR is its network address (`10.0.1.0/24`, not `10.0.1.5/24`). */
export function isNetworkAddress(text: string): boolean {
    const cidr = parseCidr(text);
    return cidr !== undefined && ipToNumber(text.split("/")[0]) === cidr.first;
}

export function overlaps(a: { first: number; last: number }, b: { first: number; last: number }): boolean {
    return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: { first: number; last: number }, inner: { first: number; last: number }): boolean {
    return outer.first <= inner.first && inner.last <= outer.last;
}

/** Parses a firewall entry: one address, a CIDR, or `start-end`. */
export function parseIpRange(text: string): { start: number; end: number } | undefined {
    if (isIpv4(text)) {
        const n = ipToNumber(text);
        return { start: n, end: n };
    }
    if (text.includes("/")) {
        const cidr = parseCidr(text);
        return cidr && { start: cidr.first, end: cidr.last };
    }
    const parts = text.split("-").map((s) => s.trim());
    if (parts.length === 2 && isIpv4(parts[0]) && isIpv4(parts[1])) {
        const start = ipToNumber(parts[0]);
        const end = ipToNumber(parts[1]);
        return start <= end ? { start, end } : undefined;
    }
    return undefined;
}
