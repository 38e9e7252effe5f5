import { TYPES } from "../../../policies/lib/types";
import { DEV, U, buildStack } from "../fixtures";
import { res, type CaseTable } from "../helpers";

const rule = (start: unknown, end: unknown, name = "rule") =>
    [res(TYPES.firewallRule, name, { resourceGroupName: U, serverName: U, firewallRuleName: name, startIpAddress: start, endIpAddress: end })];

export const firewallCases: CaseTable = {
    "postgres-firewall-no-azure-services-rule": [
        { title: "dev's single client address", resources: buildStack(DEV), expect: "pass" },
        { title: "the 0.0.0.0 allow-Azure-services rule", resources: rule("0.0.0.0", "0.0.0.0"), expect: "fail", message: /0\.0\.0\.0.*any Azure resource of any tenant/ },
        { title: "addresses unknown at preview (VM egress IP): no decision", resources: rule(U, U), expect: "pass" },
        { title: "other resource types are not applicable", resources: [res(TYPES.server, "s", {})], expect: "not-applicable" },
    ],
    "postgres-firewall-no-internet-range": [
        { title: "one address", resources: rule("203.0.113.10", "203.0.113.10"), expect: "pass" },
        { title: "a /24", resources: rule("203.0.113.0", "203.0.113.255"), expect: "pass" },
        { title: "the whole IPv4 internet", resources: rule("0.0.0.0", "255.255.255.255"), expect: "fail", message: /whole IPv4 internet/ },
        { title: "a /16 is more than 256 addresses", resources: rule("198.51.0.0", "198.51.255.255"), expect: "fail", message: /65536 addresses, more than 256/ },
        { title: "a /16 within a configured 65536", resources: rule("198.51.0.0", "198.51.255.255"), config: { maxAddresses: 65536 }, expect: "pass" },
        { title: "reversed range", resources: rule("203.0.113.20", "203.0.113.10"), expect: "fail", message: /swap them/ },
        { title: "the Azure-services rule is left to its own policy", resources: rule("0.0.0.0", "0.0.0.0"), expect: "pass" },
    ],
};
