import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import { Cloud, cloudEndpoints } from "./cloud";
import { NetworkAccess } from "./config";
import { defaults } from "./config/settings";
import { linkZone, zoneFromId } from "./dnsZoneLinks";

/**
 * Every NSG the stack creates denies outbound SSH (22) and RDP (3389) to the virtual network, so a compromised VM
 * cannot log in to its neighbours (the pack's `nsg-lateral-traversal`, from PSRule's Azure.NSG.LateralTraversal).
 * Without it Azure's default rule AllowVnetOutBound (priority 65000) allows that traffic; 4000 and 4001 sit below it and
 * leave 100–3999 for rules of the stack's owner (NSG priorities run 100–4096: Learn, "Network security groups",
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules and
 * #default-security-rules). What the stack's own traffic needs is untouched: the VM reaches the server on 5432,
 * Entra ID on 443 (AzureActiveDirectory, outside the VNet) and IMDS at 169.254.169.254, which NSGs do not filter.
 */
export const denyLateralManagement: azureInputs.network.SecurityRuleArgs[] = [
    { port: "22", what: "SSH", priority: 4000 },
    { port: "3389", what: "RDP", priority: 4001 },
].map(({ port, what, priority }) => ({
    name: `deny-outbound-${what.toLowerCase()}-to-vnet`,
    priority,
    direction: "Outbound",
    access: "Deny",
    protocol: "Tcp",
    sourceAddressPrefix: "VirtualNetwork",
    sourcePortRange: "*",
    destinationAddressPrefix: "VirtualNetwork",
    destinationPortRange: port,
    description: `No ${what} from this subnet to the rest of the virtual network (lateral movement)`,
}));

/** Network resources that already exist; ids may come from another resource or stack. */
export interface ExistingNetworkArgs {
    /** `private`: a subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`, with outbound 443 to `AzureActiveDirectory`. */
    serverSubnetId?: pulumi.Input<string>;
    /** The VM's subnet. */
    vmSubnetId?: pulumi.Input<string>;
    /** The server's private DNS zone (`private`: `*.private.postgres.database.<suffix>`; `private-endpoint`: `privatelink.postgres.database.<suffix>`). */
    privateDnsZoneId?: pulumi.Input<string>;
    /** `private-endpoint`: the subnet that holds the private endpoint. */
    endpointSubnetId?: pulumi.Input<string>;
}

export interface EntraNetworkArgs {
    /** Resource group of every network resource the component creates. */
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /**
     * How clients reach the server. `private` (default): VNet integration, a delegated subnet and a private DNS
     * zone. `private-endpoint`: a subnet for the private endpoint (the endpoint and its zone are
     * `PostgresPrivateEndpoint`). `public`: only the VM's network.
     */
    access?: NetworkAccess;
    /** Server name: the `private` DNS zone is `<server>.<cloud's private postgres suffix>`. */
    serverName: string;
    /** Cloud of the DNS suffixes. Default `public`. */
    cloud?: Cloud;
    /** VNet address space. Default `10.20.0.0/16`. Not used with `existing`. */
    addressSpace?: string;
    /** `private`: prefix of the delegated subnet (at least a /28). Default `10.20.1.0/24`. */
    serverSubnet?: string;
    /** Prefix of the VM subnet. Default `10.20.2.0/24`. */
    vmSubnet?: string;
    /** `private-endpoint`: prefix of the endpoint subnet. Default `10.20.3.0/24`. */
    endpointSubnet?: string;
    /** `private`: a route table on the server subnet routing `AzureActiveDirectory` to `Internet`. Default false. */
    routeTable?: boolean;
    /** A NAT gateway for the VM subnet's outbound traffic (new VNets have no default outbound access). Default true. */
    natGateway?: boolean;
    /**
     * Use these instead of creating a network: with it the component declares no VNet, subnet, NSG, route table,
     * NAT gateway or DNS zone, and exposes the given ids. The network must already have what the mode needs
     * (docs/roles-and-access.md, "Network line of sight for the role provider"); nothing here can check it.
     */
    existing?: ExistingNetworkArgs;
    /** `private`: further VNets (ids) linked to the server's DNS zone, created or existing. Default none. */
    dnsZoneLinks?: pulumi.Input<string>[];
    tags?: Record<string, string>;
}

/**
 * The network a Flexible Server needs for Entra authentication.
 *
 * By default (stack-created): a VNet and a VM subnet with its own NSG (and, by default, a NAT gateway for
 * outbound access: new VNets have no default outbound access). `private` adds a subnet delegated to
 * `Microsoft.DBforPostgreSQL/flexibleServers`, a private DNS zone linked to the VNet, and what Entra needs on a
 * private server: an outbound NSG rule to the `AzureActiveDirectory` service tag and, with a route table, a
 * route to that tag with next hop `Internet`. Learn: "Microsoft Entra authentication with Azure Database for
 * PostgreSQL flexible server", https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-azure-ad-authentication (network requirements, private access).
 * `private-endpoint` adds an endpoint subnet with its own NSG and no delegation; the server is not in a subnet
 * of this network, so it needs no Entra rule or route here.
 *
 * With `existing` it creates none of that (only the extra `dnsZoneLinks`) and exposes the ids given.
 */
export class EntraNetwork extends pulumi.ComponentResource {
    /** Stack-created network only. */
    readonly vnet?: network.VirtualNetwork;
    readonly vmSubnet?: network.Subnet;
    readonly natPublicIp?: network.PublicIPAddress;
    /** `private`, stack-created only. */
    readonly serverSubnet?: network.Subnet;
    readonly serverNsg?: network.NetworkSecurityGroup;
    readonly routeTable?: network.RouteTable;
    readonly dnsZone?: privatedns.PrivateZone;
    /** `private-endpoint`, stack-created only. */
    readonly endpointSubnet?: network.Subnet;
    /** The VNet (stack-created only). */
    readonly vnetId?: pulumi.Output<string>;
    /** The VM's subnet, created or given. */
    readonly vmSubnetId?: pulumi.Output<string>;
    /** `private`: the delegated subnet, created or given. */
    readonly serverSubnetId?: pulumi.Output<string>;
    /** `private`: the server's private DNS zone, created or given. */
    readonly privateDnsZoneId?: pulumi.Output<string>;
    /** `private-endpoint`: the endpoint's subnet, created or given. */
    readonly endpointSubnetId?: pulumi.Output<string>;
    /** The `dnsZoneLinks` links (`private`). */
    readonly extraZoneLinks: privatedns.VirtualNetworkLink[];
    /** Resources the server must wait for (subnet, zone and its VNet links). */
    readonly serverDependencies: pulumi.Resource[];

    constructor(name: string, args: EntraNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:network:EntraNetwork", name, {}, opts);
        const child = { parent: this };
        const { resourceGroupName, location, tags } = args;
        const access = args.access ?? defaults.network.access;
        const cloud = args.cloud ?? defaults.cloud;
        this.serverDependencies = [];
        this.extraZoneLinks = [];

        if (args.existing) {
            const given = (id?: pulumi.Input<string>) => (id === undefined ? undefined : pulumi.output(id));
            this.vmSubnetId = given(args.existing.vmSubnetId);
            if (access === "private") {
                this.serverSubnetId = given(args.existing.serverSubnetId);
                this.privateDnsZoneId = given(args.existing.privateDnsZoneId);
                if (this.privateDnsZoneId) {
                    this.extraZoneLinks = linkZone(`${name}-dns`, zoneFromId(this.privateDnsZoneId), args.dnsZoneLinks ?? [], child, tags);
                }
                this.serverDependencies.push(...this.extraZoneLinks);
            } else if (access === "private-endpoint") {
                this.endpointSubnetId = given(args.existing.endpointSubnetId);
            }
            this.registerOutputs({ vmSubnetId: this.vmSubnetId, serverSubnetId: this.serverSubnetId, dnsZoneId: this.privateDnsZoneId, endpointSubnetId: this.endpointSubnetId });
            return;
        }

        const d = defaults.network;
        this.vnet = new network.VirtualNetwork(`${name}-vnet`, {
            resourceGroupName,
            location,
            addressSpace: { addressPrefixes: [args.addressSpace ?? d.addressSpace] },
            tags,
        }, child);
        this.vnetId = this.vnet.id;

        const vmNsg = new network.NetworkSecurityGroup(`${name}-vm-nsg`, {
            resourceGroupName,
            location,
            // No inbound rule: SSH is reached through Bastion, a VPN or an explicitly opened rule, never the internet.
            securityRules: [...denyLateralManagement],
            tags,
        }, child);

        let natGateway: network.NatGateway | undefined;
        if (args.natGateway ?? d.natGateway) {
            this.natPublicIp = new network.PublicIPAddress(`${name}-nat-ip`, {
                resourceGroupName,
                location,
                sku: { name: "Standard" },
                publicIPAllocationMethod: "Static",
                tags,
            }, child);
            natGateway = new network.NatGateway(`${name}-nat`, {
                resourceGroupName,
                location,
                sku: { name: "Standard" },
                publicIpAddresses: [{ id: this.natPublicIp.id }],
                tags,
            }, child);
        }

        if (access === "private") {
            this.serverNsg = new network.NetworkSecurityGroup(`${name}-server-nsg`, {
                resourceGroupName,
                location,
                securityRules: [{
                    // Entra authentication on a VNet-integrated server calls Entra ID (Learn: concepts-azure-ad-authentication, private access; URL above).
                    name: "allow-outbound-azure-active-directory",
                    priority: 100,
                    direction: "Outbound",
                    access: "Allow",
                    protocol: "Tcp",
                    sourceAddressPrefix: "VirtualNetwork",
                    sourcePortRange: "*",
                    destinationAddressPrefix: "AzureActiveDirectory",
                    destinationPortRange: "443",
                    description: "Microsoft Entra authentication for PostgreSQL Flexible Server",
                }, ...denyLateralManagement],
                tags,
            }, child);

            if (args.routeTable ?? d.routeTable) {
                this.routeTable = new network.RouteTable(`${name}-server-routes`, {
                    resourceGroupName,
                    location,
                    disableBgpRoutePropagation: false,
                    routes: [{
                        name: "azure-active-directory-to-internet",
                        addressPrefix: "AzureActiveDirectory",
                        nextHopType: "Internet",
                    }],
                    tags,
                }, child);
            }

            this.serverSubnet = new network.Subnet(`${name}-server-subnet`, {
                resourceGroupName,
                virtualNetworkName: this.vnet.name,
                addressPrefix: args.serverSubnet ?? d.serverSubnet,
                delegations: [{ name: "postgres-flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
                networkSecurityGroup: { id: this.serverNsg.id },
                routeTable: this.routeTable ? { id: this.routeTable.id } : undefined,
                defaultOutboundAccess: false,
            }, child);

            this.dnsZone = new privatedns.PrivateZone(`${name}-dns`, {
                resourceGroupName,
                location: "global",
                privateZoneName: `${args.serverName}.${cloudEndpoints[cloud].privateDnsSuffix}`,
                tags,
            }, child);

            const link = new privatedns.VirtualNetworkLink(`${name}-dns-link`, {
                resourceGroupName,
                location: "global",
                privateZoneName: this.dnsZone.name,
                virtualNetwork: { id: this.vnet.id },
                registrationEnabled: false,
                tags,
            }, child);
            this.extraZoneLinks = linkZone(`${name}-dns`, { resourceGroupName, zoneName: this.dnsZone.name }, args.dnsZoneLinks ?? [], child, tags);
            this.serverDependencies.push(this.serverSubnet, this.dnsZone, link, ...this.extraZoneLinks);
            this.serverSubnetId = this.serverSubnet.id;
            this.privateDnsZoneId = this.dnsZone.id;
        }

        this.vmSubnet = new network.Subnet(`${name}-vm-subnet`, {
            resourceGroupName,
            virtualNetworkName: this.vnet.name,
            addressPrefix: args.vmSubnet ?? d.vmSubnet,
            networkSecurityGroup: { id: vmNsg.id },
            natGateway: natGateway ? { id: natGateway.id } : undefined,
            defaultOutboundAccess: false,
        }, {
            parent: this,
            // Subnet writes on one VNet fail when they overlap. The server waits for its subnet and the VM does not
            // wait for the server, so the VM's subnet goes second.
            dependsOn: this.serverSubnet ? [this.serverSubnet] : [],
        });
        this.vmSubnetId = this.vmSubnet.id;

        if (access === "private-endpoint") {
            const endpointNsg = new network.NetworkSecurityGroup(`${name}-endpoint-nsg`, {
                resourceGroupName,
                location,
                securityRules: [...denyLateralManagement],
                tags,
            }, child);
            this.endpointSubnet = new network.Subnet(`${name}-endpoint-subnet`, {
                resourceGroupName,
                virtualNetworkName: this.vnet.name,
                addressPrefix: args.endpointSubnet ?? d.endpointSubnet,
                networkSecurityGroup: { id: endpointNsg.id },
                defaultOutboundAccess: false,
            }, { parent: this, dependsOn: [this.vmSubnet] });
            this.endpointSubnetId = this.endpointSubnet.id;
        }

        this.registerOutputs({
            vnetId: this.vnet.id,
            vmSubnetId: this.vmSubnet.id,
            serverSubnetId: this.serverSubnet?.id,
            dnsZoneId: this.dnsZone?.id,
            endpointSubnetId: this.endpointSubnetId,
        });
    }
}
