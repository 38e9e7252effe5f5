import type { IpRange } from "../config";

/**
 * The name of Azure's special rule from `0.0.0.0` to `0.0.0.0`, which "does the equivalent of the **Allow public
 * access from any Azure service within Azure to this server** option", an option that allows "all connections
 * from Azure, including connections from the subscriptions of other customers" (Microsoft Learn, "Firewall rules
 * in Azure Database for PostgreSQL", MicrosoftDocs/azure-databases-docs
 * articles/postgresql/security/security-firewall-rules.md at 450730c7). Declared only with the explicit
 * `allowAzureServices` opt-in.
 */
export const azureServicesRuleName = "AllowAllAzureServicesAndResourcesWithinAzureIps";

/** One firewall rule of the server. `T`: a plain address, or one known only after deployment. */
export interface FirewallRulePlan<T = string> {
    ruleName: string;
    start: T;
    end: T;
}

/**
 * A rule's name from its range: `allow-203-0-113-7`, or `allow-203-0-113-0-to-203-0-113-255` for a range: letters,
 * digits and hyphens, at most 40 characters, never ending in a hyphen, so always within Azure's `firewallRuleName`
 * (`^[a-zA-Z0-9][-_a-zA-Z0-9]{0,79}(?<!-)$`, FirewallRules.json 2025-08-01, derived into
 * contracts/azure/derived/Microsoft.DBforPostgreSQL.json; test/contracts/names.test.ts checks every generated name).
 */
export function firewallRuleName(ip: Pick<IpRange, "start" | "end">): string {
    const dashed = (address: string) => address.replace(/\./g, "-");
    return `allow-${dashed(ip.start)}` + (ip.start === ip.end ? "" : `-to-${dashed(ip.end)}`);
}

/**
 * The server's firewall rules, in the order they are written: each allowed range (named from it, unless it brings
 * its own name), then each extra named
 * address (one-address rules under the given name), then the Azure-services rule when asked for. Never an
 * allow-all range; `0.0.0.0` only through the Azure-services rule.
 */
export function firewallRules<T>(firewall: {
    allowedIps: readonly (Pick<IpRange, "start" | "end"> & { ruleName?: string })[];
    allowAzureServices: boolean;
    extraAddresses?: Record<string, T>;
}): FirewallRulePlan<string | T>[] {
    const rules: FirewallRulePlan<string | T>[] = firewall.allowedIps.map((ip) => ({ ruleName: ip.ruleName ?? firewallRuleName(ip), start: ip.start, end: ip.end }));
    for (const [ruleName, address] of Object.entries(firewall.extraAddresses ?? {})) {
        rules.push({ ruleName, start: address, end: address });
    }
    if (firewall.allowAzureServices) {
        rules.push({ ruleName: azureServicesRuleName, start: "0.0.0.0", end: "0.0.0.0" });
    }
    return rules;
}
