/**
 * Policies on the private networking modes of a flexible server: private endpoints (a server with public
 * access disabled and no delegated subnet, reached through a `network.PrivateEndpoint` with group
 * `postgresqlServer` and a DNS zone group in the cloud's `privatelink.postgres...` zone), firewall rules on
 * servers nothing public reaches, and delegated subnets the stack does not declare (an existing network),
 * whose NSG and route table the pack cannot read.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type { StackIndex } from "./lib/graph";
import { cite, withStack, type PackPolicy } from "./lib/policy";
import { PRIVATELINK_ZONES, POSTGRES_GROUP_ID, cloudOfLocation, linksOfZone, serverConnections, serverEndpoints, zoneGroupsOf, zonesOfGroup } from "./lib/privateLink";
import { setting } from "./lib/props";
import { ciEquals, show } from "./lib/text";
import { TYPES, type ServerInputs } from "./lib/types";

const PRIVATE_LINK_DOC = "Microsoft Learn, \"Networking with Private Link in Azure Database for PostgreSQL flexible server\" (https://learn.microsoft.com/azure/postgresql/network/concepts-networking-private-link)";
const ENTRA_NETWORK_DOC = "Microsoft Learn, \"Use Microsoft Entra ID authentication in Azure Database for PostgreSQL flexible server\", Configure network requirements (https://learn.microsoft.com/azure/postgresql/security/security-entra-configure)";

/** True when the server declares `network.publicNetworkAccess: Disabled` (a known value). */
function publicAccessDisabled(index: StackIndex, server: PolicyResource): boolean {
    const access = setting<string>(index.props<ServerInputs>(server), "network", "publicNetworkAccess");
    return access.known && access.declared && ciEquals(access.value, "Disabled");
}

export const privateEndpointRequired: StackValidationPolicy = {
    name: "postgres-private-endpoint-required",
    ...cite("A server with public network access disabled and no delegated subnet has a private endpoint to it in the stack, or nothing can reach it; and no private endpoint targets a VNet-integrated server, which Azure does not support.", {
        basis: `${PRIVATE_LINK_DOC}: with no public traffic configured the server is accessible only through private endpoints; servers that use virtual network integration aren't eligible for private endpoints`,
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Add a network.PrivateEndpoint whose privateLinkServiceConnections name the server with groupIds [\"postgresqlServer\"] (config network.access: private-endpoint), or use private access with a delegated subnet; never both.",
    validateStack: withStack(TYPES.server, (index, _args, report) => {
        const endpoints = serverEndpoints(index);
        for (const server of index.servers()) {
            const toServer = endpoints.filter((pe) => serverConnections(index, pe).some((c) => c.server?.urn === server.urn));
            if (index.isVnetIntegrated(server)) {
                for (const pe of toServer) {
                    report(`Private endpoint ${pe.name} targets server ${index.serverLabel(server)}, which is VNet-integrated (network.delegatedSubnetResourceId): Azure does not support private endpoints on such servers. Use either the delegated subnet or a private endpoint.`, pe.urn);
                }
            } else if (publicAccessDisabled(index, server) && toServer.length === 0 && index.privateEndpointsFor(server).length === 0) {
                report(`Server ${index.serverLabel(server)} has network.publicNetworkAccess "Disabled", no delegated subnet and no private endpoint in the stack: nothing can reach it. Add a private endpoint to it with group id "${POSTGRES_GROUP_ID}".`, server.urn);
            }
        }
    }),
};

export const privateEndpointGroupId: StackValidationPolicy = {
    name: "postgres-private-endpoint-group-id",
    ...cite("Every private endpoint connection to a PostgreSQL flexible server (found through the endpoint's dependency on the server, the server id being unknown at preview, or a known flexibleServers id) uses group id postgresqlServer, the server's only private-link subresource.", {
        basis: "Microsoft Learn, \"What is a private endpoint?\", private-link resource table: Microsoft.DBforPostgreSQL/flexibleServers, sub-resource postgresqlServer (https://learn.microsoft.com/azure/private-link/private-endpoint-overview)",
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set groupIds: [\"postgresqlServer\"] on the private link service connection.",
    validateStack: withStack(TYPES.privateEndpoint, (index, _args, report) => {
        for (const pe of serverEndpoints(index)) {
            for (const c of serverConnections(index, pe)) {
                if (c.groupIds === undefined) {
                    continue;
                }
                if (c.groupIds.length !== 1 || !ciEquals(c.groupIds[0], POSTGRES_GROUP_ID)) {
                    const target = c.server === undefined ? "a flexible server" : `server ${index.serverLabel(c.server)}`;
                    report(`Private endpoint ${pe.name}: connection "${c.label}" to ${target} has groupIds ${show(c.groupIds)}: a flexible server's only private-link subresource is "${POSTGRES_GROUP_ID}". Set groupIds ["${POSTGRES_GROUP_ID}"].`, pe.urn);
                }
            }
        }
    }),
};

/** The zone names an endpoint's DNS zone group may use: its cloud's, or any cloud's when the location is unknown. */
function expectedZones(index: StackIndex, pe: PolicyResource): string[] {
    const servers = serverConnections(index, pe).map((c) => c.server).filter((s): s is PolicyResource => s !== undefined);
    const locations = [...servers.map((s) => index.props<ServerInputs>(s).location), index.props<Record<string, unknown>>(pe).location];
    const cloud = locations.map(cloudOfLocation).find((c) => c !== undefined);
    return cloud === undefined ? Object.values(PRIVATELINK_ZONES) : [PRIVATELINK_ZONES[cloud]];
}

export const privateEndpointDnsZone: StackValidationPolicy = {
    name: "postgres-private-endpoint-dns-zone",
    ...cite("Every private endpoint to a PostgreSQL flexible server has a private DNS zone group (network.PrivateDnsZoneGroup) naming its cloud's zone privatelink.postgres.database.azure.com (usgovcloudapi.net, chinacloudapi.cn in the sovereign clouds, chosen by location), and a zone the stack creates is linked to at least one virtual network; zone ids unknown at preview are not judged.", {
        basis: "Microsoft Learn, \"Azure Private Endpoint private DNS zone values\", Databases (https://learn.microsoft.com/azure/private-link/private-endpoint-dns); " +
            `${PRIVATE_LINK_DOC}, Private Link and DNS: zone configurations generate only with the recommended name, and each virtual network is linked to the zone`,
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Add a network.PrivateDnsZoneGroup { privateEndpointName, privateDnsZoneConfigs: [{ name, privateDnsZoneId }] } whose zone is privatelink.postgres.database.azure.com (per cloud), and link that zone to the clients' virtual networks (config network.existing.privateDnsZoneId, network.dnsZoneLinks).",
    validateStack: withStack(TYPES.privateEndpoint, (index, _args, report) => {
        for (const pe of serverEndpoints(index)) {
            const groups = zoneGroupsOf(index, pe);
            if (groups.length === 0) {
                report(`Private endpoint ${pe.name} to a flexible server has no private DNS zone group: Azure writes no A record for it, so clients resolve the server's public name and cannot connect. Add a PrivateDnsZoneGroup in ${expectedZones(index, pe).join(" or ")}.`, pe.urn);
                continue;
            }
            const expected = expectedZones(index, pe);
            const zones = groups.map((g) => zonesOfGroup(index, g));
            const names = zones.flatMap((z) => z.names);
            if (!names.some((n) => expected.includes(n)) && !zones.some((z) => z.undetermined)) {
                report(`Private endpoint ${pe.name}: its DNS zone group names ${names.length > 0 ? names.map((n) => `"${n}"`).join(", ") : "no zone"}, not ${expected.map((n) => `"${n}"`).join(" or ")}: Azure registers a flexible server's private endpoint only in that zone. Use it.`, pe.urn);
            }
            for (const zone of zones.flatMap((z) => z.zones)) {
                if (linksOfZone(index, zone).length === 0) {
                    report(`Private DNS zone ${zone.name} of private endpoint ${pe.name} is linked to no virtual network: nothing resolves the server to its private address. Add a privatedns.VirtualNetworkLink to the clients' virtual network.`, zone.urn);
                }
            }
        }
    }),
};

export const noFirewallRuleOnPrivateServer: StackValidationPolicy = {
    name: "postgres-firewall-private-server",
    ...cite("No firewall rule on a server public networks cannot reach (network.publicNetworkAccess Disabled, private endpoint or delegated subnet): the rule admits nothing, hides the server's real exposure from reviewers, and opens the server to its range the moment public access is switched on.", {
        basis: `${PRIVATE_LINK_DOC}, Private Link combined with firewall rules; Microsoft Learn, "Network with private access (virtual network integration)": a VNet-integrated server has no public endpoint`,
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Remove the FirewallRule (config network.allowedIps applies to public access only); clients reach the server through its private endpoint or delegated subnet.",
    validateStack: withStack(TYPES.firewallRule, (index, _args, report) => {
        for (const rule of index.ofType(TYPES.firewallRule)) {
            const server = index.serverFor(rule);
            if (server === undefined) {
                continue;
            }
            const how = index.isVnetIntegrated(server) ? "is VNet-integrated (private access)" : publicAccessDisabled(index, server) ? "has network.publicNetworkAccess \"Disabled\"" : undefined;
            if (how !== undefined) {
                report(`Firewall rule ${rule.name} is on server ${index.serverLabel(server)}, which ${how}: the rule admits nothing now and opens the server to its range if public access is ever enabled. Remove it.`, rule.urn);
            }
        }
    }),
};

export const entraExistingNetwork: StackValidationPolicy = {
    name: "entra-private-access-existing-network",
    ...cite("Reports, as advice, what the Entra network rules cannot check: a VNet-integrated server whose delegated subnet, or the subnet's NSG or route table, is not declared in the stack (an existing network passed by id). Its owner must allow outbound TCP 443 to AzureActiveDirectory and, with a route table, route AzureActiveDirectory to next hop Internet. Private-endpoint and public servers need neither.", {
        basis: `${ENTRA_NETWORK_DOC}: only private access (virtual network integration) needs the outbound rule and route; a private endpoint server uses the public access networking mode (${PRIVATE_LINK_DOC})`,
    }),
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Confirm with the network's owner that the delegated subnet's NSG allows outbound TCP 443 to AzureActiveDirectory and its route table routes AzureActiveDirectory to Internet, or declare the subnet in the stack so the pack can check it.",
    validateStack: withStack(TYPES.server, (index, args, report) => {
        const integrated = index.servers().filter((s) => index.isVnetIntegrated(s));
        if (integrated.length === 0) {
            return args.notApplicable("No server of the stack is VNet-integrated: the Entra outbound rule and route apply to private access only.");
        }
        for (const server of integrated) {
            const subnet = index.subnetOfServer(server);
            const unseen = subnet === undefined
                ? [`its delegated subnet ${show(index.props<ServerInputs>(server).network?.delegatedSubnetResourceId ?? "(id unknown at preview)")} is not declared in this stack`]
                : [index.nsgOfSubnet(subnet) === "external" ? `the NSG of subnet ${subnet.name} is not declared in this stack` : undefined,
                    index.routeTableOfSubnet(subnet) === "external" ? `the route table of subnet ${subnet.name} is not declared in this stack` : undefined]
                    .filter((s): s is string => s !== undefined);
            if (unseen.length > 0) {
                report(`Server ${index.serverLabel(server)} uses private access, but ${unseen.join(" and ")}, so the Entra network path cannot be checked: make sure it allows outbound TCP 443 to AzureActiveDirectory and, with a route table, routes AzureActiveDirectory to Internet, or every token login fails.`, server.urn);
            }
        }
    }),
};

/** Private networking policies, in pack order. */
export const privateNetworkPolicies: readonly PackPolicy[] = [
    privateEndpointRequired,
    privateEndpointGroupId,
    privateEndpointDnsZone,
    noFirewallRuleOnPrivateServer,
    entraExistingNetwork,
];
