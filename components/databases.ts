import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";

export interface DatabasesArgs {
    resourceGroupName: pulumi.Input<string>;
    serverName: pulumi.Input<string>;
    names: readonly string[];
    /** The end of the Entra admin chain: databases are written after it, one at a time. */
    after: pulumi.Input<pulumi.Resource>;
    /** Protect the databases from deletion. */
    protect: boolean;
}

/** Application databases (UTF8, en_US.utf8), created one after another once the admins are in place. */
export class Databases extends pulumi.ComponentResource {
    readonly databases: Map<string, dbforpostgresql.Database>;

    constructor(name: string, args: DatabasesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:databases:Databases", name, {}, opts);
        this.databases = new Map();
        let previous = args.after;
        for (const database of args.names) {
            const resource = new dbforpostgresql.Database(`${name}-${database}`, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.serverName,
                databaseName: database,
                charset: "UTF8",
                collation: "en_US.utf8",
            }, { parent: this, dependsOn: [previous], protect: args.protect });
            this.databases.set(database, resource);
            previous = resource;
        }
        this.registerOutputs({ names: [...args.names] });
    }
}
