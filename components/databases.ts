import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type { Cloud } from "./cloud";
import { chain, databaseOwner } from "./decisions";
import { EntraDatabase } from "./sql";
import { providerCaFor } from "./tlsRoots";

export interface DatabasesArgs {
    resourceGroupName: pulumi.Input<string>;
    serverName: pulumi.Input<string>;
    names: readonly string[];
    /** The end of the Entra admin chain: databases are written after it, one at a time. */
    after: pulumi.Input<pulumi.Resource>;
    /** Protect the databases from deletion. */
    protect: boolean;
    /** Host name of the server, for the deployer's SQL sign-in. */
    serverFqdn: pulumi.Input<string>;
    /** The Entra administrator that runs `pulumi up`: it creates, and so owns, every database. */
    deployerLogin: string;
    cloud: Cloud;
    /** Resources the databases wait for besides `after`, e.g. a private endpoint's DNS zone group and links. */
    networkReady?: pulumi.Input<pulumi.Resource>[];
}

/** Collation of every database (and its LC_CTYPE). */
export const databaseCollation = "en_US.utf8";

/**
 * Application databases (UTF8, en_US.utf8), created one after another once the admins are in place.
 *
 * Each database is first created by the deployer with `CREATE DATABASE` (`EntraDatabase`), so the deployer owns
 * it and, from PostgreSQL 15 on, schema `public` (owned by `pg_database_owner`): the grants and default
 * privileges it gives later then take effect on Entra-only and mixed servers alike. A database created through
 * ARM is owned by the password administrator on a mixed server (cyrilgdn/terraform-provider-postgresql#500)
 * and by `azuresu` on an Entra-only one without an Entra admin yet (hashicorp/terraform-provider-azurerm#27895),
 * and a non-superuser deployer can grant nothing there (README, "Database ownership"). The ARM `Database` is
 * still declared after it, unchanged, so Azure's view and deployed stacks' URNs stay as they were: its PUT is
 * "create or update" (Databases_Create in the Microsoft.DBforPostgreSQL spec) and finds the database there.
 */
export class Databases extends pulumi.ComponentResource {
    readonly databases: Map<string, dbforpostgresql.Database>;
    /** The deployer-owned databases, by name. */
    readonly owned: Map<string, EntraDatabase>;

    constructor(name: string, args: DatabasesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:databases:Databases", name, {}, opts);
        this.databases = new Map();
        this.owned = new Map();
        // One after another (decisions/writeChain.ts), the first after the last admin; the deployer owns each.
        chain<string, dbforpostgresql.Database, pulumi.Input<pulumi.Resource>>(args.names, [args.after], (database, after) => {
            const owned = new EntraDatabase(`${name}-${database}-owned`, {
                serverFqdn: args.serverFqdn,
                adminLogin: databaseOwner(args.deployerLogin),
                cloud: args.cloud,
                databaseName: database,
                collation: databaseCollation,
                caCertificate: providerCaFor(args.cloud),
            }, { parent: this, dependsOn: [...after, ...(args.networkReady ?? [])], protect: args.protect });
            const resource = new dbforpostgresql.Database(`${name}-${database}`, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.serverName,
                databaseName: database,
                charset: "UTF8",
                collation: databaseCollation,
            }, { parent: this, dependsOn: [owned], protect: args.protect });
            this.owned.set(database, owned);
            this.databases.set(database, resource);
            return resource;
        });
        this.registerOutputs({ names: [...args.names] });
    }
}
