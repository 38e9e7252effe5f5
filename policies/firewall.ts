/**
 * Policies on PostgreSQL flexible server firewall rules (public access only).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { formatIpv4, parseIpv4 } from "./lib/cidr";
import { cite, onTypes, type PackPolicy } from "./lib/policy";
import { setting } from "./lib/props";
import { TYPES, type FirewallRuleInputs } from "./lib/types";

/** The rule's range when both ends are known addresses; `undefined` otherwise (unknown at preview). */
function knownRange(rule: FirewallRuleInputs): { first: number; last: number } | undefined {
    const start = setting<string>(rule, "startIpAddress");
    const end = setting<string>(rule, "endIpAddress");
    if (!start.known || !start.declared || !end.known || !end.declared) {
        return undefined;
    }
    const first = parseIpv4(start.value);
    const last = parseIpv4(end.value);
    return first === undefined || last === undefined ? undefined : { first, last };
}

export const noAzureServicesRule: ResourceValidationPolicy = {
    name: "postgres-firewall-no-azure-services-rule",
    ...cite("No 0.0.0.0-0.0.0.0 firewall rule: Azure reads it as \"allow public access from any Azure service\", which admits every tenant's Azure resources, not just yours.", {
        cis: ["5.2.5"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove the 0.0.0.0 rule; allow the specific egress addresses of your clients, or use private access.",
    validateResource: onTypes<FirewallRuleInputs>([TYPES.firewallRule], (rule, _args, report) => {
        const range = knownRange(rule);
        if (range !== undefined && range.first === 0 && range.last === 0) {
            report("startIpAddress and endIpAddress are 0.0.0.0 (\"allow all Azure services\"): any Azure resource of any tenant can reach the server. Allow your clients' addresses instead.");
        }
    }),
};

interface RangeConfig {
    maxAddresses: number;
}

export const noInternetWideRange: ResourceValidationPolicy = {
    name: "postgres-firewall-no-internet-range",
    ...cite("Firewall rules admit a bounded set of client addresses: no rule spans more than a configurable number of addresses (default 256, a /24), and none spans the whole IPv4 internet.", {
        cis: ["5.2.5"],
        checkov: ["CKV2_AZURE_26"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Narrow startIpAddress-endIpAddress to the client addresses that need access, or use private access.",
    configSchema: {
        properties: {
            maxAddresses: { type: "integer", minimum: 1, default: 256, description: "Most addresses one firewall rule may admit." },
        },
    },
    validateResource: onTypes<FirewallRuleInputs>([TYPES.firewallRule], (rule, args, report) => {
        const { maxAddresses } = args.getConfig<RangeConfig>();
        const range = knownRange(rule);
        if (range === undefined || (range.first === 0 && range.last === 0)) {
            return;
        }
        const size = range.last - range.first + 1;
        const span = `${formatIpv4(range.first)}-${formatIpv4(range.last)}`;
        if (range.first === 0 && range.last === 2 ** 32 - 1) {
            report(`The rule admits ${span}, the whole IPv4 internet: allow only the addresses of your clients.`);
        } else if (size > maxAddresses) {
            report(`The rule admits ${span} (${size} addresses, more than ${maxAddresses}): narrow it to your clients' addresses, or raise maxAddresses of this policy in the stack's policy config.`);
        } else if (size <= 0) {
            report(`startIpAddress ${formatIpv4(range.first)} is after endIpAddress ${formatIpv4(range.last)}: swap them.`);
        }
    }),
};

/** Firewall policies, in pack order. */
export const firewallPolicies: readonly PackPolicy[] = [noAzureServicesRule, noInternetWideRange];
