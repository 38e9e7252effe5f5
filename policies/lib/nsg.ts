/**
 * Network security group rules in one shape, whether declared inline on the NSG (`securityRules`) or as
 * standalone `SecurityRule` resources, plus the port and address predicates the rules are judged by.
 */
import { arrayOf, plainProps } from "./props";
import { ciEquals, fold } from "./text";
import { isInternetPrefix } from "./cidr";
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

/** True when the rule applies to TCP traffic (`Tcp` or any protocol). */
export function appliesToTcp(rule: NsgRule): boolean {
    return rule.protocol === undefined || ciEquals(rule.protocol, "tcp", "*", "any");
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

/** The rule's source prefixes that admit the whole internet. */
export function internetSources(rule: NsgRule): string[] {
    return rule.sources.filter(isInternetPrefix);
}

/** The rule's destination prefixes that admit the whole internet. */
export function internetDestinations(rule: NsgRule): string[] {
    return rule.destinations.filter(isInternetPrefix);
}

/** True when a destination prefix list includes the given service tag (case-insensitive). */
export function hasServiceTag(prefixes: readonly string[], tag: string): boolean {
    return prefixes.some((p) => fold(p) === tag.toLowerCase());
}
