/**
 * Relations between the resources of a stack, for stack policies.
 *
 * At preview most ids are unknown (the server's subnet id, the subnet's NSG id), so resources are related
 * first through the engine's `propertyDependencies` (which input property took which resource's output),
 * and only then by the names inside ARM ids when those are known strings.
 */
import type { PolicyResource } from "@pulumi/policy";
import { arrayOf, hasKey, plainProps } from "./props";
import { armName, ciEquals, fold } from "./text";
import { NsgRule, inlineRules, normalizeRule } from "./nsg";
import {
    POSTGRES_DELEGATION,
    TYPES,
    isDiagnosticSettingType,
    isEntraRoleType,
    type NatGatewayInputs,
    type NetworkInterfaceInputs,
    type PrivateEndpointInputs,
    type RouteInputs,
    type RouteTableInputs,
    type SecurityRuleInputs,
    type ServerInputs,
    type SubnetInputs,
    type VirtualMachineInputs,
} from "./types";

/** A route in one shape, inline or standalone. */
export interface RouteEntry {
    readonly name: string;
    readonly addressPrefix?: string;
    readonly nextHopType?: string;
}

export class StackIndex {
    private readonly byType = new Map<string, PolicyResource[]>();

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const r of resources) {
            const list = this.byType.get(r.type) ?? [];
            list.push(r);
            this.byType.set(r.type, list);
        }
    }

    /** Resources of any of the given types, in stack order. */
    ofType(...types: string[]): PolicyResource[] {
        return types.flatMap((t) => this.byType.get(t) ?? []);
    }

    /** The Entra role dynamic resources. */
    entraRoles(): PolicyResource[] {
        return this.resources.filter((r) => isEntraRoleType(r.type));
    }

    /** Plain props (unknowns as `undefined`, keys kept). */
    props<T>(r: PolicyResource): T {
        return plainProps<T>(r.props);
    }

    /** Resources whose outputs flowed into `r`'s input `property`, optionally of one type. */
    deps(r: PolicyResource, property: string, type?: string): PolicyResource[] {
        const list = r.propertyDependencies?.[property] ?? [];
        return type === undefined ? [...list] : list.filter((d) => d.type === type);
    }

    /** True when `r` depends on `target`, through any property or `dependsOn`. */
    dependsOn(r: PolicyResource, target: PolicyResource): boolean {
        if (r.dependencies?.some((d) => d.urn === target.urn)) {
            return true;
        }
        return Object.values(r.propertyDependencies ?? {}).some((list) => list.some((d) => d.urn === target.urn));
    }

    servers(): PolicyResource[] {
        return this.ofType(TYPES.server);
    }

    /** A server as messages name it: its physical name when declared, else its resource name. */
    serverLabel(server: PolicyResource): string {
        return this.serverName(server) ?? server.name;
    }

    /** Physical server name when declared. */
    serverName(server: PolicyResource): string | undefined {
        const name = this.props<ServerInputs>(server).serverName;
        return typeof name === "string" ? name : undefined;
    }

    /**
     * The stack's server a child resource (configuration, admin, firewall rule) belongs to, through its
     * `serverName` dependency, else by equal server name, else the only server of the stack when the child's
     * server name is not known yet.
     */
    serverFor(child: PolicyResource, property = "serverName"): PolicyResource | undefined {
        const linked = this.deps(child, property, TYPES.server);
        if (linked.length > 0) {
            return linked[0];
        }
        const servers = this.servers();
        const name = (this.props<Record<string, unknown>>(child))[property];
        if (typeof name === "string") {
            return servers.find((s) => ciEquals(this.serverName(s), name));
        }
        return servers.length === 1 ? servers[0] : undefined;
    }

    /** Children of `server` among resources of `types`. */
    childrenOf(server: PolicyResource, ...types: string[]): PolicyResource[] {
        return this.ofType(...types).filter((c) => this.serverFor(c)?.urn === server.urn);
    }

    /** True when the server is VNet-integrated (a delegated subnet is set, known or not). */
    isVnetIntegrated(server: PolicyResource): boolean {
        const network = this.props<ServerInputs>(server).network;
        return hasKey(network, "delegatedSubnetResourceId") || this.deps(server, "network", TYPES.subnet).length > 0;
    }

    /**
     * The server's delegated subnet when it is part of the stack: through the `network` dependency, else by
     * the subnet name in a known `delegatedSubnetResourceId`, else the stack's only subnet delegated to
     * flexible servers.
     */
    subnetOfServer(server: PolicyResource): PolicyResource | undefined {
        if (!this.isVnetIntegrated(server)) {
            return undefined;
        }
        const linked = this.deps(server, "network", TYPES.subnet);
        if (linked.length > 0) {
            return linked[0];
        }
        const subnets = this.ofType(TYPES.subnet);
        const id = this.props<ServerInputs>(server).network?.delegatedSubnetResourceId;
        const wanted = armName(id, "subnets");
        if (wanted !== undefined) {
            const vnet = armName(id, "virtualNetworks");
            return subnets.find((s) => {
                const p = this.props<SubnetInputs>(s);
                return fold(p.subnetName) === wanted && (vnet === undefined || p.virtualNetworkName === undefined || fold(p.virtualNetworkName) === vnet);
            });
        }
        const delegated = subnets.filter((s) => this.isDelegatedToPostgres(s));
        return delegated.length === 1 ? delegated[0] : undefined;
    }

    isDelegatedToPostgres(subnet: PolicyResource): boolean {
        return arrayOf<{ serviceName?: string }>(this.props<SubnetInputs>(subnet).delegations)
            .some((d) => ciEquals(d?.serviceName, POSTGRES_DELEGATION));
    }

    /**
     * A subnet's association with a resource of `type` set through `property` (`{ id }`):
     * `undefined` when none is set, `"external"` when set but not resolvable to a resource of this stack.
     */
    private association(subnet: PolicyResource, property: string, type: string, collection: string, nameProperty: string): PolicyResource | "external" | undefined {
        const linked = this.deps(subnet, property, type);
        if (linked.length > 0) {
            return linked[0];
        }
        const props = this.props<Record<string, unknown>>(subnet);
        if (!hasKey(props, property)) {
            return undefined;
        }
        const ref = props[property] as { id?: unknown } | undefined;
        const name = armName(ref?.id, collection);
        const match = name === undefined ? undefined : this.ofType(type).find((r) => fold(this.props<Record<string, unknown>>(r)[nameProperty]) === name);
        return match ?? "external";
    }

    /** The subnet's NSG: a stack resource, `"external"`, or `undefined` when the subnet has none. */
    nsgOfSubnet(subnet: PolicyResource): PolicyResource | "external" | undefined {
        return this.association(subnet, "networkSecurityGroup", TYPES.nsg, "networkSecurityGroups", "networkSecurityGroupName");
    }

    /** The subnet's route table: a stack resource, `"external"`, or `undefined` when it has none. */
    routeTableOfSubnet(subnet: PolicyResource): PolicyResource | "external" | undefined {
        return this.association(subnet, "routeTable", TYPES.routeTable, "routeTables", "routeTableName");
    }

    /** The subnet's NAT gateway: a stack resource, `"external"`, or `undefined`. */
    natGatewayOfSubnet(subnet: PolicyResource): PolicyResource | "external" | undefined {
        return this.association(subnet, "natGateway", TYPES.natGateway, "natGateways", "natGatewayName");
    }

    /** The VNet a subnet belongs to, when it is part of the stack. */
    vnetOfSubnet(subnet: PolicyResource): PolicyResource | undefined {
        const linked = this.deps(subnet, "virtualNetworkName", TYPES.virtualNetwork);
        if (linked.length > 0) {
            return linked[0];
        }
        const name = this.props<SubnetInputs>(subnet).virtualNetworkName;
        return typeof name === "string"
            ? this.ofType(TYPES.virtualNetwork).find((v) => ciEquals(this.props<Record<string, unknown>>(v).virtualNetworkName, name))
            : undefined;
    }

    /** Every rule of an NSG: inline ones and standalone `SecurityRule` resources attached to it. */
    nsgRules(nsg: PolicyResource): NsgRule[] {
        const rules = inlineRules(nsg.props);
        const nsgName = this.props<Record<string, unknown>>(nsg).networkSecurityGroupName;
        for (const rule of this.ofType(TYPES.securityRule)) {
            const props = this.props<SecurityRuleInputs & { networkSecurityGroupName?: string }>(rule);
            const attached = this.deps(rule, "networkSecurityGroupName", TYPES.nsg).some((d) => d.urn === nsg.urn) ||
                (typeof nsgName === "string" && ciEquals(props.networkSecurityGroupName, nsgName));
            if (attached) {
                rules.push(normalizeRule(props, rule.name));
            }
        }
        return rules;
    }

    /** Every route of a route table: inline ones and standalone `Route` resources attached to it. */
    routes(routeTable: PolicyResource): RouteEntry[] {
        const entries: RouteEntry[] = arrayOf<RouteInputs>(this.props<RouteTableInputs>(routeTable).routes)
            .map((r, i) => ({ name: r?.name ?? `#${i}`, addressPrefix: r?.addressPrefix, nextHopType: r?.nextHopType }));
        const tableName = this.props<Record<string, unknown>>(routeTable).routeTableName;
        for (const route of this.ofType(TYPES.route)) {
            const props = this.props<RouteInputs & { routeTableName?: string; routeName?: string }>(route);
            const attached = this.deps(route, "routeTableName", TYPES.routeTable).some((d) => d.urn === routeTable.urn) ||
                (typeof tableName === "string" && ciEquals(props.routeTableName, tableName));
            if (attached) {
                entries.push({ name: props.routeName ?? props.name ?? route.name, addressPrefix: props.addressPrefix, nextHopType: props.nextHopType });
            }
        }
        return entries;
    }

    /** NICs attached to a VM (through `networkProfile`, else by NIC name in known ids). */
    nicsOfVm(vm: PolicyResource): PolicyResource[] {
        const linked = this.deps(vm, "networkProfile", TYPES.networkInterface);
        if (linked.length > 0) {
            return linked;
        }
        const names = arrayOf<{ id?: string }>(this.props<VirtualMachineInputs>(vm).networkProfile?.networkInterfaces)
            .map((n) => armName(n?.id, "networkInterfaces"))
            .filter((n): n is string => n !== undefined);
        return this.ofType(TYPES.networkInterface)
            .filter((nic) => names.includes(fold(this.props<NetworkInterfaceInputs>(nic).networkInterfaceName) ?? "\u0000"));
    }

    /** Subnets a NIC's IP configurations are in. */
    subnetsOfNic(nic: PolicyResource): PolicyResource[] {
        const linked = this.deps(nic, "ipConfigurations", TYPES.subnet);
        if (linked.length > 0) {
            return linked;
        }
        const ids = arrayOf<{ subnet?: { id?: string } }>(this.props<NetworkInterfaceInputs>(nic).ipConfigurations).map((c) => c?.subnet?.id);
        return this.ofType(TYPES.subnet).filter((s) => ids.some((id) => armName(id, "subnets") === fold(this.props<SubnetInputs>(s).subnetName)));
    }

    /** Public IP resources attached to a NIC or to a subnet's NAT gateway: a VM's possible egress addresses. */
    egressPublicIps(vm: PolicyResource): PolicyResource[] {
        const ips: PolicyResource[] = [];
        for (const nic of this.nicsOfVm(vm)) {
            ips.push(...this.deps(nic, "ipConfigurations", TYPES.publicIp));
            for (const subnet of this.subnetsOfNic(nic)) {
                const nat = this.natGatewayOfSubnet(subnet);
                if (nat !== undefined && nat !== "external") {
                    ips.push(...this.deps(nat, "publicIpAddresses", TYPES.publicIp));
                    const ids = arrayOf<{ id?: string }>(this.props<NatGatewayInputs>(nat).publicIpAddresses).map((p) => armName(p?.id, "publicIPAddresses"));
                    ips.push(...this.ofType(TYPES.publicIp).filter((ip) => ids.includes(fold(this.props<Record<string, unknown>>(ip).publicIpAddressName))));
                }
            }
        }
        return ips;
    }

    /** Private endpoints whose private link service is the server. */
    privateEndpointsFor(server: PolicyResource): PolicyResource[] {
        const name = fold(this.serverName(server));
        return this.ofType(TYPES.privateEndpoint).filter((pe) => {
            if (this.deps(pe, "privateLinkServiceConnections", TYPES.server).some((d) => d.urn === server.urn) ||
                this.deps(pe, "manualPrivateLinkServiceConnections", TYPES.server).some((d) => d.urn === server.urn)) {
                return true;
            }
            const p = this.props<PrivateEndpointInputs>(pe);
            const connections = [...arrayOf<{ privateLinkServiceId?: string }>(p.privateLinkServiceConnections),
                ...arrayOf<{ privateLinkServiceId?: string }>(p.manualPrivateLinkServiceConnections)];
            return name !== undefined && connections.some((c) => armName(c?.privateLinkServiceId, "flexibleServers") === name);
        });
    }

    /** Diagnostic settings scoped to the server (through `resourceUri`). */
    diagnosticSettingsFor(server: PolicyResource): PolicyResource[] {
        const name = fold(this.serverName(server));
        return this.resources.filter((r) => isDiagnosticSettingType(r.type)).filter((ds) =>
            this.deps(ds, "resourceUri", TYPES.server).some((d) => d.urn === server.urn) ||
            (name !== undefined && armName(this.props<Record<string, unknown>>(ds).resourceUri, "flexibleServers") === name));
    }
}
