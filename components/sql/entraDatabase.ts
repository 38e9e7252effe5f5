import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../cloud";
import { DynamicResource } from "../roles/dynamicResource";
import { sqlProvider } from "./packaged";

export interface EntraDatabaseArgs {
    serverFqdn: pulumi.Input<string>;
    /** The Entra administrator (the deployer) that creates, and so owns, the database. */
    adminLogin: pulumi.Input<string>;
    cloud: pulumi.Input<Cloud>;
    databaseName: pulumi.Input<string>;
    /** LC_COLLATE and LC_CTYPE, e.g. `en_US.utf8`. */
    collation: pulumi.Input<string>;
    port?: pulumi.Input<number>;
    /** PEM to trust instead of Node's store (tests). */
    caCertificate?: pulumi.Input<string>;
}

/**
 * A database the deployer creates with `CREATE DATABASE`, so that it owns it (see `entraDatabaseProvider` and
 * docs/roles-and-access.md, "Database ownership"). Type token: `pulumi-nodejs:dynamic/entra-postgres:EntraDatabase`.
 */
export class EntraDatabase extends DynamicResource {
    declare public readonly databaseName: pulumi.Output<string>;
    /** The database's owner as the server reports it: the deployer. */
    declare public readonly owner: pulumi.Output<string>;

    constructor(name: string, args: EntraDatabaseArgs, opts?: pulumi.CustomResourceOptions) {
        super(sqlProvider("entraDatabaseProvider"), name, {
            port: 5432,
            caCertificate: undefined,
            ...args,
            owner: undefined,
        }, { deleteBeforeReplace: true, ...opts }, "entra-postgres", "EntraDatabase");
    }
}
