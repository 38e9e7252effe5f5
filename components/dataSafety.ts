import * as pulumi from "@pulumi/pulumi";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type { StackConfig } from "./config";
import { createTimeServerInputs, CustomerManagedKey } from "./customerManagedKey";
import { deleteLock, lockNotes } from "./lock";
import { ReadReplicas } from "./replicas";
import { restoreReplaceOn, restoreServerInputs } from "./restore";
import type { DataSafetyServerArgs, FlexibleServer } from "./server";
import { threatProtection } from "./threatProtection";

/**
 * How `EntraPostgres` applies the stack's data safety settings (docs/data-safety.md): before the server, the
 * customer-managed key's identity and grant and the server inputs of a key or a restore (`beforeServer`); after
 * everything on the server, Defender threat protection, the read replicas and their virtual endpoint, and the
 * `CanNotDelete` locks, last of all so that they are deleted first (`afterServer`).
 */
interface Common {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    tags: Record<string, string>;
}

export function beforeServer(name: string, config: StackConfig, common: Common, parent: pulumi.Resource): { customerManagedKey?: CustomerManagedKey; serverArgs?: DataSafetyServerArgs } {
    const safety = config.dataSafety;
    if (!safety?.customerManagedKey && !safety?.restore) {
        return {};
    }
    const customerManagedKey = safety.customerManagedKey
        ? new CustomerManagedKey(`${name}-cmk`, { ...common, serverName: config.server.name, key: safety.customerManagedKey }, { parent })
        : undefined;
    return {
        customerManagedKey,
        serverArgs: {
            inputs: { ...customerManagedKey?.serverInputs, ...(safety.restore ? restoreServerInputs(safety.restore) : {}) },
            replaceOnChanges: [...(customerManagedKey ? createTimeServerInputs : []), ...(safety.restore ? restoreReplaceOn : [])],
            dependsOn: customerManagedKey?.ready ?? [],
        },
    };
}

export interface AfterServerArgs extends Common {
    server: FlexibleServer;
    /** The primary's network inputs, authentication and maintenance window, repeated on its replicas. */
    network: dbforpostgresql.ServerArgs["network"];
    authConfig: dbforpostgresql.ServerArgs["authConfig"];
    /** The primary's Log Analytics workspace, if diagnostics are on: its replicas' logs go there too. */
    workspaceId?: pulumi.Input<string>;
    customerManagedKey?: CustomerManagedKey;
    /** Every resource under the server's scope the stack manages (children and extension resources). */
    onServer: pulumi.Input<pulumi.Resource>[];
    /** Every other resource of the stack: the resource group's lock waits for them. */
    everything: pulumi.Input<pulumi.Resource>[];
    /** ARM id of the resource group, for its lock. */
    resourceGroupId: pulumi.Input<string>;
}

export interface Safeguards {
    threatProtection?: pulumi.Resource;
    replicas?: ReadReplicas;
    serverLock?: pulumi.Resource;
    resourceGroupLock?: pulumi.Resource;
}

export function afterServer(name: string, config: StackConfig, args: AfterServerArgs, parent: pulumi.Resource): Safeguards {
    const safety = config.dataSafety;
    if (!safety) {
        return {};
    }
    const out: Safeguards = {};
    const serverId = args.server.server.id;
    if (safety.threatProtection) {
        out.threatProtection = threatProtection(`${name}-defender`, serverId, { parent, dependsOn: args.onServer });
    }
    if (safety.replicas.length > 0) {
        out.replicas = new ReadReplicas(`${name}-replica`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            primary: args.server.server,
            primaryName: config.server.name,
            server: config.server,
            names: safety.replicas,
            cloud: config.cloud,
            network: args.network,
            authConfig: args.authConfig,
            maintenanceWindow: config.server.maintenanceWindow ? { customWindow: "Enabled", ...config.server.maintenanceWindow } : { customWindow: "Disabled" },
            parameters: config.server.parameters,
            workspaceId: args.workspaceId,
            customerManagedKey: args.customerManagedKey?.serverInputs,
            virtualEndpoint: safety.virtualEndpoint,
            threatProtection: safety.threatProtection,
            lock: safety.lock.server,
            stack: config.stack,
            protect: config.protect,
            after: [...args.onServer, ...(out.threatProtection ? [out.threatProtection] : [])],
            tags: args.tags,
        }, { parent });
    }
    const onServer = [...args.onServer, ...(out.threatProtection ? [out.threatProtection] : []), ...(out.replicas?.virtualEndpoint ? [out.replicas.virtualEndpoint] : [])];
    if (safety.lock.server) {
        out.serverLock = deleteLock(`${name}-lock`, {
            scope: serverId,
            lockName: `${config.server.name}-cannot-delete`,
            after: [...onServer, ...(out.replicas?.last ?? [])],
            notes: lockNotes(config.stack, "lock.server"),
        }, { parent });
    }
    if (safety.lock.resourceGroup) {
        out.resourceGroupLock = deleteLock(`${name}-rg-lock`, {
            scope: args.resourceGroupId,
            lockName: `${config.stack}-cannot-delete`,
            after: [...args.everything, ...onServer, ...(out.replicas ? [out.replicas] : []), ...(out.serverLock ? [out.serverLock] : []), ...(args.customerManagedKey ? [args.customerManagedKey] : [])],
            notes: lockNotes(config.stack, "lock.resourceGroup"),
        }, { parent });
    }
    return out;
}
