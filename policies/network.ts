/**
 * Policies on network security groups, subnets and routes.
 */
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { StackIndex } from "./lib/graph";
import { isDefaultRoutePrefix } from "./lib/cidr";
import {
    carriesPorts,
    coversAllPorts,
    coversPort,
    internetDestinations,
    evaluateFlow,
    internetPrefixes,
    internetSources,
    isAnyAddress,
    isDeny,
    rangesOf,
    type Endpoint,
    isAllow,
    isInbound,
    isOutbound,
    rulesOfResource,
    type NsgRule,
} from "./lib/nsg";
import { cite, onTypes, withStack, type PackPolicy } from "./lib/policy";
import { arrayOf, hasKey } from "./lib/props";
import { AZURE_POLICY } from "./lib/sources";
import { ciEquals, fold } from "./lib/text";
import { TYPES, type RouteInputs, type RouteTableInputs, type SubnetInputs, type VirtualNetworkInputs } from "./lib/types";

const RULE_TYPES = [TYPES.nsg, TYPES.securityRule];

/** The NSG rules a resource declares (inline on an NSG, or a standalone rule). */
function declaredRules(args: ResourceValidationArgs): NsgRule[] {
    return rulesOfResource(args.type, args.props, args.name);
}

/** Well-known names of the sensitive ports, for messages. */
const PORT_NAMES: Record<number, string> = { 22: "SSH", 3389: "RDP", 5432: "PostgreSQL" };

function portNames(ports: readonly number[]): string {
    return ports.map((p) => (PORT_NAMES[p] ? `${p} (${PORT_NAMES[p]})` : String(p))).join(", ");
}

interface SensitivePortsConfig {
    ports: number[];
}

export const noInternetInboundSensitivePorts: ResourceValidationPolicy = {
    name: "nsg-no-internet-inbound-sensitive-ports",
    ...cite("No NSG rule allows inbound traffic from the internet (*, 0.0.0.0/0, ::/0, Internet, Any, or CIDRs that together cover every public address, in one rule or across the NSG's rules) to SSH, RDP or PostgreSQL (configurable ports: 22, 3389, 5432).", {
        cis: ["7.1", "7.2"],
        checkov: ["CKV_AZURE_9", "CKV_AZURE_10"],
        trivy: ["AVD-AZU-0048", "AVD-AZU-0050", "AVD-AZU-0074"],
    }),
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Restrict the rule's source to known address ranges or reach the VM through Azure Bastion or a VPN.",
    configSchema: {
        properties: {
            ports: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                default: [22, 3389, 5432],
                description: "Destination ports that must never be open to the internet.",
            },
        },
    },
    validateResource: onTypes<unknown>(RULE_TYPES, (_props, args, report) => {
        const { ports } = args.getConfig<SensitivePortsConfig>();
        const allows = declaredRules(args).filter((rule) => isInbound(rule) && isAllow(rule) && carriesPorts(rule));
        const flagged = new Set<string>();
        for (const rule of allows) {
            const from = internetSources(rule);
            const exposed = ports.filter((port) => coversPort(rule, port));
            if (from.length > 0 && exposed.length > 0) {
                flagged.add(rule.name);
                report(`Rule "${rule.name}" allows inbound traffic from ${from.map((s) => `"${s}"`).join(", ")} to port ${portNames(exposed)}: restrict its source to known ranges or use Bastion/VPN.`);
            }
        }
        // Rules that each admit part of the internet can admit all of it together (0.0.0.0/1 in one, 128.0.0.0/1 in another).
        for (const port of ports) {
            const open = allows.filter((rule) => coversPort(rule, port) && !flagged.has(rule.name));
            if (open.length > 1 && internetPrefixes(open.flatMap((rule) => rule.sources)).length > 0) {
                report(`Rules ${open.map((r) => `"${r.name}"`).join(", ")} together allow inbound traffic from the whole internet to port ${portNames([port])}: restrict their sources to known ranges or use Bastion/VPN.`);
            }
        }
    }),
};

export const noInternetInbound: ResourceValidationPolicy = {
    name: "nsg-no-internet-inbound",
    ...cite("No NSG rule allows inbound traffic from the whole internet (*, 0.0.0.0/0, ::/0, Internet, Any, or CIDRs that together cover every public address) to any port.", {
        cis: ["7.3", "7.4"],
        checkov: ["CKV_AZURE_77", "CKV_AZURE_160"],
        trivy: ["AVD-AZU-0047", "AVD-AZU-0074"],
        psrule: ["Azure.NSG.AnyInboundSource"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Restrict the rule's source to the address ranges that need access.",
    validateResource: onTypes<unknown>(RULE_TYPES, (_props, args, report) => {
        for (const rule of declaredRules(args)) {
            const from = internetSources(rule);
            if (isInbound(rule) && isAllow(rule) && from.length > 0) {
                report(`Rule "${rule.name}" allows inbound ${rule.protocol ?? "traffic"} from ${from.map((s) => `"${s}"`).join(", ")} to port ${rule.destinationPorts.join(", ") || "(unknown)"}: restrict its source.`);
            }
        }
    }),
};

export const noUnrestrictedOutbound: ResourceValidationPolicy = {
    name: "nsg-no-unrestricted-outbound",
    ...cite("No NSG rule allows outbound traffic to the whole internet (*, 0.0.0.0/0, ::/0, Internet, Any, or CIDRs that together cover every public address); outbound allows name service tags or ranges, such as AzureActiveDirectory for Entra sign-in.", {
        trivy: ["AVD-AZU-0051"],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Replace the destination with the service tags or ranges the workload needs (e.g. AzureActiveDirectory, Storage).",
    validateResource: onTypes<unknown>(RULE_TYPES, (_props, args, report) => {
        for (const rule of declaredRules(args)) {
            const to = internetDestinations(rule);
            if (isOutbound(rule) && isAllow(rule) && to.length > 0) {
                report(`Rule "${rule.name}" allows outbound traffic to ${to.map((d) => `"${d}"`).join(", ")}: name the service tags or ranges the workload needs instead.`);
            }
        }
    }),
};

/** Subnets Azure does not let you (or need you to) attach an NSG to. */
const NSG_EXEMPT_SUBNETS = ["gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "routeserversubnet"];

export const subnetHasNsg: ResourceValidationPolicy = {
    name: "subnet-nsg-required",
    ...cite("Every subnet is associated with a network security group (decided on presence: the NSG id is unknown at preview). Gateway, firewall and route server subnets are exempt.", {
        azurePolicy: [AZURE_POLICY.subnetNsg],
        checkov: ["CKV2_AZURE_31"],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set networkSecurityGroup: { id } on the subnet.",
    validateResource: onTypes<SubnetInputs & VirtualNetworkInputs>([TYPES.subnet, TYPES.virtualNetwork], (props, args, report) => {
        const subnets: { name: string; props: Record<string, unknown> }[] = args.type === TYPES.subnet
            ? [{ name: typeof props.subnetName === "string" ? props.subnetName : args.name, props: props as Record<string, unknown> }]
            : arrayOf<Record<string, unknown>>(props.subnets).map((s, i) => ({ name: typeof s?.name === "string" ? s.name : `#${i}`, props: s ?? {} }));
        for (const subnet of subnets) {
            if (NSG_EXEMPT_SUBNETS.includes(fold(subnet.name) ?? "")) {
                continue;
            }
            if (!hasKey(subnet.props, "networkSecurityGroup")) {
                report(`Subnet "${subnet.name}" has no network security group: set networkSecurityGroup.`);
            }
        }
    }),
};

export const noDefaultRouteToInternet: ResourceValidationPolicy = {
    name: "route-no-default-internet",
    ...cite("No route sends the default route (0.0.0.0/0) straight to the Internet next hop, bypassing whatever inspects egress; service-tag routes such as AzureActiveDirectory → Internet stay allowed.", {
        basis: "no public rule set checks routes; this keeps a route table from opening a path around egress inspection",
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Route 0.0.0.0/0 to your firewall (VirtualAppliance) or leave the system route; add service-tag routes for what must go straight out.",
    validateResource: onTypes<RouteTableInputs & RouteInputs>([TYPES.routeTable, TYPES.route], (props, args, report) => {
        const routes: RouteInputs[] = args.type === TYPES.routeTable ? arrayOf<RouteInputs>(props.routes) : [props];
        routes.forEach((route, i) => {
            if (isDefaultRoutePrefix(route?.addressPrefix) && ciEquals(route?.nextHopType, "Internet")) {
                report(`Route "${route?.name ?? (args.type === TYPES.route ? args.name : `#${i}`)}" sends ${route?.addressPrefix} to the Internet next hop: route it through your egress firewall instead.`);
            }
        });
    }),
};

interface LateralConfig {
    ports: number[];
    require: "all" | "any";
}

/** The VNets (address spaces) an NSG filters: those of the stack's subnets associated with it. */
function filteredRanges(index: StackIndex, nsg: PolicyResource) {
    const prefixes = index.ofType(TYPES.subnet)
        .filter((subnet) => index.nsgOfSubnet(subnet) === nsg)
        .map((subnet) => index.vnetOfSubnet(subnet))
        .filter((vnet): vnet is PolicyResource => vnet !== undefined)
        .flatMap((vnet) => arrayOf<unknown>(index.props<VirtualNetworkInputs>(vnet).addressSpace?.addressPrefixes));
    return rangesOf(prefixes);
}

export const lateralTraversal: StackValidationPolicy = {
    name: "nsg-lateral-traversal",
    ...cite("NSGs deny outbound management connections inside the virtual network: outbound TCP 22 (SSH) and 3389 (RDP) to VirtualNetwork is denied, evaluated as Azure does (rules by priority, then the default AllowVnetOutBound, which allows it). By default both ports must be denied; PSRule passes when either is (require: \"any\").", {
        psrule: ["Azure.NSG.LateralTraversal"],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Add an outbound rule: Deny, Tcp, destination VirtualNetwork, ports 22 and 3389, with a priority number below the rules that allow VNet traffic (jump hosts and Bastion subnets excepted).",
    configSchema: {
        properties: {
            ports: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                minItems: 1,
                default: [22, 3389],
                description: "Management ports whose outbound traffic to the virtual network must be denied.",
            },
            require: {
                type: "string",
                enum: ["all", "any"],
                default: "all",
                description: "\"all\": every port must be denied; \"any\": one denied port suffices (PSRule's reading).",
            },
        },
    },
    validateStack: withStack(TYPES.nsg, (index, args, report) => {
        const { ports, require } = args.getConfig<LateralConfig>();
        for (const nsg of index.ofType(TYPES.nsg)) {
            const rules = index.nsgRules(nsg);
            const vnet: Endpoint = { tags: ["virtualnetwork"], ranges: filteredRanges(index, nsg) };
            const verdicts = ports.map((port) => ({ port, verdict: evaluateFlow(rules, { direction: "Outbound", protocol: "Tcp", port, source: vnet, destination: vnet }) }));
            if (verdicts.some((v) => v.verdict.access === "unknown")) {
                continue;
            }
            const open = verdicts.filter((v) => v.verdict.access === "Allow");
            const failed = require === "all" ? open.length > 0 : open.length === ports.length;
            if (failed) {
                const shown = open.map((v) => `${v.port} (${PORT_NAMES[v.port] ?? "port"}) through rule "${v.verdict.rule?.name}"`).join(", ");
                report(`NSG ${nsg.name} lets outbound ${shown} reach the virtual network: a compromised VM can move laterally. Add an outbound deny to VirtualNetwork on ${open.map((v) => v.port).join(" and ")}.`, nsg.urn);
            }
        }
    }),
};

export const noLeadingDenyAllInbound: StackValidationPolicy = {
    name: "nsg-no-leading-deny-all-inbound",
    ...cite("An NSG's first inbound rule (the lowest priority number) does not deny every port from every address (*, Any, 0.0.0.0/0): such a rule shadows every inbound allow after it and Azure's AllowVNetInBound and AllowAzureLoadBalancerInBound, cutting off the server's clients, Bastion or VPN sessions and load balancer probes. A deny-all below the allows, or a first rule denying some ports (SSH from anywhere), is fine.", {
        psrule: ["Azure.NSG.DenyAllInbound"],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Give the deny-all rule a higher priority number (e.g. 4000) than the rules that allow the inbound traffic the subnet needs.",
    validateStack: withStack(TYPES.nsg, (index, _args, report) => {
        for (const nsg of index.ofType(TYPES.nsg)) {
            const rules = index.nsgRules(nsg);
            // Which rule comes first is only known when every rule's direction and inbound priority are.
            if (rules.some((r) => r.direction === undefined || (isInbound(r) && r.priority === undefined))) {
                continue;
            }
            const [first] = rules.filter(isInbound).sort((a, b) => a.priority! - b.priority!);
            if (first === undefined || first.incomplete || !isDeny(first) || !carriesPorts(first)) {
                continue;
            }
            if (isAnyAddress(first.sources) && coversAllPorts(first)) {
                report(`NSG ${nsg.name}: its first inbound rule "${first.name}" (priority ${first.priority}) denies every port from ${first.sources.map((s) => `"${s}"`).join(", ")}, so no inbound allow after it, nor Azure's AllowVNetInBound, ever applies. Give it a priority number above the allow rules.`, nsg.urn);
            }
        }
    }),
};

/** Network policies, in pack order. */
export const networkPolicies: readonly PackPolicy[] = [
    noInternetInboundSensitivePorts,
    noInternetInbound,
    noUnrestrictedOutbound,
    subnetHasNsg,
    noDefaultRouteToInternet,
    lateralTraversal,
    noLeadingDenyAllInbound,
];
