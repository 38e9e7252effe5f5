import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { Cloud, cloudEndpoints } from "./cloud";
import { NetworkConfig } from "./config";

export interface EntraNetworkArgs {
    /** Resource group of every network resource. */
    resourceGroupName: pulumi.Input<string>;
    location: string;
    /** Address plan and access mode (validated config). */
    config: NetworkConfig;
    /** Server name: the private DNS zone is `<server>.<cloud's private postgres suffix>`. */
    serverName: string;
    cloud: Cloud;
    tags?: Record<string, string>;
}

/**
 * The network a Flexible Server needs for Entra authentication.
 *
 * Always: a VNet and a VM subnet with its own NSG (and, by default, a NAT gateway for outbound access: new
 * VNets have no default outbound access). Private access adds a subnet delegated to
 * `Microsoft.DBforPostgreSQL/flexibleServers`, a private DNS zone linked to the VNet, and what Entra needs on a
 * private server: an outbound NSG rule to the `AzureActiveDirectory` service tag and, with a route table, a
 * route to that tag with next hop `Internet`. Learn: "Microsoft Entra authentication with Azure Database for
 * PostgreSQL flexible server", https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-azure-ad-authentication (network requirements, private access).
 */
export class EntraNetwork extends pulumi.ComponentResource {
    readonly vnet: network.VirtualNetwork;
    readonly vmSubnet: network.Subnet;
    readonly natPublicIp?: network.PublicIPAddress;
    /** Private access only. */
    readonly serverSubnet?: network.Subnet;
    readonly serverNsg?: network.NetworkSecurityGroup;
    readonly routeTable?: network.RouteTable;
    readonly dnsZone?: privatedns.PrivateZone;
    /** Resources the server must wait for (subnet, zone and its VNet link). */
    readonly serverDependencies: pulumi.Resource[];

    constructor(name: string, args: EntraNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:network:EntraNetwork", name, {}, opts);
        const child = { parent: this };
        const { resourceGroupName, location, config, tags } = args;

        this.vnet = new network.VirtualNetwork(`${name}-vnet`, {
            resourceGroupName,
            location,
            addressSpace: { addressPrefixes: [config.addressSpace] },
            tags,
        }, child);

        const vmNsg = new network.NetworkSecurityGroup(`${name}-vm-nsg`, {
            resourceGroupName,
            location,
            // No inbound rule: SSH is reached through Bastion, a VPN or an explicitly opened rule, never the internet.
            securityRules: [],
            tags,
        }, child);

        let natGateway: network.NatGateway | undefined;
        if (config.natGateway) {
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

        this.serverDependencies = [];
        if (config.access === "private") {
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
                }],
                tags,
            }, child);

            if (config.routeTable) {
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
                addressPrefix: config.serverSubnet,
                delegations: [{ name: "postgres-flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
                networkSecurityGroup: { id: this.serverNsg.id },
                routeTable: this.routeTable ? { id: this.routeTable.id } : undefined,
                defaultOutboundAccess: false,
            }, child);

            this.dnsZone = new privatedns.PrivateZone(`${name}-dns`, {
                resourceGroupName,
                location: "global",
                privateZoneName: `${args.serverName}.${cloudEndpoints[args.cloud].privateDnsSuffix}`,
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
            this.serverDependencies.push(this.serverSubnet, this.dnsZone, link);
        }

        this.vmSubnet = new network.Subnet(`${name}-vm-subnet`, {
            resourceGroupName,
            virtualNetworkName: this.vnet.name,
            addressPrefix: config.vmSubnet,
            networkSecurityGroup: { id: vmNsg.id },
            natGateway: natGateway ? { id: natGateway.id } : undefined,
            defaultOutboundAccess: false,
        }, {
            parent: this,
            // Subnet writes on one VNet fail when they overlap. The server waits for its subnet and the VM does not
            // wait for the server, so the VM's subnet goes second.
            dependsOn: this.serverSubnet ? [this.serverSubnet] : [],
        });

        this.registerOutputs({
            vnetId: this.vnet.id,
            vmSubnetId: this.vmSubnet.id,
            serverSubnetId: this.serverSubnet?.id,
            dnsZoneId: this.dnsZone?.id,
        });
    }
}
