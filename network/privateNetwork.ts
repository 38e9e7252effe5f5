import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as types from "@pulumi/azure-native/types";
import { NetworkProjectConfig } from "./config";
import githubRunners from "./githubRunners.json";
import { NetworkNames } from "./names";

/** `name` once `resource` exists: the dependency of `resource.name` with the fixed name the code gave it. */
export function named(resource: pulumi.CustomResource, name: string): pulumi.Output<string> {
    return resource.id.apply(() => name);
}

export interface PrivateNetworkArgs {
    resourceGroupName: pulumi.Input<string>;
    config: NetworkProjectConfig;
    names: NetworkNames;
}

/**
 * The NSG rules GitHub documents for runners in an Azure VNet, without its closing rule that denies all other
 * outbound Internet traffic: the deploy job installs npm packages and the Pulumi CLI and calls Azure Resource
 * Manager, Entra ID and the Pulumi backend, none of which those rules allow. Outbound traffic leaves through the
 * NAT gateway instead. Source: githubRunners.json.
 */
export function runnerSecurityRules(): types.input.network.SecurityRuleArgs[] {
    return githubRunners.rules
        .filter((rule) => !(rule.access === "Deny" && rule.destinationAddressPrefix === "Internet"))
        .map((rule) => ({ ...rule, description: "GitHub-hosted runners with Azure private networking (GitHub docs, actions-nsg-deployment.bicep)" }));
}

/**
 * The VNet of a private stack: subnet `clients` (the database stack's VM), `endpoints` (the server's private
 * endpoint) and `runners` (delegated to GitHub.Network/networkSettings), each with its own NSG; a NAT gateway for
 * the outbound traffic of clients and runners (new subnets here have no default outbound access); and the private
 * DNS zone of PostgreSQL private endpoints, linked to the VNet so the runners resolve the server's private address.
 */
export class PrivateNetwork extends pulumi.ComponentResource {
    readonly vnet: network.VirtualNetwork;
    readonly clients: network.Subnet;
    readonly endpoints: network.Subnet;
    readonly runners: network.Subnet;
    readonly zone: privatedns.PrivateZone;
    readonly zoneLink: privatedns.VirtualNetworkLink;

    constructor(name: string, args: PrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres-network:network:PrivateNetwork", name, {}, opts);
        const child = { parent: this };
        const { resourceGroupName, config, names } = args;
        const { location, tags } = config;

        this.vnet = new network.VirtualNetwork("vnet", {
            resourceGroupName,
            location,
            virtualNetworkName: names.vnet,
            addressSpace: { addressPrefixes: [config.addressSpace] },
            tags,
        }, child);

        // Children take the VNet's fixed name once it exists (its `name` output is that name).
        const vnetName = named(this.vnet, names.vnet);

        const nsg = (key: "clients" | "endpoints" | "runners", securityRules: types.input.network.SecurityRuleArgs[]) =>
            new network.NetworkSecurityGroup(`${key}-nsg`, {
                resourceGroupName,
                location,
                networkSecurityGroupName: names.nsgs[key],
                securityRules,
                tags,
            }, child);
        // No inbound rule on clients or endpoints: the VNet's own default rules let the VM reach the endpoint.
        const clientsNsg = nsg("clients", []);
        const endpointsNsg = nsg("endpoints", []);
        const runnersNsg = nsg("runners", runnerSecurityRules());

        const natIp = new network.PublicIPAddress("nat-ip", {
            resourceGroupName,
            location,
            publicIpAddressName: names.natPublicIp,
            sku: { name: "Standard" },
            publicIPAllocationMethod: "Static",
            tags,
        }, child);
        const nat = new network.NatGateway("nat", {
            resourceGroupName,
            location,
            natGatewayName: names.natGateway,
            sku: { name: "Standard" },
            publicIpAddresses: [{ id: natIp.id }],
            tags,
        }, child);

        // Subnet writes on one VNet fail when they overlap in time, so each subnet waits for the one before.
        this.clients = new network.Subnet("clients", {
            resourceGroupName,
            virtualNetworkName: vnetName,
            subnetName: names.subnets.clients,
            addressPrefix: config.clientsSubnet,
            networkSecurityGroup: { id: clientsNsg.id },
            natGateway: { id: nat.id },
            defaultOutboundAccess: false,
        }, child);
        this.endpoints = new network.Subnet("endpoints", {
            resourceGroupName,
            virtualNetworkName: vnetName,
            subnetName: names.subnets.endpoints,
            addressPrefix: config.endpointsSubnet,
            networkSecurityGroup: { id: endpointsNsg.id },
            // Private endpoints ignore NSGs unless the subnet enables network policies for them. Learn: "Manage
            // network policies for private endpoints", https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
            privateEndpointNetworkPolicies: network.VirtualNetworkPrivateEndpointNetworkPolicies.NetworkSecurityGroupEnabled,
            defaultOutboundAccess: false,
        }, { parent: this, dependsOn: [this.clients] });
        this.runners = new network.Subnet("runners", {
            resourceGroupName,
            virtualNetworkName: vnetName,
            subnetName: names.subnets.runners,
            addressPrefix: config.runnersSubnet,
            delegations: [{ name: "github-network-settings", serviceName: githubRunners.networkSettings.subnetDelegation }],
            networkSecurityGroup: { id: runnersNsg.id },
            natGateway: { id: nat.id },
            defaultOutboundAccess: false,
        }, { parent: this, dependsOn: [this.endpoints] });

        this.zone = new privatedns.PrivateZone("zone", {
            resourceGroupName,
            location: "global",
            privateZoneName: names.privateDnsZone,
            tags,
        }, child);
        this.zoneLink = new privatedns.VirtualNetworkLink("zone-link", {
            resourceGroupName,
            location: "global",
            privateZoneName: named(this.zone, names.privateDnsZone),
            virtualNetworkLinkName: names.zoneLink,
            virtualNetwork: { id: this.vnet.id },
            registrationEnabled: false,
            tags,
        }, child);

        this.registerOutputs({ vnetId: this.vnet.id, runnersSubnetId: this.runners.id, zoneId: this.zone.id });
    }
}
