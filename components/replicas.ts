import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as monitor from "@pulumi/azure-native/monitor";
import { Cloud, serverFqdn } from "./cloud";
import type { ServerConfig } from "./config";
import type { CustomerManagedKeyInputs } from "./customerManagedKey";
import { chain, diagnosticSettingFor, lastOf, parameterChildSuffix } from "./decisions";
import { deleteLock, lockNotes } from "./lock";
import { threatProtection } from "./threatProtection";

/**
 * Read replicas of a server (`createMode: Replica`) and, optionally, a virtual endpoint pair on the primary
 * (Learn, "Read replicas", MicrosoftDocs/azure-databases-docs articles/postgresql/read-replica/
 * concepts-read-replicas.md at 441b9c89, and "Virtual endpoints", concepts-read-replicas-virtual-endpoints.md at
 * 450730c7):
 *
 * - a replica is read-only and "inherits the admin account from the primary server. All user accounts on the
 *   primary server are replicated": no Entra administrator, database or role is declared on it; they are made on
 *   the primary and replicated;
 * - it has no backups and no high availability of its own ("Unsupported features on read replicas"), and is
 *   not offered on Burstable (checked by the settings); tier and storage match the primary's so that it can be
 *   promoted to primary;
 * - while a replica is created or deleted "the primary server will enter an updating state" in which server
 *   management operations fail: replicas come after every write on the primary (`after`), and the virtual
 *   endpoint (managed "in the context of the primary server") after the replicas;
 * - "one writer and one read-only endpoint per primary and one of its replicas": the endpoint's member is the
 *   first replica;
 * - what Learn lists as adjustable on a replica is set as on the primary: the authentication method, the
 *   maintenance schedule and the server parameters (written one after another, as on the primary); and its logs
 *   go to the primary's workspace (a replica is a server of its own to Azure Monitor).
 */
export interface ReadReplicasArgs {
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /** The primary. */
    primary: dbforpostgresql.Server;
    primaryName: string;
    server: ServerConfig;
    names: readonly string[];
    cloud: Cloud;
    /** Network of the primary, repeated on each replica (same region, same network). */
    network: dbforpostgresql.ServerArgs["network"];
    /** The primary's customer-managed key, if it has one: a replica in the same region uses the same key. */
    customerManagedKey?: CustomerManagedKeyInputs;
    virtualEndpoint?: string;
    threatProtection: boolean;
    /** A `CanNotDelete` lock on each replica (the stack's `lock.server`). */
    lock: boolean;
    stack: string;
    protect: boolean;
    /** The primary's authentication, maintenance window and effective server parameters, repeated on each replica. */
    authConfig: dbforpostgresql.ServerArgs["authConfig"];
    maintenanceWindow: dbforpostgresql.ServerArgs["maintenanceWindow"];
    parameters: Readonly<Record<string, string>>;
    /** The primary's Log Analytics workspace, if diagnostics are on. */
    workspaceId?: pulumi.Input<string>;
    /** Every write on the primary: replicas come after them. */
    after: pulumi.Input<pulumi.Resource>[];
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class ReadReplicas extends pulumi.ComponentResource {
    readonly replicas: dbforpostgresql.Server[];
    readonly fqdns: string[];
    readonly virtualEndpoint?: dbforpostgresql.VirtualEndpoint;
    /** Each replica's last resource (its lock when it has one): what a lock on the primary waits for. */
    readonly last: pulumi.Resource[];

    constructor(name: string, args: ReadReplicasArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:server:ReadReplicas", name, {}, opts);
        this.fqdns = args.names.map((n) => serverFqdn(n, args.cloud));
        this.last = [];
        this.replicas = [];
        let previous: pulumi.Input<pulumi.Resource>[] = args.after;
        for (const replicaName of args.names) {
            // One after the other: each creation puts the primary into its updating state.
            const replica: dbforpostgresql.Server = new dbforpostgresql.Server(`${name}-${replicaName}`, {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                serverName: replicaName,
                createMode: "Replica",
                sourceServerResourceId: args.primary.id,
                version: args.server.version,
                sku: { name: args.server.sku, tier: args.server.tier },
                storage: { storageSizeGB: args.server.storageGb, autoGrow: "Enabled" },
                network: args.network,
                authConfig: args.authConfig,
                maintenanceWindow: args.maintenanceWindow,
                ...args.customerManagedKey,
                tags: args.tags,
            }, {
                parent: this,
                protect: args.protect,
                dependsOn: previous,
                replaceOnChanges: ["createMode", "sourceServerResourceId"],
                // Azure picks the replica's zone.
                ignoreChanges: ["availabilityZone"],
            });
            this.replicas.push(replica);
            const parameters = chain<[string, string], dbforpostgresql.Configuration, pulumi.Resource>(Object.entries(args.parameters), [replica], ([parameter, value], after) => new dbforpostgresql.Configuration(`${name}-${replicaName}-param-${parameterChildSuffix(parameter)}`, {
                resourceGroupName: args.resourceGroupName,
                serverName: replica.name,
                configurationName: parameter,
                value,
                source: "user-override",
            }, { parent: this, dependsOn: after }));
            const extras: pulumi.Resource[] = [lastOf<pulumi.Resource>(parameters, replica)];
            if (args.workspaceId) {
                extras.push(new monitor.DiagnosticSetting(`${name}-${replicaName}-diag`, diagnosticSettingFor<pulumi.Input<string>>(replica.id, args.workspaceId), { parent: this, dependsOn: [replica] }));
            }
            if (args.threatProtection) {
                extras.push(threatProtection(`${name}-${replicaName}-defender`, replica.id, { parent: this, dependsOn: [replica] }));
            }
            const lock = args.lock
                ? deleteLock(`${name}-${replicaName}-lock`, { scope: replica.id, lockName: `${replicaName}-cannot-delete`, after: [replica, ...parameters, ...extras], notes: lockNotes(args.stack, "lock.server") }, { parent: this })
                : undefined;
            this.last.push(lock ?? replica);
            // The next replica waits for this one's writes: each creation makes the primary busy, not the replica.
            previous = [replica, ...extras];
        }
        if (args.virtualEndpoint && this.replicas.length > 0) {
            this.virtualEndpoint = new dbforpostgresql.VirtualEndpoint(`${name}-endpoint`, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.primaryName,
                virtualEndpointName: args.virtualEndpoint,
                endpointType: "ReadWrite",
                members: [args.names[0]],
            }, { parent: this, dependsOn: this.replicas });
        }
        this.registerOutputs({ fqdns: this.fqdns });
    }
}
