/**
 * Recorded stacks for the private networking modes, shaped as the program declares them (private endpoint
 * mode, and an existing network whose ids are passed in): built from the prod-shaped stack of fixtures.ts,
 * with ids not known at preview left `undefined` and relations in `propertyDependencies`.
 */
import type { RecordedResource } from "../../plan/analyzer";
import { TYPES } from "../../policies/lib/types";
import { DENY_LATERAL, NAMES, PROD, SERVER_URN, U, buildStack, type StackSpec } from "./fixtures";
import { res, urnOf } from "./helpers";

/** Logical names of the resources private endpoint mode adds. */
export const PE_NAMES = {
    endpointNsg: "net-endpoint-nsg",
    endpointSubnet: "net-endpoint-subnet",
    zone: "net-privatelink-dns",
    zoneLink: "net-privatelink-dns-link",
    endpoint: "db-endpoint",
    zoneGroup: "db-endpoint-dns",
} as const;

const NETWORK_RG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/entra-postgres-corp-network/providers/Microsoft.Network";

/** The corp stack's existing network, as its network project names it. */
export const EXISTING = {
    vmSubnetId: `${NETWORK_RG}/virtualNetworks/entra-postgres-corp-vnet/subnets/clients`,
    endpointSubnetId: `${NETWORK_RG}/virtualNetworks/entra-postgres-corp-vnet/subnets/endpoints`,
    serverSubnetId: `${NETWORK_RG}/virtualNetworks/entra-postgres-corp-vnet/subnets/postgres`,
    privateDnsZoneId: `${NETWORK_RG}/privateDnsZones/privatelink.postgres.database.azure.com`,
    delegatedZoneId: `${NETWORK_RG}/privateDnsZones/entra-postgres-corp.private.postgres.database.azure.com`,
} as const;

/** The private endpoint zone of each cloud. */
export const PRIVATELINK_ZONE = {
    public: "privatelink.postgres.database.azure.com",
    usgov: "privatelink.postgres.database.usgovcloudapi.net",
    china: "privatelink.postgres.database.chinacloudapi.cn",
} as const;

const u = urnOf;
const ZONE = "azure-native:privatedns:PrivateZone";
const DELEGATED_ONLY = [NAMES.serverNsg, NAMES.routeTable, NAMES.serverSubnet, NAMES.dnsZone, NAMES.dnsLink];
const STACK_NETWORK = [NAMES.vnet, NAMES.vmNsg, NAMES.natIp, NAMES.nat, NAMES.vmSubnet];

/** `r` with new property dependencies and `dependsOn`, its `dependencies` recomputed as the engine does. */
function relink(r: RecordedResource, deps: Record<string, string[]>, dependsOn: string[] = []): RecordedResource {
    return { ...r, propertyDependencies: deps, dependencies: [...new Set([...Object.values(deps).flat(), ...dependsOn])] };
}

/** The server with `network` replaced and no network dependencies (private endpoint or existing ids). */
function withServerNetwork(stack: RecordedResource[], network: Record<string, unknown>): RecordedResource[] {
    return stack.map((r) => {
        if (r.name !== NAMES.server) {
            return r;
        }
        const { network: _dropped, ...deps } = r.propertyDependencies;
        return relink({ ...r, props: { ...r.props, network } }, deps);
    });
}

/** The VM's NIC in a subnet given by id (an existing network). */
function nicInSubnet(stack: RecordedResource[], subnetId: string): RecordedResource[] {
    return stack.map((r) => {
        if (r.name !== NAMES.nic) {
            return r;
        }
        const configs = (r.props.ipConfigurations as Record<string, unknown>[]).map((c) => ({ ...c, subnet: { id: subnetId } }));
        const { ipConfigurations: _dropped, ...deps } = r.propertyDependencies;
        return relink({ ...r, props: { ...r.props, ipConfigurations: configs } }, deps);
    });
}

export interface PrivateEndpointOptions {
    /** Subnets and zone passed as ids (network.existing), nothing of the network declared. */
    existing?: boolean;
    spec?: Partial<StackSpec>;
    /** Region of the server and endpoint. */
    location?: string;
    /** The zone the stack creates (its cloud's privatelink zone by default). */
    zoneName?: string;
    groupIds?: unknown;
}

/** A stack in `private-endpoint` mode: server with public access disabled, reached through a private endpoint. */
export function privateEndpointStack(options: PrivateEndpointOptions = {}): RecordedResource[] {
    const location = options.location ?? "westeurope";
    let stack = buildStack({ ...PROD, ...options.spec, access: "private" })
        .filter((r) => !DELEGATED_ONLY.includes(r.name as (typeof DELEGATED_ONLY)[number]))
        .map((r) => (r.props.location === "westeurope" ? { ...r, props: { ...r.props, location } } : r));
    stack = withServerNetwork(stack, { publicNetworkAccess: "Disabled" });
    const rg = [u("azure-native:resources:ResourceGroup", NAMES.rg)];
    const endpointSubnet = u(TYPES.subnet, PE_NAMES.endpointSubnet);
    if (options.existing) {
        stack = nicInSubnet(stack.filter((r) => !STACK_NETWORK.includes(r.name as (typeof STACK_NETWORK)[number])), EXISTING.vmSubnetId);
    } else {
        stack.push(
            res(TYPES.nsg, PE_NAMES.endpointNsg, { resourceGroupName: U, location, securityRules: [...DENY_LATERAL] }, { deps: { resourceGroupName: rg } }),
            res(TYPES.subnet, PE_NAMES.endpointSubnet, {
                resourceGroupName: U, virtualNetworkName: U, addressPrefix: "10.20.3.0/24", networkSecurityGroup: { id: U }, defaultOutboundAccess: false,
            }, { deps: { resourceGroupName: rg, virtualNetworkName: [u(TYPES.virtualNetwork, NAMES.vnet)], networkSecurityGroup: [u(TYPES.nsg, PE_NAMES.endpointNsg)] } }),
            res(ZONE, PE_NAMES.zone, { resourceGroupName: U, location: "global", privateZoneName: options.zoneName ?? PRIVATELINK_ZONE.public }, { deps: { resourceGroupName: rg } }),
            res("azure-native:privatedns:VirtualNetworkLink", PE_NAMES.zoneLink, {
                resourceGroupName: U, location: "global", privateZoneName: U, virtualNetwork: { id: U }, registrationEnabled: false,
            }, { deps: { resourceGroupName: rg, privateZoneName: [u(ZONE, PE_NAMES.zone)], virtualNetwork: [u(TYPES.virtualNetwork, NAMES.vnet)] } }),
        );
    }
    stack.push(
        res(TYPES.privateEndpoint, PE_NAMES.endpoint, {
            resourceGroupName: U, location,
            subnet: { id: options.existing ? EXISTING.endpointSubnetId : U },
            privateLinkServiceConnections: [{ name: "postgres", privateLinkServiceId: U, groupIds: options.groupIds ?? ["postgresqlServer"] }],
            tags: { stack: "test" },
        }, { deps: { resourceGroupName: rg, privateLinkServiceConnections: [SERVER_URN], ...(options.existing ? {} : { subnet: [endpointSubnet] }) } }),
        res(TYPES.privateDnsZoneGroup, PE_NAMES.zoneGroup, {
            resourceGroupName: U, privateEndpointName: U,
            privateDnsZoneConfigs: [{ name: "postgres", privateDnsZoneId: options.existing ? EXISTING.privateDnsZoneId : U }],
        }, { deps: { resourceGroupName: rg, privateEndpointName: [u(TYPES.privateEndpoint, PE_NAMES.endpoint)], ...(options.existing ? {} : { privateDnsZoneConfigs: [u(ZONE, PE_NAMES.zone)] }) } }),
    );
    return stack;
}

/** A stack in `private` (delegated subnet) mode on an existing network: subnet and zone passed as ids. */
export function existingPrivateStack(spec: Partial<StackSpec> = {}): RecordedResource[] {
    // withServerNetwork drops the server's network dependencies and its dependsOn on the zone link.
    const stack = buildStack({ ...PROD, ...spec, access: "private" })
        .filter((r) => ![...DELEGATED_ONLY, ...STACK_NETWORK].includes(r.name as (typeof DELEGATED_ONLY)[number]));
    return nicInSubnet(withServerNetwork(stack, {
        publicNetworkAccess: "Disabled", delegatedSubnetResourceId: EXISTING.serverSubnetId, privateDnsZoneArmResourceId: EXISTING.delegatedZoneId,
    }), EXISTING.vmSubnetId);
}
