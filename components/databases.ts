import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type { Cloud } from "./cloud";
import { reservedDatabases } from "./config";
import { databaseNamePattern } from "./config/identities";
import { identifierProblem, maxIdentifierBytes } from "./config/names";
import { defaults } from "./config/settings";
import { chain, databaseOwner } from "./decisions";
import { EntraDatabase } from "./sql";
import { providerCaFor } from "./tlsRoots";

/** Arguments of `Databases`. */
export interface DatabasesArgs {
    /** Resource group of the server. */
    resourceGroupName: pulumi.Input<string>;
    /** Name of the server (e.g. `FlexibleServer.serverName`). */
    serverName: pulumi.Input<string>;
    /**
     * Databases to create, in order: letters, digits and `_`, not starting with a digit, at most 63 bytes.
     * Plain: two children per database, named after it (part of the URN). Refused: names Azure or PostgreSQL
     * reserve (`postgres`, `azure_maintenance`, `azure_sys`, `template0`, `template1`) and a name listed twice
     * in any case (Azure's resource names are case-insensitive). An empty list creates nothing.
     * Learn: https://learn.microsoft.com/azure/postgresql/security/security-manage-entra-users
     */
    names: readonly string[];
    /**
     * The end of the Entra admin chain (e.g. `EntraAdministrators.last`): databases are written after it, one
     * at a time. Required: the deployer can sign in only once it is an admin, and Azure takes one write per
     * server at a time.
     */
    after: pulumi.Input<pulumi.Resource>;
    /** Protect the databases from deletion and replacement. Default: `false`. */
    protect?: boolean;
    /** Host name of the server, for the deployer's SQL sign-in (e.g. `FlexibleServer.fqdn`). */
    serverFqdn: pulumi.Input<string>;
    /**
     * The Entra administrator that runs `pulumi up` (its role name, as listed in `EntraAdministrators`): it
     * creates, and so owns, every database. Plain: it decides who owns what, and the grants of `EntraAccess`
     * are given by the same login.
     */
    deployerLogin: string;
    /**
     * Azure cloud of the server: decides the token audience and the CA certificates the sign-in trusts.
     * Default: `public`. Plain: the CA bundle is chosen here.
     */
    cloud?: Cloud;
    /** Resources the databases wait for besides `after`, e.g. a private endpoint's DNS zone group and links. Default: none. */
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
 * and a non-superuser deployer can grant nothing there (docs/roles-and-access.md, "Database ownership"). The
 * ARM `Database` is still declared after it, unchanged, so Azure's view and deployed stacks' URNs stay as they
 * were: its PUT is "create or update" (Databases_Create in the Microsoft.DBforPostgreSQL spec) and finds the
 * database there.
 *
 * It does not create roles or grants for anyone but the deployer (`EntraAccess`), and never drops a database
 * it did not create. Learn: "Manage Microsoft Entra users",
 * https://learn.microsoft.com/azure/postgresql/security/security-manage-entra-users.
 */
export class Databases extends pulumi.ComponentResource {
    readonly databases: Map<string, dbforpostgresql.Database>;
    /** The deployer-owned databases, by name. */
    readonly owned: Map<string, EntraDatabase>;

    constructor(name: string, args: DatabasesArgs, opts?: pulumi.ComponentResourceOptions) {
        checkDatabases(name, args);
        super("entra-postgres:databases:Databases", name, {}, opts);
        const cloud = args.cloud ?? defaults.cloud;
        const protect = args.protect ?? defaults.protect;
        this.databases = new Map();
        this.owned = new Map();
        // One after another (decisions/writeChain.ts), the first after the last admin; the deployer owns each.
        chain<string, dbforpostgresql.Database, pulumi.Input<pulumi.Resource>>(args.names, [args.after], (database, after) => {
            const owned = new EntraDatabase(`${name}-${database}-owned`, {
                serverFqdn: args.serverFqdn,
                adminLogin: databaseOwner(args.deployerLogin),
                cloud,
                databaseName: database,
                collation: databaseCollation,
                caCertificate: providerCaFor(cloud),
            }, { parent: this, dependsOn: [...after, ...(args.networkReady ?? [])], protect });
            const resource = new dbforpostgresql.Database(`${name}-${database}`, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.serverName,
                databaseName: database,
                charset: "UTF8",
                collation: databaseCollation,
            }, { parent: this, dependsOn: [owned], protect });
            this.owned.set(database, owned);
            this.databases.set(database, resource);
            return resource;
        });
        this.registerOutputs({ names: [...args.names] });
    }
}

/** Refuses database names and a deployer login PostgreSQL or Azure would refuse, before anything is registered. */
function checkDatabases(name: string, args: DatabasesArgs): void {
    const fail = (problem: string) => {
        throw new Error(`Databases ${name}: ${problem}`);
    };
    const login = identifierProblem(String(args.deployerLogin ?? ""));
    if (login) {
        fail(`deployerLogin ${login}. Use the role name of the Entra admin that runs pulumi up.`);
    }
    args.names.forEach((database, i) => {
        const at = `names[${i}]`;
        if (typeof database !== "string" || !databaseNamePattern.test(database) || Buffer.byteLength(database) > maxIdentifierBytes) {
            fail(`${at} "${String(database)}" is not a valid database name (letters, digits and _, not starting with a digit, at most ${maxIdentifierBytes} bytes).`);
        }
        if (reservedDatabases.includes(database.toLowerCase())) {
            fail(`${at} "${database}" is reserved by PostgreSQL or Azure. Choose another name.`);
        }
        const other = args.names.slice(0, i).find((n) => n.toLowerCase() === database.toLowerCase());
        if (other !== undefined) {
            fail(other === database
                ? `${at} "${database}" is listed twice. Remove the duplicate.`
                : `${at} "${database}" and "${other}" are the same database to Azure (resource names are case-insensitive). Keep one.`);
        }
    });
}
