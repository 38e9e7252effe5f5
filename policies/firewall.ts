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

const LAST_ADDRESS = 2 ** 32 - 1;

/**
 * The name the Azure portal gives the "allow public access from any Azure service" rule (followed by a date
 * suffix there); CIS 5.2.5's audit fails a rule whose name begins with it, and the program names its rule so.
 */
export const AZURE_SERVICES_RULE_NAME = "AllowAllAzureServicesAndResourcesWithinAzureIps";

export const noAzureServicesRule: ResourceValidationPolicy = {
    name: "postgres-firewall-no-azure-services-rule",
    ...cite(`No 0.0.0.0-0.0.0.0 firewall rule, and none named ${AZURE_SERVICES_RULE_NAME}…: Azure reads that range as "allow public access from any Azure service", which admits every tenant's Azure resources, not just yours.`, {
        cis: ["5.2.5"],
        checkov: ["CKV2_AZURE_26"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove the 0.0.0.0 rule (config network.allowAzureServices: false); allow the specific egress addresses of your clients, or use private access.",
    validateResource: onTypes<FirewallRuleInputs>([TYPES.firewallRule], (rule, _args, report) => {
        const range = knownRange(rule);
        if (range !== undefined && range.first === 0 && range.last === 0) {
            report("startIpAddress and endIpAddress are 0.0.0.0 (\"allow all Azure services\"): any Azure resource of any tenant can reach the server. Allow your clients' addresses instead.");
            return;
        }
        const name = setting<string>(rule, "firewallRuleName");
        if (name.known && name.declared && typeof name.value === "string" && name.value.toLowerCase().startsWith(AZURE_SERVICES_RULE_NAME.toLowerCase())) {
            report(`firewallRuleName "${name.value}" is the portal's name for the "allow all Azure services" rule, which CIS 5.2.5 fails by name: give a rule for your own clients' addresses another name.`);
        }
    }),
};

interface RangeConfig {
    maxAddresses: number;
}

export const noInternetWideRange: ResourceValidationPolicy = {
    name: "postgres-firewall-no-internet-range",
    ...cite("Firewall rules admit a bounded set of client addresses: no rule spans more than a configurable number of addresses (default 256, a /24), none starts at 0.0.0.0 or ends at 255.255.255.255 (checkov's reading of an overly permissive rule, whatever its size), and none spans the whole IPv4 internet. The 0.0.0.0-0.0.0.0 rule is postgres-firewall-no-azure-services-rule's.", {
        cis: ["5.2.5"],
        checkov: ["CKV2_AZURE_26"],
        trivy: ["AVD-AZU-0029"],
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
        if (range.first === 0 && range.last === LAST_ADDRESS) {
            report(`The rule admits ${span}, the whole IPv4 internet: allow only the addresses of your clients.`);
            return;
        }
        if (size <= 0) {
            report(`startIpAddress ${formatIpv4(range.first)} is after endIpAddress ${formatIpv4(range.last)}: swap them.`);
            return;
        }
        // checkov CKV2_AZURE_26 fails either bound on its own (0.0.0.0-0.0.0.255 and 255.255.255.0-255.255.255.255
        // included); neither 0.0.0.0/8 nor 255.255.255.255 is any client's address.
        const bounds = [
            ...(range.first === 0 ? ["starts at 0.0.0.0"] : []),
            ...(range.last === LAST_ADDRESS ? ["ends at 255.255.255.255"] : []),
        ];
        const problems = [...bounds, ...(size > maxAddresses ? [`${size} addresses, more than ${maxAddresses}`] : [])];
        if (problems.length === 0) {
            return;
        }
        const fix = bounds.length > 0
            ? "a rule bounded by 0.0.0.0 or 255.255.255.255 is read as open to the internet (checkov CKV2_AZURE_26): list your clients' addresses"
            : "narrow it to your clients' addresses, or raise maxAddresses of this policy in the stack's policy config";
        report(`The rule admits ${span} (${problems.join("; ")}): ${fix}.`);
    }),
};

/** Firewall policies, in pack order. */
export const firewallPolicies: readonly PackPolicy[] = [noAzureServicesRule, noInternetWideRange];
