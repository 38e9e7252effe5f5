import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config/cloud";
import { DynamicResource, packagedProviderModule, providerOrPackaged } from "../roles/dynamicResource";
import { serverGuardProvider, serverRestartProvider } from "./provider";

/** The package subpath (package.json `exports`) of the compiled providers, which the packaged module text requires. */
export const restartProviderModule = "entra-postgres/restart-provider";

const providers = { serverRestartProvider, serverGuardProvider };
export type RestartProviderName = keyof typeof providers;

/** What the resources hand to `DynamicResource`: the packaged module text, or the provider serialized (see `providerOrPackaged`). */
export function restartProvider(name: RestartProviderName): pulumi.dynamic.ResourceProvider | string {
    return providerOrPackaged(providers[name], restartProviderModule, name);
}

/** The module text stored in `__provider` for the installed package. */
export function packagedRestartProviderText(name: RestartProviderName): string {
    return packagedProviderModule(restartProviderModule, name);
}

export interface ServerRestartArgs {
    serverId: pulumi.Input<string>;
    serverName: pulumi.Input<string>;
    cloud: pulumi.Input<Cloud>;
    /** The static parameters written before the restart (name → value). */
    parameters: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Restarts a Flexible Server through Azure Resource Manager (Servers_Restart) when a static parameter's value
 * changed, and only then, so that the values apply (Azure marks them `isConfigPendingRestart` until the server
 * restarts). Declared after the parameter writes in the server's write chain (decisions/writeChain.ts): Azure
 * refuses a restart while the server is `Updating` (hashicorp/terraform-provider-azurerm#29219). `pulumi preview`
 * shows it as a create or update exactly when a restart will happen.
 *
 * Type token: `pulumi-nodejs:dynamic/entra-postgres:ServerRestart`.
 */
export class ServerRestart extends DynamicResource {
    /** When the server was last restarted by this resource. */
    declare public readonly restartedAt: pulumi.Output<string>;
    declare public readonly parameters: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ServerRestartArgs, opts?: pulumi.CustomResourceOptions) {
        super(restartProvider("serverRestartProvider"), name, { ...args, restartedAt: undefined }, opts, "entra-postgres", "ServerRestart");
    }
}

export interface ServerGuardArgs {
    serverName: pulumi.Input<string>;
    storageGb: pulumi.Input<number>;
    version: pulumi.Input<string>;
    /** The stack's `protect`: with it, replacing or deleting the server or a database is refused. */
    protect?: pulumi.Input<boolean>;
    location?: pulumi.Input<string>;
    /** `private` (VNet integration), `public` or `private-endpoint`. */
    networkAccess?: pulumi.Input<string>;
    /** The databases declared on the server. */
    databases?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * Refuses, at `check` and so before anything changes, the server changes Azure cannot make: a smaller storage
 * size and a lower major version; and on a protected stack the changes that would replace or delete the server
 * or a database: a new server name, region or VNet mode, a database left out (provider.ts, `guardFailures`).
 * The one guard of the stack; the server depends on it.
 *
 * Type token: `pulumi-nodejs:dynamic/entra-postgres:ServerGuard`.
 */
export class ServerGuard extends DynamicResource {
    constructor(name: string, args: ServerGuardArgs, opts?: pulumi.CustomResourceOptions) {
        super(restartProvider("serverGuardProvider"), name, { ...args }, opts, "entra-postgres", "ServerGuard");
    }
}
