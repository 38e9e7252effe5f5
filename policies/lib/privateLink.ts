/**
 * Private endpoints to PostgreSQL flexible servers as a stack declares them: which server each connection
 * targets, its group ids, the endpoint's DNS zone groups, the zones they name and the links of those zones.
 *
 * At preview the server id in `privateLinkServiceId` is unknown (the server is not created yet), so a
 * connection is tied to its server through the endpoint's `propertyDependencies` first, and by the server
 * name inside a known ARM id only after that, as the rest of the pack does (graph.ts).
 */
import type { PolicyResource } from "@pulumi/policy";
import type { StackIndex } from "./graph";
import { arrayOf, hasKey } from "./props";
import { armName, ciEquals, fold } from "./text";
import { TYPES, type PrivateDnsZoneGroupInputs, type PrivateEndpointInputs } from "./types";

/**
 * The one private-link subresource (group id) of a flexible server. Microsoft Learn, "What is a private
 * endpoint?", private-link resource table: Azure Database for PostgreSQL - Flexible server,
 * Microsoft.DBforPostgreSQL/flexibleServers, postgresqlServer
 * (https://learn.microsoft.com/azure/private-link/private-endpoint-overview#private-link-resource).
 */
export const POSTGRES_GROUP_ID = "postgresqlServer";

/**
 * The private DNS zone a flexible server's private endpoint registers in, per cloud. Microsoft Learn, "Azure
 * Private Endpoint private DNS zone values", Databases tables (Commercial, Government, China): Azure Database
 * for PostgreSQL - Flexible server / postgresqlServer (https://learn.microsoft.com/azure/private-link/private-endpoint-dns).
 * Azure fills the zone group's records only for these names ("Networking with Private Link", Private Link and DNS).
 */
export const PRIVATELINK_ZONES = {
    public: "privatelink.postgres.database.azure.com",
    usgov: "privatelink.postgres.database.usgovcloudapi.net",
    china: "privatelink.postgres.database.chinacloudapi.cn",
} as const;

export type CloudName = keyof typeof PRIVATELINK_ZONES;

/**
 * The cloud of an Azure region name: `usgov*` and `usdod*` regions are Azure Government, `china*` regions
 * Azure China, any other known name the public cloud; `undefined` when the location is not a known string.
 */
export function cloudOfLocation(location: unknown): CloudName | undefined {
    const name = fold(location)?.replace(/[\s-]/g, "");
    if (name === undefined || name === "" || name === "global") {
        return undefined;
    }
    if (name.startsWith("usgov") || name.startsWith("usdod")) {
        return "usgov";
    }
    return name.startsWith("china") ? "china" : "public";
}

/** One private link service connection of an endpoint that targets a flexible server. */
export interface ServerConnection {
    readonly endpoint: PolicyResource;
    /** The connection's name, or its position. */
    readonly label: string;
    /** The server of the stack it connects to, when it can be told. */
    readonly server?: PolicyResource;
    /** Its group ids; `undefined` while unknown. */
    readonly groupIds?: unknown[];
}

interface ConnectionInputs {
    name?: string;
    privateLinkServiceId?: string;
    groupIds?: unknown[];
}

/**
 * The connections of `endpoint` (automatic and manual) that target a flexible server: a known id under
 * `Microsoft.DBforPostgreSQL/flexibleServers`, or an id unknown at preview whose property took a server's output.
 */
export function serverConnections(index: StackIndex, endpoint: PolicyResource): ServerConnection[] {
    const props = index.props<PrivateEndpointInputs>(endpoint);
    const out: ServerConnection[] = [];
    for (const property of ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"]) {
        const linked = index.deps(endpoint, property, TYPES.server);
        arrayOf<ConnectionInputs>((props as Record<string, unknown>)[property]).forEach((c, i) => {
            const id = c?.privateLinkServiceId;
            const named = armName(id, "flexibleServers");
            let server: PolicyResource | undefined;
            if (named !== undefined) {
                server = index.servers().find((s) => fold(index.serverName(s)) === named);
            } else if (id === undefined && linked.length > 0) {
                server = linked.length === 1 ? linked[0] : undefined;
            } else {
                return;
            }
            out.push({
                endpoint,
                label: typeof c?.name === "string" ? c.name : `${property}[${i}]`,
                server,
                groupIds: !hasKey(c, "groupIds") ? [] : Array.isArray(c.groupIds) && c.groupIds.every((g) => g !== undefined) ? c.groupIds : undefined,
            });
        });
    }
    return out;
}

/** Private endpoints of the stack with at least one connection to a flexible server. */
export function serverEndpoints(index: StackIndex): PolicyResource[] {
    return index.ofType(TYPES.privateEndpoint).filter((pe) => serverConnections(index, pe).length > 0);
}

/** The DNS zone groups of an endpoint: through `privateEndpointName`, else by equal endpoint name. */
export function zoneGroupsOf(index: StackIndex, endpoint: PolicyResource): PolicyResource[] {
    const name = index.props<PrivateEndpointInputs>(endpoint).privateEndpointName;
    return index.ofType(TYPES.privateDnsZoneGroup).filter((group) =>
        index.deps(group, "privateEndpointName", TYPES.privateEndpoint).some((d) => d.urn === endpoint.urn) ||
        (typeof name === "string" && ciEquals(index.props<PrivateDnsZoneGroupInputs>(group).privateEndpointName, name)));
}

/** The zones a zone group names: folded zone names, the stack's zone resources, and whether some stay unknown. */
export interface GroupZones {
    readonly names: string[];
    readonly zones: PolicyResource[];
    readonly undetermined: boolean;
}

export function zonesOfGroup(index: StackIndex, group: PolicyResource): GroupZones {
    const configs = arrayOf<{ privateDnsZoneId?: string }>(index.props<PrivateDnsZoneGroupInputs>(group).privateDnsZoneConfigs);
    const stackZones = index.ofType(TYPES.privateDnsZone);
    const zoneName = (zone: PolicyResource) => fold(index.props<Record<string, unknown>>(zone).privateZoneName);
    const linked = index.deps(group, "privateDnsZoneConfigs", TYPES.privateDnsZone);
    const names = new Set<string>();
    const zones = new Map<string, PolicyResource>();
    let unknownIds = 0;
    for (const config of configs) {
        const name = armName(config?.privateDnsZoneId, "privateDnsZones");
        if (name === undefined) {
            unknownIds++;
            continue;
        }
        names.add(name);
        const zone = stackZones.find((z) => zoneName(z) === name);
        if (zone !== undefined) {
            zones.set(zone.urn, zone);
        }
    }
    let undetermined = unknownIds > 0 && linked.length === 0;
    for (const zone of unknownIds > 0 ? linked : []) {
        zones.set(zone.urn, zone);
        const name = zoneName(zone);
        if (name === undefined) {
            undetermined = true;
        } else {
            names.add(name);
        }
    }
    return { names: [...names], zones: [...zones.values()], undetermined };
}

/** Virtual network links of a stack zone: through `privateZoneName`, else by equal zone name. */
export function linksOfZone(index: StackIndex, zone: PolicyResource): PolicyResource[] {
    const name = index.props<Record<string, unknown>>(zone).privateZoneName;
    return index.ofType(TYPES.privateDnsZoneLink).filter((link) =>
        index.deps(link, "privateZoneName", TYPES.privateDnsZone).some((d) => d.urn === zone.urn) ||
        (typeof name === "string" && ciEquals(index.props<Record<string, unknown>>(link).privateZoneName, name)));
}
