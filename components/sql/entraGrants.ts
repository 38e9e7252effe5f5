import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../cloud";
import { DynamicResource } from "../roles/dynamicResource";
import { sqlProvider } from "./packaged";
import type { GrantLevel } from "./statements";

export interface EntraGrantsArgs {
    serverFqdn: pulumi.Input<string>;
    /** The Entra administrator (the deployer) that signs in with its own token and gives the grants. */
    adminLogin: pulumi.Input<string>;
    cloud: pulumi.Input<Cloud>;
    database: pulumi.Input<string>;
    roleName: pulumi.Input<string>;
    level: pulumi.Input<GrantLevel>;
    /** Roles whose future tables and sequences in `public` are covered by default privileges. */
    owners: pulumi.Input<pulumi.Input<string>[]>;
    port?: pulumi.Input<number>;
    /** PEM to trust instead of Azure's documented roots (tests). */
    caCertificate?: pulumi.Input<string>;
}

/**
 * One role's access level in one database, given by the deployer through its own Entra sign-in (see
 * `entraGrantsProvider`). Type token: `pulumi-nodejs:dynamic/entra-postgres:EntraGrants`.
 */
export class EntraGrants extends DynamicResource {
    declare public readonly database: pulumi.Output<string>;
    declare public readonly roleName: pulumi.Output<string>;
    declare public readonly level: pulumi.Output<GrantLevel>;

    constructor(name: string, args: EntraGrantsArgs, opts?: pulumi.CustomResourceOptions) {
        super(sqlProvider("entraGrantsProvider"), name, {
            port: 5432,
            caCertificate: undefined,
            ...args,
            intact: undefined,
        }, { deleteBeforeReplace: true, ...opts }, "entra-postgres", "EntraGrants");
    }
}
