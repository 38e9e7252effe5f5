import { AZURE_SERVICES_RULE_NAME } from "../../../policies/firewall";
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
        {
            title: "the program's allowAzureServices rule: reported once, for its addresses",
            resources: rule("0.0.0.0", "0.0.0.0", AZURE_SERVICES_RULE_NAME), expect: "fail", count: 1, message: /startIpAddress and endIpAddress are 0\.0\.0\.0/,
        },
        {
            title: "a client range under the portal's name of the Azure-services rule (CIS 5.2.5 fails it by name)",
            resources: rule("203.0.113.10", "203.0.113.10", `${AZURE_SERVICES_RULE_NAME}_2024-5-1_10-0-0`), expect: "fail", message: /firewallRuleName ".*" is the portal's name/,
        },
        { title: "the name in another case", resources: rule("203.0.113.10", "203.0.113.10", "allowallazureservicesandresourceswithinazureips"), expect: "fail", message: /portal's name/ },
        { title: "a name that only contains it", resources: rule("203.0.113.10", "203.0.113.10", "not-AllowAllAzureServicesAndResourcesWithinAzureIps"), expect: "pass" },
    ],
    "postgres-firewall-no-internet-range": [
        { title: "one address", resources: rule("203.0.113.10", "203.0.113.10"), expect: "pass" },
        { title: "a /24 (trivy AVD-AZU-0029 fails any public range; the pack bounds the size)", resources: rule("203.0.113.0", "203.0.113.255"), expect: "pass" },
        { title: "two public addresses with maxAddresses 1: trivy AVD-AZU-0029's reading", resources: rule("203.0.113.10", "203.0.113.11"), config: { maxAddresses: 1 }, expect: "fail", message: /2 addresses, more than 1/ },
        { title: "a private /16 is over the limit too (trivy exempts private ranges)", resources: rule("10.0.0.0", "10.0.255.255"), expect: "fail", message: /65536 addresses, more than 256/ },
        { title: "the whole IPv4 internet", resources: rule("0.0.0.0", "255.255.255.255"), expect: "fail", message: /whole IPv4 internet/ },
        { title: "a /16 is more than 256 addresses", resources: rule("198.51.0.0", "198.51.255.255"), expect: "fail", message: /65536 addresses, more than 256/ },
        { title: "a /16 within a configured 65536", resources: rule("198.51.0.0", "198.51.255.255"), config: { maxAddresses: 65536 }, expect: "pass" },
        { title: "reversed range", resources: rule("203.0.113.20", "203.0.113.10"), expect: "fail", message: /swap them/ },
        { title: "the Azure-services rule is left to its own policy", resources: rule("0.0.0.0", "0.0.0.0"), expect: "pass" },
        // checkov CKV2_AZURE_26 fails a rule by either bound, whatever its size.
        { title: "a small range starting at 0.0.0.0", resources: rule("0.0.0.0", "0.0.0.255"), expect: "fail", count: 1, message: /admits 0\.0\.0\.0-0\.0\.0\.255 \(starts at 0\.0\.0\.0\): .*checkov CKV2_AZURE_26/ },
        { title: "a small range ending at 255.255.255.255", resources: rule("255.255.255.0", "255.255.255.255"), expect: "fail", count: 1, message: /\(ends at 255\.255\.255\.255\)/ },
        { title: "the broadcast address alone", resources: rule("255.255.255.255", "255.255.255.255"), expect: "fail", message: /ends at 255\.255\.255\.255/ },
        { title: "0.0.0.0 to an address: the bound and the size, in one report", resources: rule("0.0.0.0", "10.255.255.255"), expect: "fail", count: 1, message: /starts at 0\.0\.0\.0; 184549376 addresses, more than 256/ },
        { title: "a bound is not relaxed by maxAddresses", resources: rule("0.0.0.0", "0.0.255.255"), config: { maxAddresses: 65536 }, expect: "fail", message: /starts at 0\.0\.0\.0/ },
        { title: "a start written with leading zeros", resources: rule("000.000.000.000", "000.000.000.015"), expect: "fail", message: /starts at 0\.0\.0\.0/ },
        { title: "the range just inside both bounds", resources: rule("0.0.0.1", "0.0.0.255"), expect: "pass" },
        { title: "checkov limits no size: a huge range inside the bounds passes with maxAddresses raised", resources: rule("1.0.0.0", "254.255.255.255"), config: { maxAddresses: 4294967296 }, expect: "pass" },
        { title: "start 0.0.0.0 with an end unknown at preview: no decision", resources: rule("0.0.0.0", U), expect: "pass" },
        { title: "not IPv4 addresses: no decision", resources: rule("::", "::ffff"), expect: "pass" },
    ],
};
