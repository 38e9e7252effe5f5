import { TYPES } from "../../../policies/lib/types";
import { NAMES, PROD, U, buildStack, patch, propsOf } from "../fixtures";
import { res, urnOf, type CaseTable } from "../helpers";

const prod = buildStack(PROD);
const denyMgmt = (ports: string[]) => ({
    name: "deny-lateral", priority: 200, direction: "Outbound", access: "Deny", protocol: "Tcp",
    sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "VirtualNetwork", destinationPortRanges: ports,
});
/** prod with `rules` added to both NSGs (the server NSG keeps its AzureActiveDirectory rule). */
const withNsgRules = (rules: Record<string, unknown>[]) =>
    patch(patch(prod, NAMES.vmNsg, (r) => (r.props.securityRules = [...rules])), NAMES.serverNsg, (r) => (r.props.securityRules = [...(r.props.securityRules as unknown[]), ...rules]));
const baseRule = { priority: 200, protocol: "Tcp", sourcePortRange: "*", destinationAddressPrefix: "*" };
const nsg = (...securityRules: Record<string, unknown>[]) => [res(TYPES.nsg, "nsg", { resourceGroupName: U, securityRules })];
const inbound = (source: string, port: string, extra: Record<string, unknown> = {}) =>
    ({ ...baseRule, name: `in-${port}`, direction: "Inbound", access: "Allow", sourceAddressPrefix: source, destinationPortRange: port, ...extra });
const denyIn = (source: string | undefined, port: string, extra: Record<string, unknown> = {}) =>
    ({ ...baseRule, name: "deny-in", priority: 100, protocol: "*", direction: "Inbound", access: "Deny", sourceAddressPrefix: source, destinationPortRange: port, ...extra });
const outbound = (destination: string, extra: Record<string, unknown> = {}) =>
    ({ ...baseRule, name: "out", direction: "Outbound", access: "Allow", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: destination, destinationPortRange: "443", ...extra });

export const networkCases: CaseTable = {
    "nsg-no-internet-inbound-sensitive-ports": [
        { title: "the program's NSGs", resources: prod, expect: "pass" },
        { title: "SSH from *", resources: nsg(inbound("*", "22")), expect: "fail", message: /from "\*" to port 22 \(SSH\)/ },
        { title: "PostgreSQL inside a range from Internet", resources: nsg(inbound("Internet", "5000-6000")), expect: "fail", message: /5432 \(PostgreSQL\)/ },
        { title: "RDP in a port list from 0.0.0.0/0", resources: nsg(inbound("0.0.0.0/0", "", { destinationPortRange: undefined, destinationPortRanges: ["80", "3389"] })), expect: "fail", message: /3389 \(RDP\)/ },
        { title: "SSH from a known range", resources: nsg(inbound("198.51.100.0/24", "22")), expect: "pass" },
        { title: "a deny rule", resources: nsg(inbound("*", "22", { access: "Deny" })), expect: "pass" },
        { title: "a standalone SecurityRule resource", resources: [res(TYPES.securityRule, "ssh", { networkSecurityGroupName: U, ...inbound("Any", "*") })], expect: "fail" },
        { title: "HTTPS from the internet is not a sensitive port", resources: nsg(inbound("*", "443")), expect: "pass" },
        { title: "configured sensitive ports", resources: nsg(inbound("*", "443")), config: { ports: [443] }, expect: "fail", message: /port 443/ },
        { title: "SSH from two halves of the address space in one rule", resources: nsg(inbound("", "22", { sourceAddressPrefix: undefined, sourceAddressPrefixes: ["0.0.0.0/1", "128.0.0.0/1"] })), expect: "fail", message: /"0\.0\.0\.0\/1", "128\.0\.0\.0\/1"/ },
        {
            title: "SSH from public ranges split across two rules",
            resources: nsg(inbound("0.0.0.0/1", "22", { name: "low" }), inbound("128.0.0.0/1", "22", { name: "high", priority: 210 })),
            expect: "fail", count: 1, message: /Rules "low", "high" together allow inbound traffic from the whole internet to port 22 \(SSH\)/,
        },
        {
            title: "prefixes covering every public address but no private one",
            resources: nsg(inbound("", "5432", { sourceAddressPrefix: undefined, sourceAddressPrefixes: ["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"] })),
            expect: "fail",
        },
        { title: "SSH from one half of the address space only", resources: nsg(inbound("0.0.0.0/1", "22")), expect: "pass" },
        { title: "source unknown at preview: no decision", resources: nsg(inbound("", "22", { sourceAddressPrefix: U })), expect: "pass" },
    ],
    "nsg-no-internet-inbound": [
        { title: "the program's NSGs", resources: prod, expect: "pass" },
        { title: "HTTPS from *", resources: nsg(inbound("*", "443")), expect: "fail", message: /allows inbound Tcp from "\*" to port 443/ },
        { title: "a list with the internet in it", resources: nsg(inbound("", "443", { sourceAddressPrefix: undefined, sourceAddressPrefixes: ["10.0.0.0/8", "0.0.0.0/0"] })), expect: "fail", message: /"0\.0\.0\.0\/0"/ },
        { title: "from the VNet", resources: nsg(inbound("VirtualNetwork", "443")), expect: "pass" },
        { title: "HTTPS from 0.0.0.0/1 and 128.0.0.0/1", resources: nsg(inbound("", "443", { sourceAddressPrefix: undefined, sourceAddressPrefixes: ["0.0.0.0/1", "128.0.0.0/1"] })), expect: "fail" },
        { title: "from every IPv6 address (::/0)", resources: nsg(inbound("::/0", "443")), expect: "fail", message: /"::\/0"/ },
        { title: "from every IPv6 address, spelled out as trivy lists it", resources: nsg(inbound("0000:0000:0000:0000:0000:0000:0000:0000/0", "443")), expect: "fail" },
        { title: "a UDP port from * (checkov CKV_AZURE_77 reads only the first inline rule; the pack reads them all)", resources: nsg(inbound("10.0.0.0/8", "443"), inbound("*", "53", { protocol: "Udp", priority: 300 })), expect: "fail", count: 1, message: /Udp from "\*" to port 53/ },
        { title: "SQL Server (1433), a port of trivy AVD-AZU-0074's list the sensitive-ports policy does not name", resources: nsg(inbound("Any", "1433")), expect: "fail", message: /to port 1433/ },
        { title: "from an IPv6 range", resources: nsg(inbound("2001:db8::/32", "443")), expect: "pass" },
    ],
    "nsg-no-unrestricted-outbound": [
        { title: "outbound to the AzureActiveDirectory tag", resources: prod, expect: "pass" },
        { title: "outbound to Internet", resources: nsg(outbound("Internet")), expect: "fail", message: /outbound traffic to "Internet"/ },
        { title: "outbound to * as a standalone rule", resources: [res(TYPES.securityRule, "egress", outbound("*"))], expect: "fail" },
        { title: "outbound deny to the internet", resources: nsg(outbound("Internet", { access: "Deny" })), expect: "pass" },
        { title: "outbound to 0.0.0.0/1 and 128.0.0.0/1", resources: nsg(outbound("", { destinationAddressPrefix: undefined, destinationAddressPrefixes: ["0.0.0.0/1", "128.0.0.0/1"] })), expect: "fail" },
        { title: "outbound to every IPv6 address in a long spelling", resources: nsg(outbound("0:0:0:0:0:0:0:0/0")), expect: "fail" },
    ],
    "subnet-nsg-required": [
        { title: "every program subnet has an NSG (ids unknown at preview)", resources: prod.filter((r) => r.type === TYPES.subnet), expect: "pass" },
        { title: "a subnet without NSG", resources: [res(TYPES.subnet, "bare", { subnetName: "apps", addressPrefix: "10.0.3.0/24" })], expect: "fail", message: /Subnet "apps" has no network security group/ },
        { title: "GatewaySubnet is exempt", resources: [res(TYPES.subnet, "gw", { subnetName: "GatewaySubnet" })], expect: "pass" },
        {
            title: "inline VNet subnets",
            resources: [res(TYPES.virtualNetwork, "v", { subnets: [{ name: "a", networkSecurityGroup: { id: U } }, { name: "b" }] })],
            expect: "fail", count: 1, message: /Subnet "b"/,
        },
    ],
    "route-no-default-internet": [
        { title: "the AzureActiveDirectory → Internet route", resources: prod, expect: "pass" },
        {
            title: "0.0.0.0/0 → Internet inline",
            resources: [res(TYPES.routeTable, "rt", { ...propsOf(prod, NAMES.routeTable), routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] })],
            expect: "fail", message: /Route "default" sends 0\.0\.0\.0\/0 to the Internet/,
        },
        { title: "standalone default route to a firewall", resources: [res(TYPES.route, "r", { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" })], expect: "pass" },
        { title: "standalone default route to the internet", resources: [res(TYPES.route, "r", { addressPrefix: "0.0.0.0/0", nextHopType: "internet" })], expect: "fail" },
        { title: "the IPv6 default route, spelled out, to the internet", resources: [res(TYPES.route, "r", { addressPrefix: "0:0:0:0:0:0:0:0/0", nextHopType: "Internet" })], expect: "fail" },
    ],
    "nsg-lateral-traversal": [
        { title: "the program's NSGs deny SSH and RDP to the VNet", resources: prod, expect: "pass" },
        { title: "an NSG without rules: the default AllowVnetOutBound lets SSH and RDP through", resources: withNsgRules([]), expect: "fail", urn: urnOf(TYPES.nsg, NAMES.vmNsg), message: /lets outbound 22 \(SSH\) through rule "AllowVnetOutBound", 3389 \(RDP\) through rule "AllowVnetOutBound"/ },
        { title: "SSH and RDP denied to VirtualNetwork", resources: withNsgRules([denyMgmt(["22", "3389"])]), expect: "pass" },
        { title: "SSH and RDP denied to *", resources: withNsgRules([{ ...denyMgmt(["22", "3389"]), destinationAddressPrefix: "*" }]), expect: "pass" },
        { title: "only SSH denied", resources: withNsgRules([denyMgmt(["22"])]), expect: "fail", message: /lets outbound 3389 \(RDP\)/ },
        { title: "only SSH denied, PSRule's reading (require any)", resources: withNsgRules([denyMgmt(["22"])]), config: { require: "any" }, expect: "pass" },
        { title: "deny shadowed by an earlier allow", resources: withNsgRules([{ ...denyMgmt(["22", "3389"]), name: "allow", access: "Allow", priority: 100 }, denyMgmt(["22", "3389"])]), expect: "fail", message: /through rule "allow"/ },
        { title: "deny to the VNet's address space as a CIDR", resources: withNsgRules([{ ...denyMgmt(["22", "3389"]), destinationAddressPrefix: "10.20.0.0/16" }]), expect: "pass" },
        { title: "deny to part of the VNet only: no decision", resources: withNsgRules([{ ...denyMgmt(["22", "3389"]), destinationAddressPrefix: "10.20.2.0/24" }]), expect: "pass" },
        { title: "a deny to a CIDR on an NSG of no known VNet: no decision", resources: [res(TYPES.nsg, "lonely", { securityRules: [{ ...denyMgmt(["22", "3389"]), destinationAddressPrefix: "10.0.0.0/8" }] })], expect: "pass" },
        { title: "an NSG of no known VNet with no rules", resources: [res(TYPES.nsg, "lonely", { securityRules: [] })], expect: "fail" },
        { title: "a stack without NSGs", resources: [res(TYPES.subnet, "s", {})], expect: "not-applicable" },
    ],
    "nsg-no-leading-deny-all-inbound": [
        { title: "the program's NSGs (no inbound rule)", resources: prod, expect: "pass" },
        { title: "a deny-all as the only inbound rule", resources: nsg(denyIn("*", "*")), expect: "fail", urn: urnOf(TYPES.nsg, "nsg"), message: /first inbound rule "deny-in" \(priority 100\) denies every port from "\*"/ },
        { title: "a deny-all below an allow (PSRule's own example)", resources: nsg(inbound("AzureLoadBalancer", "*", { priority: 100 }), denyIn("*", "*", { priority: 4000 })), expect: "pass" },
        { title: "a deny-all above an allow", resources: nsg(inbound("10.0.0.0/8", "443", { priority: 300 }), denyIn("*", "*", { priority: 200 })), expect: "fail" },
        { title: "every port as a range, from 0.0.0.0/0", resources: nsg(denyIn("0.0.0.0/0", "0-65535")), expect: "fail" },
        { title: "from Any, TCP only: TCP probes fail too", resources: nsg(denyIn("Any", "*", { protocol: "Tcp" })), expect: "fail" },
        { title: "from two halves of the address space", resources: nsg(denyIn("", "*", { sourceAddressPrefix: undefined, sourceAddressPrefixes: ["0.0.0.0/1", "128.0.0.0/1"] })), expect: "fail" },
        { title: "a first rule denying SSH from anywhere denies SSH only (PSRule fails it)", resources: nsg(denyIn("*", "22")), expect: "pass" },
        { title: "a first rule denying the Internet tag leaves the VNet in", resources: nsg(denyIn("Internet", "*")), expect: "pass" },
        { title: "a first rule denying ICMP only", resources: nsg(denyIn("*", "*", { protocol: "Icmp" })), expect: "pass" },
        { title: "a deny-all outbound rule is not inbound", resources: nsg(denyIn("*", "*", { direction: "Outbound" })), expect: "pass" },
        {
            title: "a standalone rule that comes before the NSG's inline allow",
            resources: [
                res(TYPES.nsg, "nsg", { resourceGroupName: U, networkSecurityGroupName: "app-nsg", securityRules: [inbound("10.0.0.0/8", "443", { priority: 300 })] }),
                res(TYPES.securityRule, "deny-all", { networkSecurityGroupName: "app-nsg", ...denyIn("*", "*", { priority: 150 }) }),
            ],
            expect: "fail", message: /"deny-in" \(priority 150\)/,
        },
        { title: "an inbound rule whose priority is unknown at preview: no decision", resources: nsg(denyIn("*", "*"), inbound("10.0.0.0/8", "443", { priority: U })), expect: "pass" },
        { title: "a first deny whose source is unknown at preview: no decision", resources: nsg(denyIn(U, "*")), expect: "pass" },
        { title: "a stack without NSGs", resources: [res(TYPES.subnet, "s", {})], expect: "not-applicable" },
    ],
};
