/**
 * Network security group rules in one shape, whether declared inline on the NSG (`securityRules`) or as
 * standalone `SecurityRule` resources, plus the port and address predicates the rules are judged by.
 */
import { arrayOf, plainProps } from "./props";
import { ciEquals, fold } from "./text";
import { coversInternet, isInternetPrefix, parseCidr, rangesCover, type Ipv4Range } from "./cidr";
import type { NsgInputs, SecurityRuleInputs } from "./types";

/** One NSG rule. Lists are empty and fields `undefined` where the value is not set or not known yet. */
export interface NsgRule {
    /** Rule name, or `#<index>` for an unnamed inline rule. */
    readonly name: string;
    readonly direction?: string;
    readonly access?: string;
    readonly protocol?: string;
    readonly priority?: number;
    readonly sources: readonly string[];
    readonly destinations: readonly string[];
    readonly destinationPorts: readonly string[];
    /** True when a field a rule is judged by (direction, access, addresses, ports) is not known yet. */
    readonly incomplete: boolean;
    /** True for one of Azure's default rules, which every NSG has below its own. */
    readonly isDefault?: boolean;
}

function listOf(single: unknown, many: unknown): { values: string[]; unknown: boolean } {
    const values: string[] = [];
    let unknown = false;
    if (typeof single === "string") {
        values.push(single);
    }
    if (Array.isArray(many)) {
        for (const v of many) {
            if (typeof v === "string") {
                values.push(v);
            } else {
                unknown = true;
            }
        }
    }
    if (values.length === 0) {
        unknown = true;
    }
    return { values, unknown };
}

/** Normalizes one rule's inputs (inline element or standalone resource props, already plain). */
export function normalizeRule(rule: SecurityRuleInputs | Record<string, unknown>, fallbackName: string): NsgRule {
    const r = rule as Record<string, unknown>;
    const sources = listOf(r.sourceAddressPrefix, r.sourceAddressPrefixes);
    const destinations = listOf(r.destinationAddressPrefix, r.destinationAddressPrefixes);
    const ports = listOf(r.destinationPortRange, r.destinationPortRanges);
    const name = typeof r.name === "string" ? r.name : typeof r.securityRuleName === "string" ? r.securityRuleName : fallbackName;
    return {
        name,
        direction: typeof r.direction === "string" ? r.direction : undefined,
        access: typeof r.access === "string" ? r.access : undefined,
        protocol: typeof r.protocol === "string" ? r.protocol : undefined,
        priority: typeof r.priority === "number" ? r.priority : undefined,
        sources: sources.values,
        destinations: destinations.values,
        destinationPorts: ports.values,
        incomplete: r.direction === undefined || r.access === undefined ||
            sources.unknown || destinations.unknown || ports.unknown,
    };
}

/** Rules declared inline on an NSG's props. */
export function inlineRules(nsgProps: unknown): NsgRule[] {
    const props = plainProps<NsgInputs>(nsgProps);
    return arrayOf<Record<string, unknown>>(props.securityRules).map((rule, i) => normalizeRule(rule ?? {}, `#${i}`));
}

/** The rules one resource declares: an NSG's inline rules or a standalone rule; `[]` for other types. */
export function rulesOfResource(type: string, props: unknown, name: string): NsgRule[] {
    if (type === "azure-native:network:NetworkSecurityGroup") {
        return inlineRules(props);
    }
    if (type === "azure-native:network:SecurityRule") {
        return [normalizeRule(plainProps<SecurityRuleInputs>(props), name)];
    }
    return [];
}

/** Parses a port spec (`"443"`, `"1000-2000"`, `"*"`) into an inclusive range. */
function portRange(spec: string): [number, number] | undefined {
    const s = spec.trim();
    if (s === "*") {
        return [0, 65535];
    }
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(s);
    if (!m) {
        return undefined;
    }
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    return [Math.min(low, high), Math.max(low, high)];
}

/** True when any of the rule's destination port specs includes `port`. */
export function coversPort(rule: NsgRule, port: number): boolean {
    return rule.destinationPorts.some((spec) => {
        const range = portRange(spec);
        return range !== undefined && range[0] <= port && port <= range[1];
    });
}

/** True when one of the rule's destination port specs covers every port (`*`, `0-65535`, `1-65535`). */
export function coversAllPorts(rule: NsgRule): boolean {
    return rule.destinationPorts.some((spec) => {
        const range = portRange(spec);
        return range !== undefined && range[0] <= 1 && range[1] >= 65535;
    });
}

/**
 * True when the prefixes together name every address, private ones included: `*`, `Any`, `0.0.0.0/0` (or an
 * IPv6 /0), or CIDRs covering the whole IPv4 space. The `Internet` tag is not every address: it leaves out the
 * virtual network.
 */
export function isAnyAddress(prefixes: readonly string[]): boolean {
    if (prefixes.some((p) => isInternetPrefix(p) && !ciEquals(p, "internet"))) {
        return true;
    }
    const cidrs = prefixes.map(parseCidr).filter((r): r is Ipv4Range => r !== undefined);
    return cidrs.length > 0 && rangesCover(cidrs, { first: 0, last: 2 ** 32 - 1 });
}

/** True when the rule can carry port-based traffic (not ICMP, ESP or AH only). */
export function carriesPorts(rule: NsgRule): boolean {
    return !ciEquals(rule.protocol, "icmp", "esp", "ah");
}

export function isInbound(rule: NsgRule): boolean {
    return ciEquals(rule.direction, "inbound");
}

export function isOutbound(rule: NsgRule): boolean {
    return ciEquals(rule.direction, "outbound");
}

export function isAllow(rule: NsgRule): boolean {
    return ciEquals(rule.access, "allow");
}

export function isDeny(rule: NsgRule): boolean {
    return ciEquals(rule.access, "deny");
}

/**
 * The prefixes of a list that admit the whole internet: a spelling of "anything", or else every CIDR of the
 * list when together they leave no public address out (`0.0.0.0/1` + `128.0.0.0/1`); `[]` otherwise.
 */
export function internetPrefixes(prefixes: readonly string[]): string[] {
    const spelled = prefixes.filter(isInternetPrefix);
    if (spelled.length > 0) {
        return spelled;
    }
    return coversInternet(prefixes) ? prefixes.filter((p) => parseCidr(p) !== undefined) : [];
}

/** The rule's source prefixes that admit the whole internet (alone or together). */
export function internetSources(rule: NsgRule): string[] {
    return internetPrefixes(rule.sources);
}

/** The rule's destination prefixes that admit the whole internet (alone or together). */
export function internetDestinations(rule: NsgRule): string[] {
    return internetPrefixes(rule.destinations);
}

const defaultRule = (name: string, direction: string, access: string, priority: number, source: string, destination: string): NsgRule => ({
    name, direction, access, protocol: "*", priority, sources: [source], destinations: [destination], destinationPorts: ["*"],
    incomplete: false, isDefault: true,
});

/**
 * The default security rules Azure creates in every NSG; they cannot be removed, only overridden by rules with
 * a lower priority number. Microsoft Learn "Network security groups", default security rules
 * (MicrosoftDocs/azure-docs articles/virtual-network/network-security-groups-overview.md at
 * 0088bfa77543e07f8a41771de8db977ddfc62e1d).
 */
export const DEFAULT_RULES: readonly NsgRule[] = [
    defaultRule("AllowVNetInBound", "Inbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork"),
    defaultRule("AllowAzureLoadBalancerInBound", "Inbound", "Allow", 65001, "AzureLoadBalancer", "0.0.0.0/0"),
    defaultRule("DenyAllInbound", "Inbound", "Deny", 65500, "0.0.0.0/0", "0.0.0.0/0"),
    defaultRule("AllowVnetOutBound", "Outbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork"),
    defaultRule("AllowInternetOutBound", "Outbound", "Allow", 65001, "0.0.0.0/0", "Internet"),
    defaultRule("DenyAllOutBound", "Outbound", "Deny", 65500, "0.0.0.0/0", "0.0.0.0/0"),
];

/** One end of a flow, as NSG prefixes can name it. */
export interface Endpoint {
    /** Folded service tags whose address space includes the whole endpoint (e.g. `azureactivedirectory`, `internet`). */
    readonly tags: readonly string[];
    /** True when the endpoint is somewhere on the public internet: CIDRs must cover all public space to match it. */
    readonly publicInternet?: boolean;
    /** Known address ranges of the endpoint (a subnet's or VNet's prefixes), for CIDR prefixes; unknown when absent. */
    readonly ranges?: readonly Ipv4Range[];
}

/** A flow an NSG is asked about. */
export interface Flow {
    readonly direction: "Inbound" | "Outbound";
    readonly protocol: "Tcp" | "Udp";
    readonly port: number;
    readonly source: Endpoint;
    readonly destination: Endpoint;
}

type Match = "yes" | "no" | "unknown";

/** Whether a rule's prefix list certainly includes the whole endpoint. */
function prefixesMatch(prefixes: readonly string[], endpoint: Endpoint): Match {
    if (prefixes.some(isInternetPrefix) && !prefixes.some((p) => ciEquals(p, "internet"))) {
        return "yes";
    }
    if (prefixes.some((p) => endpoint.tags.includes(fold(p) ?? ""))) {
        return "yes";
    }
    if (prefixes.some((p) => ciEquals(p, "internet")) && endpoint.publicInternet) {
        return "yes";
    }
    const cidrs = prefixes.map(parseCidr).filter((r): r is Ipv4Range => r !== undefined);
    if (cidrs.length === 0) {
        return "no";
    }
    if (endpoint.publicInternet) {
        // Somewhere on the internet, at addresses the pack does not list: only a full cover certainly matches.
        return coversInternet(prefixes) ? "yes" : "no";
    }
    if (endpoint.ranges === undefined || endpoint.ranges.length === 0) {
        return "unknown";
    }
    if (endpoint.ranges.every((r) => rangesCover(cidrs, r))) {
        return "yes";
    }
    const overlaps = endpoint.ranges.some((r) => cidrs.some((c) => c.first <= r.last && r.first <= c.last));
    return overlaps ? "unknown" : "no";
}

function ruleMatches(rule: NsgRule, flow: Flow): Match {
    if (rule.incomplete || rule.protocol === undefined) {
        return "unknown";
    }
    if (!ciEquals(rule.protocol, flow.protocol, "*", "any") || !coversPort(rule, flow.port)) {
        return "no";
    }
    const source = prefixesMatch(rule.sources, flow.source);
    const destination = prefixesMatch(rule.destinations, flow.destination);
    if (source === "no" || destination === "no") {
        return "no";
    }
    return source === "yes" && destination === "yes" ? "yes" : "unknown";
}

/** The NSG's decision on a flow and the rule that made it; `unknown` when a rule in the way is not known yet. */
export type FlowVerdict =
    | { readonly access: "Allow" | "Deny"; readonly rule: NsgRule }
    | { readonly access: "unknown"; readonly rule?: NsgRule };

/**
 * Evaluates a flow as Azure does: the NSG's rules of the flow's direction in priority order (lowest number
 * first), then Azure's default rules; the first rule that matches decides. A rule that might match but is not
 * known yet (unknown at preview) makes the verdict unknown.
 */
export function evaluateFlow(rules: readonly NsgRule[], flow: Flow): FlowVerdict {
    const own = rules.filter((r) => r.direction === undefined || ciEquals(r.direction, flow.direction));
    const ordered = [
        ...[...own].sort((a, b) => (a.priority ?? -1) - (b.priority ?? -1)),
        ...DEFAULT_RULES.filter((r) => r.direction === flow.direction),
    ];
    for (const rule of ordered) {
        if (rule.direction === undefined || rule.priority === undefined) {
            if (ruleMatches({ ...rule, direction: flow.direction }, flow) !== "no") {
                return { access: "unknown", rule };
            }
            continue;
        }
        const match = ruleMatches(rule, flow);
        if (match === "no") {
            continue;
        }
        if (match === "unknown") {
            return { access: "unknown", rule };
        }
        if (isAllow(rule)) {
            return { access: "Allow", rule };
        }
        if (isDeny(rule)) {
            return { access: "Deny", rule };
        }
        return { access: "unknown", rule };
    }
    return { access: "unknown" };
}

/** Ranges of the known CIDR prefixes among `prefixes`. */
export function rangesOf(prefixes: readonly unknown[]): Ipv4Range[] {
    return prefixes.map(parseCidr).filter((r): r is Ipv4Range => r !== undefined);
}
