import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import githubRunners from "./githubRunners.json";

export interface GitHubNetworkSettingsArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    /** Physical name of the GitHub.Network/networkSettings resource. */
    name: string;
    /** Name of the ARM deployment that declares it. */
    deploymentName: string;
    /** The subnet delegated to GitHub.Network/networkSettings. */
    subnetId: pulumi.Input<string>;
    /** The GitHub organization's (or enterprise's) database id. */
    businessId: string;
    /** Subscription the stack's ids are built from; the deployment reports the real one, which must match. */
    subscriptionId: string;
    /** The ARM id the resource gets (built from the subscription and the fixed names). */
    expectedId: string;
    tags?: Record<string, string>;
}

/** ARM template that declares one GitHub.Network/networkSettings resource and reports its ids. */
export function networkSettingsTemplate(): Record<string, unknown> {
    const { resourceType, apiVersion, gitHubIdTag } = githubRunners.networkSettings;
    const resourceId = `resourceId('${resourceType}', parameters('name'))`;
    return {
        $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        contentVersion: "1.0.0.0",
        parameters: {
            name: { type: "string" },
            location: { type: "string" },
            subnetId: { type: "string" },
            businessId: { type: "string" },
            tags: { type: "object", defaultValue: {} },
        },
        resources: [{
            type: resourceType,
            apiVersion,
            name: "[parameters('name')]",
            location: "[parameters('location')]",
            tags: "[parameters('tags')]",
            properties: { subnetId: "[parameters('subnetId')]", businessId: "[parameters('businessId')]" },
        }],
        outputs: {
            id: { type: "string", value: `[${resourceId}]` },
            // GitHub tags the resource with the id its network configurations take (network_settings_ids).
            gitHubId: { type: "string", value: `[reference(${resourceId}, '${apiVersion}', 'Full').tags.${gitHubIdTag}]` },
            subscriptionId: { type: "string", value: "[subscription().subscriptionId]" },
        },
    };
}

/**
 * The `GitHub.Network/networkSettings` resource that lets GitHub-hosted runners of one organization join a
 * delegated subnet (Azure private networking for GitHub-hosted runners). azure-native has no type for it, so an ARM
 * deployment declares it with GitHub's documented api-version and properties (subnetId, businessId); see
 * githubRunners.json for the source. Deleting the deployment does not delete the resource: deleting the resource
 * group does.
 */
export class GitHubNetworkSettings extends pulumi.ComponentResource {
    readonly deployment: resources.Deployment;
    /** ARM id of the networkSettings resource, once Azure has confirmed it is the expected one. */
    readonly id: pulumi.Output<string>;
    /** The GitHubId tag: the id a GitHub network configuration takes. Unknown until Azure has created the resource. */
    readonly gitHubId: pulumi.Output<string | undefined>;

    constructor(name: string, args: GitHubNetworkSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres-network:github:NetworkSettings", name, {}, opts);
        this.deployment = new resources.Deployment(`${name}-deployment`, {
            resourceGroupName: args.resourceGroupName,
            deploymentName: args.deploymentName,
            properties: {
                mode: resources.DeploymentMode.Incremental,
                template: networkSettingsTemplate(),
                parameters: {
                    name: { value: args.name },
                    location: { value: args.location },
                    subnetId: { value: args.subnetId },
                    businessId: { value: args.businessId },
                    tags: { value: args.tags ?? {} },
                },
            },
        }, { parent: this });
        const outputs = this.deployment.properties.apply((p) => (p?.outputs ?? {}) as Record<string, { value?: string } | undefined>);
        // The ids the stack exports are built from the subscriptionId setting; a deployment into another
        // subscription would export ids that do not exist, so stop with the key to fix.
        this.id = outputs.apply((o) => {
            const actual = o.subscriptionId?.value;
            if (actual !== undefined && actual.toLowerCase() !== args.subscriptionId.toLowerCase()) {
                throw new Error(`entra-postgres-network:subscriptionId is ${args.subscriptionId}, but the network was deployed to subscription ${actual}: set it to ${actual}.`);
            }
            if (o.id?.value !== undefined && o.id.value.toLowerCase() !== args.expectedId.toLowerCase()) {
                throw new Error(`The networkSettings resource has id ${o.id.value}, not the expected ${args.expectedId}.`);
            }
            return args.expectedId;
        });
        this.gitHubId = outputs.apply((o) => o.gitHubId?.value);
        this.registerOutputs({ id: this.id, gitHubId: this.gitHubId });
    }
}
