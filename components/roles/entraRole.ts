import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "./audiences";
import type { PrincipalKind } from "../config/model";
import { DynamicResource, packagedProviderModule, providerOrPackaged } from "./dynamicResource";
import { entraRoleProvider } from "./provider";

/** The package subpath (package.json `exports`) of the compiled provider, which the packaged module text requires. */
export const providerModule = "entra-postgres/provider";

/** The module text stored in `__provider` when the program runs the installed package (see DynamicResource). */
export const packagedProviderText = packagedProviderModule(providerModule, "entraRoleProvider");

/** What the role resources hand to {@link DynamicResource} (see `providerOrPackaged`). */
export function serializableProvider(): pulumi.dynamic.ResourceProvider | string {
    return providerOrPackaged(entraRoleProvider, providerModule, "entraRoleProvider");
}

/** Arguments of {@link EntraRole}. None of them is a secret: the provider signs in with an Entra token. */
export interface EntraRoleArgs {
    /** Host name of the Flexible Server to connect to (its `fullyQualifiedDomainName`). Changing it replaces the role. */
    serverFqdn: pulumi.Input<string>;
    /**
     * Name of the server's Microsoft Entra administrator to sign in as (the deployer). Case-sensitive; the
     * identity DefaultAzureCredential signs in with must be this administrator. Changing it is an in-place update.
     */
    adminLogin: pulumi.Input<string>;
    /**
     * Name of the database role, which is also the user name its principal signs in with (for a group, the group
     * name). At most 63 bytes of UTF-8, checked before any SQL. Any characters are kept exactly. Changing it
     * replaces the role.
     */
    roleName: pulumi.Input<string>;
    /**
     * Entra object id (GUID) of the user, group or service principal / managed identity. When set, the role is
     * created with `pgaadauth_create_principal_with_oid`; when absent, Azure looks `roleName` up in the tenant
     * (`pgaadauth_create_principal`), which needs the exact display name. Changing it replaces the role.
     */
    objectId?: pulumi.Input<string>;
    /** Kind of principal: `user`, `group` or `service` (service principals and managed identities). Changing it replaces the role. */
    principalType: pulumi.Input<PrincipalKind>;
    /** Make the principal an Entra administrator of the server (member of `azure_pg_admin`). Default `false`. Changing it replaces the role. */
    isAdmin?: pulumi.Input<boolean>;
    /** Require multi-factor authentication in the principal's tokens. Default `false`. Changing it replaces the role. */
    isMfa?: pulumi.Input<boolean>;
    /** Azure cloud of the server; selects the token audience and sign-in host. Default `"public"`. Changing it replaces the role. */
    cloud?: pulumi.Input<Cloud>;
    /** Port to connect to. Default `5432` (the server itself; `6432` is PgBouncer). */
    port?: pulumi.Input<number>;
    /**
     * PEM of the CA(s) to trust instead of Node's trust store. Default: Node's trust store, which holds the roots
     * Azure's server certificates chain to. Only needed for a server with another certificate.
     */
    caCertificate?: pulumi.Input<string>;
    /**
     * Turns TLS certificate verification off, so anyone on the network path could read the token. Default `false`.
     * Logged as a warning when set; prefer {@link EntraRoleArgs.caCertificate}.
     */
    dangerouslyDisableTlsVerification?: pulumi.Input<boolean>;
}

/**
 * A PostgreSQL role for a Microsoft Entra identity on an Azure Database for PostgreSQL Flexible Server, created
 * with Azure's `pgaadauth_*` functions by the server's Entra administrator, read back on refresh and dropped
 * on delete. An existing role of the same object id and type is adopted; a role of another identity is never
 * taken over or dropped. The runner needs a network path to the server (docs/roles-and-access.md, "Network
 * line of sight for the role provider").
 *
 * Type token: `pulumi-nodejs:dynamic/entra-postgres:EntraRole`.
 */
export class EntraRole extends DynamicResource {
    /** Host name the role lives on. */
    declare public readonly serverFqdn: pulumi.Output<string>;
    /** The role's name, exactly as created. */
    declare public readonly roleName: pulumi.Output<string>;
    /** Entra object id of the principal (as Azure resolved it when no objectId was given). */
    declare public readonly objectId: pulumi.Output<string>;
    /** Kind of principal. */
    declare public readonly principalType: pulumi.Output<PrincipalKind>;
    /** Whether the principal is an Entra administrator of the server. */
    declare public readonly isAdmin: pulumi.Output<boolean>;
    /** Whether the principal's tokens must carry MFA. */
    declare public readonly isMfa: pulumi.Output<boolean>;
    /** Version of the provider code that last created or updated the role. */
    declare public readonly providerVersion: pulumi.Output<string>;

    constructor(name: string, args: EntraRoleArgs, opts?: pulumi.CustomResourceOptions) {
        const disableTls = args.dangerouslyDisableTlsVerification ?? false;
        super(
            serializableProvider(),
            name,
            {
                serverFqdn: args.serverFqdn,
                adminLogin: args.adminLogin,
                roleName: args.roleName,
                objectId: args.objectId,
                principalType: args.principalType,
                isAdmin: args.isAdmin ?? false,
                isMfa: args.isMfa ?? false,
                cloud: args.cloud ?? "public",
                port: args.port ?? 5432,
                caCertificate: args.caCertificate,
                dangerouslyDisableTlsVerification: disableTls,
                providerVersion: undefined,
            },
            // Role names are unique per server, so a replacement must drop the old role first.
            { deleteBeforeReplace: true, ...opts },
            "entra-postgres",
            "EntraRole",
        );
        pulumi.output(disableTls).apply((disabled) => {
            if (disabled) {
                pulumi.log.warn(
                    "dangerouslyDisableTlsVerification is true: the Entra token is sent to a server whose certificate is not verified.",
                    this,
                );
            }
        });
    }
}
