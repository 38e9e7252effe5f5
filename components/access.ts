import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import { ChildNames } from "./childNames";
import { Cloud } from "./cloud";
import { AccessLevel, DatabaseAccess, EntraAdmin, PrincipalKind } from "./config";
import { objectOwners } from "./decisions";
import { EntraRole } from "./roles";
import { EntraGrants } from "./sql";
import { providerCaFor, rootCaFileForProvider } from "./tlsRoots";

/** An Entra identity that gets a database role, and the access it is granted. */
export interface AccessIdentity {
    /** Role name (user UPN, group or identity display name; for the VM, the VM name). */
    name: string;
    /** Entra object id; absent: Azure resolves `name` in the tenant. */
    objectId?: pulumi.Input<string>;
    type: PrincipalKind;
    access: readonly DatabaseAccess[];
    /** Resources the role must wait for besides the admin chain (e.g. the VM whose identity it is). */
    dependsOn?: pulumi.Resource[];
}

export interface EntraAccessArgs {
    /** Host name of the server. */
    serverFqdn: pulumi.Input<string>;
    cloud: Cloud;
    tenantId: pulumi.Input<string>;
    /** The admin whose identity runs `pulumi up`: roles are created and grants given as this admin. */
    deployer: EntraAdmin;
    /** End of the Entra admin chain: every role waits for it. */
    lastAdmin: pulumi.Resource;
    identities: readonly AccessIdentity[];
    /** The server's databases by name: grants wait for theirs. */
    databases: ReadonlyMap<string, pulumi.Resource>;
}

/** Privileges one access level grants in a database, per object type (schema `public`). */
export interface LevelPrivileges {
    database: string[];
    schema: string[];
    table: string[];
    sequence: string[];
}

/**
 * The least-privilege model. `read`: connect, use schema `public`, read every table and sequence.
 * `write`: read plus changing rows and using sequences. `admin`: create objects in `public` (and own them),
 * no server-level right. Table and sequence privileges also become default privileges, so tables created
 * later are covered.
 */
export const levelPrivileges: Readonly<Record<AccessLevel, LevelPrivileges>> = {
    read: { database: ["CONNECT"], schema: ["USAGE"], table: ["SELECT"], sequence: ["SELECT"] },
    write: { database: ["CONNECT"], schema: ["USAGE"], table: ["SELECT", "INSERT", "UPDATE", "DELETE"], sequence: ["SELECT", "USAGE"] },
    admin: { database: ["CONNECT"], schema: ["USAGE", "CREATE"], table: [], sequence: [] },
};

/**
 * Whether the `@pulumi/postgresql` provider can sign in to `cloud` by itself. Its Azure sign-in
 * (`azureIdentityAuth`) asks DefaultAzureCredential for the public cloud's audience only
 * (`https://ossrdbms-aad.database.windows.net/.default`, hard-coded in terraform-provider-postgresql's
 * `acquireAzureOauthToken`); elsewhere grants go through `EntraGrants`, which signs in as `EntraRole` does.
 */
export function postgresqlProviderSignsIn(cloud: Cloud): boolean {
    return cloud === "public";
}

/**
 * A database role for every Entra identity (through the `EntraRole` dynamic provider) and its grants, given
 * by the deployer admin with a token fetched at run time and sent only over verified TLS; nothing secret is
 * kept in state, so `pulumi refresh` and `destroy` sign in afresh and the program runs without a credential.
 * In the public cloud the grants are `@pulumi/postgresql` resources through one explicit provider per server
 * (`azureIdentityAuth`); in the other clouds, whose audience that provider cannot ask for, they are
 * `EntraGrants` (one per identity and database).
 */
export class EntraAccess extends pulumi.ComponentResource {
    readonly roles: Map<string, EntraRole>;
    readonly provider?: postgresql.Provider;
    readonly grants: postgresql.Grant[];
    readonly defaultPrivileges: postgresql.DefaultPrivileges[];
    private readonly names: ChildNames;
    /** Grants given through the deployer's own sign-in (clouds other than public). */
    readonly entraGrants: EntraGrants[];

    constructor(name: string, args: EntraAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:access:EntraAccess", name, {}, opts);
        this.roles = new Map();
        this.grants = [];
        this.defaultPrivileges = [];
        this.names = new ChildNames([args.deployer.name, ...args.identities.map((i) => i.name)]);
        this.entraGrants = [];

        for (const identity of args.identities) {
            const child = this.names.name(name, "role", { identity: identity.name });
            this.roles.set(identity.name, new EntraRole(child.name, {
                serverFqdn: args.serverFqdn,
                adminLogin: args.deployer.name,
                roleName: identity.name,
                objectId: identity.objectId,
                principalType: identity.type,
                isAdmin: false,
                isMfa: false,
                cloud: args.cloud,
                caCertificate: providerCaFor(args.cloud),
            }, { parent: this, dependsOn: [args.lastAdmin, ...(identity.dependsOn ?? [])], aliases: child.aliases }));
        }

        const granted = args.identities.filter((i) => i.access.length > 0);
        if (granted.length > 0 && postgresqlProviderSignsIn(args.cloud)) {
            this.provider = new postgresql.Provider(`${name}-pg`, {
                host: args.serverFqdn,
                port: 5432,
                database: "postgres",
                username: args.deployer.name,
                // verify-full: the token is only sent to a server whose certificate chains to one of the roots
                // Microsoft documents for Flexible Server and names this host (lib/pq's `require` checks
                // nothing). `sslrootcert` is a file path (the provider's schema: "The SSL server root
                // certificate file path"), see rootCaFileForProvider.
                sslmode: "verify-full",
                sslrootcert: rootCaFileForProvider(),
                superuser: false,
                connectTimeout: 30,
                azureIdentityAuth: true,
                azureTenantId: args.tenantId,
            }, { parent: this });
        }

        for (const identity of granted) {
            const role = this.roles.get(identity.name)!;
            for (const { database, level } of identity.access) {
                const databaseResource = args.databases.get(database);
                const after = databaseResource ? [role, databaseResource] : [role];
                const owners = this.objectOwners(args, database);
                if (this.provider) {
                    this.grant(name, identity.name, role, database, level, after, owners);
                } else {
                    this.entraGrants.push(new EntraGrants(this.names.name(name, { identity: identity.name }, database, "grants").name, {
                        serverFqdn: args.serverFqdn,
                        adminLogin: args.deployer.name,
                        cloud: args.cloud,
                        database,
                        roleName: role.roleName,
                        level,
                        owners: owners.map((o) => (o.role ? o.role.roleName : pulumi.output(o.name))),
                        caCertificate: providerCaFor(args.cloud),
                    }, { parent: this, dependsOn: [...after, ...owners.flatMap((o) => (o.role ? [o.role] : []))] }));
                }
            }
        }

        this.registerOutputs({ roleNames: [...this.roles.keys()] });
    }

    /**
     * Roles that create objects in `database`: the deployer and every identity with `admin` there. Default
     * privileges are set for objects each of them creates.
     */
    private objectOwners(args: EntraAccessArgs, database: string): { name: string; role?: EntraRole }[] {
        // The deployer first (it has no role here), then each identity with `admin` (decisions/owners.ts).
        return objectOwners(args.deployer.name, args.identities, database)
            .map((owner, index) => (index === 0 ? { name: owner } : { name: owner, role: this.roles.get(owner) }));
    }

    private grant(
        name: string,
        roleName: string,
        role: EntraRole,
        database: string,
        level: AccessLevel,
        after: pulumi.Resource[],
        owners: { name: string; role?: EntraRole }[],
    ): void {
        const privileges = levelPrivileges[level];
        const base = (...parts: string[]) => this.names.name(name, { identity: roleName }, database, ...parts);
        const opts = { parent: this, provider: this.provider, dependsOn: after };
        const named = (child: { name: string; aliases: { name: string }[] }) => [child.name, { ...opts, aliases: child.aliases }] as const;
        // One Grant per role, database and object type: a second one would revoke what the first granted.
        const [databaseGrant, databaseOpts] = named(base("database"));
        this.grants.push(new postgresql.Grant(databaseGrant, {
            role: role.roleName, database, objectType: "database", privileges: privileges.database,
        }, databaseOpts));
        const [schemaGrant, schemaOpts] = named(base("schema"));
        this.grants.push(new postgresql.Grant(schemaGrant, {
            role: role.roleName, database, schema: "public", objectType: "schema", privileges: privileges.schema,
        }, schemaOpts));
        for (const objectType of ["table", "sequence"] as const) {
            if (privileges[objectType].length === 0) {
                continue;
            }
            const [objectsGrant, objectsOpts] = named(base(`${objectType}s`));
            this.grants.push(new postgresql.Grant(objectsGrant, {
                role: role.roleName, database, schema: "public", objectType, objects: [], privileges: privileges[objectType],
            }, objectsOpts));
            for (const owner of owners) {
                if (owner.name === roleName) {
                    continue; // an owner already has every privilege on what it creates
                }
                const child = this.names.name(name, { identity: roleName }, database, `${objectType}s`, "by", { identity: owner.name });
                this.defaultPrivileges.push(new postgresql.DefaultPrivileges(child.name, {
                    role: role.roleName,
                    database,
                    schema: "public",
                    owner: owner.role ? owner.role.roleName : owner.name,
                    objectType,
                    privileges: privileges[objectType],
                }, { ...opts, dependsOn: owner.role ? [...after, owner.role] : after, aliases: child.aliases }));
            }
        }
    }
}
