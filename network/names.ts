import { NetworkProjectConfig, privateLinkZones } from "./config";

/**
 * The physical name of every resource of a network stack, fixed (no auto-naming) and derived from the stack name,
 * so the ids the database stack's `network.existing` carries can be written down before the first deploy and a
 * new environment is a new stack file. The database stack's Pulumi.<stack>.yaml holds these ids.
 */
export interface NetworkNames {
    readonly resourceGroup: string;
    readonly vnet: string;
    readonly subnets: { readonly clients: "clients"; readonly endpoints: "endpoints"; readonly runners: "runners" };
    readonly nsgs: { readonly clients: string; readonly endpoints: string; readonly runners: string };
    readonly natGateway: string;
    readonly natPublicIp: string;
    readonly privateDnsZone: string;
    readonly zoneLink: string;
    readonly networkSettings: string;
    readonly networkSettingsDeployment: string;
}

export function networkNames(config: Pick<NetworkProjectConfig, "stack" | "cloud">): NetworkNames {
    const prefix = `entra-postgres-${config.stack}`;
    return {
        resourceGroup: `${prefix}-network`,
        vnet: `${prefix}-vnet`,
        subnets: { clients: "clients", endpoints: "endpoints", runners: "runners" },
        nsgs: { clients: `${prefix}-clients-nsg`, endpoints: `${prefix}-endpoints-nsg`, runners: `${prefix}-runners-nsg` },
        natGateway: `${prefix}-nat`,
        natPublicIp: `${prefix}-nat-ip`,
        privateDnsZone: privateLinkZones[config.cloud],
        zoneLink: `${prefix}-vnet-link`,
        networkSettings: `${prefix}-runners`,
        networkSettingsDeployment: `${prefix}-github-network-settings`,
    };
}

/** The ids the database stack's `network.existing` takes, in the shape it takes them. */
export interface ExistingIds {
    readonly vmSubnetId: string;
    readonly endpointSubnetId: string;
    readonly privateDnsZoneId: string;
}

/** Full ARM ids built from the subscription and the fixed names (ARM's id layout: resourceGroups/<rg>/providers/<namespace>/<type>/<name>). */
export function armIds(config: Pick<NetworkProjectConfig, "stack" | "cloud" | "subscriptionId">): ExistingIds & { vnetId: string; runnersSubnetId: string; networkSettingsId: string } {
    const names = networkNames(config);
    const group = `/subscriptions/${config.subscriptionId}/resourceGroups/${names.resourceGroup}/providers`;
    const vnetId = `${group}/Microsoft.Network/virtualNetworks/${names.vnet}`;
    return {
        vnetId,
        vmSubnetId: `${vnetId}/subnets/${names.subnets.clients}`,
        endpointSubnetId: `${vnetId}/subnets/${names.subnets.endpoints}`,
        runnersSubnetId: `${vnetId}/subnets/${names.subnets.runners}`,
        privateDnsZoneId: `${group}/Microsoft.Network/privateDnsZones/${names.privateDnsZone}`,
        networkSettingsId: `${group}/GitHub.Network/networkSettings/${names.networkSettings}`,
    };
}
