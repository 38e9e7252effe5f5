import * as resources from "@pulumi/azure-native/resources";
import { loadNetworkConfig } from "./config";
import { GitHubNetworkSettings } from "./githubNetworkSettings";
import { armIds, networkNames } from "./names";
import { PrivateNetwork, named } from "./privateNetwork";

// The network phase of a private stack (docs/private-networking.md). Validated
// before anything is declared: bad settings stop here with every wrong key named.
const config = loadNetworkConfig();
const names = networkNames(config);
const ids = armIds(config);

const group = new resources.ResourceGroup("network", {
    resourceGroupName: names.resourceGroup,
    location: config.location,
    tags: config.tags,
});

// Every resource takes the group's fixed name once the group exists.
const resourceGroupName = named(group, names.resourceGroup);

const net = new PrivateNetwork("private", { resourceGroupName, config, names });

const settings = new GitHubNetworkSettings("runners", {
    resourceGroupName,
    location: config.location,
    name: names.networkSettings,
    deploymentName: names.networkSettingsDeployment,
    subnetId: net.runners.id,
    businessId: config.githubDatabaseId,
    subscriptionId: config.subscriptionId,
    expectedId: ids.networkSettingsId,
    tags: config.tags,
}, { dependsOn: [net.runners] });

export { resourceGroupName };
export const vnetId = ids.vnetId;
/** The database stack's `network.existing` (its Pulumi.<stack>.yaml at the repository root carries these). */
export const existing = { vmSubnetId: ids.vmSubnetId, endpointSubnetId: ids.endpointSubnetId, privateDnsZoneId: ids.privateDnsZoneId };
export const runnersSubnetId = ids.runnersSubnetId;
/** ARM id of the GitHub.Network/networkSettings resource, checked against what Azure reports. */
export const networkSettingsId = settings.id;
/** The id GitHub's network configuration takes (network_settings_ids): the resource's GitHubId tag. */
export const networkSettingsGitHubId = settings.gitHubId;
/** The ids Azure gave the resources, which must equal `existing` (the deploy workflow compares them with the stack file). */
export const deployedIds = { vmSubnetId: net.clients.id, endpointSubnetId: net.endpoints.id, privateDnsZoneId: net.zone.id };
