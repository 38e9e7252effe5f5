import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import { ChildNames } from "./childNames";
import { Cloud } from "./cloud";
import { AccessLevel, accessLevels, DatabaseAccess, PrincipalKind, principalKinds } from "./config";
import { roleNameProblem } from "./config/names";
import { defaults } from "./config/settings";
import { objectOwners } from "./decisions";
import { EntraRole } from "./roles";
import { EntraGrants } from "./sql";
import { connectionRules } from "./roles/inputs";
import { providerCaFor, rootCaFileForProvider } from "./tlsRoots";

/** An Entra identity that gets a database role, and the access it is granted. */
export interface AccessIdentity {
    /**
     * Role name: a user's UPN, a group's or service principal's display name; for a VM's system-assigned
     * identity, the VM name. Plain: the role's and its grants' Pulumi names are made from it. Unique within
     * `identities` and not the deployer's login; a PostgreSQL identifier (at most 63 bytes, not reserved).
     */
    name: string;
    /**
     * Entra object id. Default: Azure resolves `name` in the tenant (users, and groups or service principals
     * whose display name is unique). Pass it for a managed identity (e.g. `IdentityVm.principalId`).
     */
    objectId?: pulumi.Input<string>;
    /** `user`, `group` or `service` (a service principal or managed identity). */
    type: PrincipalKind;
    /**
     * Databases the role may use and at which level (`read`, `write`, `admin`; see `levelPrivileges`). Default
     * none: the role can log in but connect to no database. Plain: one set of grants per entry, named after the
     * database. One entry per database.
     */
    access?: readonly DatabaseAccess[];
    /** Resources the role must wait for besides `after` (e.g. the VM whose identity it is). Default none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface EntraAccessArgs {
    /** Host name of the server (its `fullyQualifiedDomainName`, or the name Azure will give it). */
    serverFqdn: pulumi.Input<string>;
    /**
     * Cloud of the server: the token audience. Default `public` (`defaults.cloud`). Plain: in `public` the grants
     * are `@pulumi/postgresql` resources through one provider; elsewhere `EntraGrants` (see `postgresqlProviderSignsIn`).
     */
    cloud?: Cloud;
    /** Tenant of the server's Entra authentication; the `@pulumi/postgresql` provider signs in there. */
    tenantId: pulumi.Input<string>;
    /**
     * Login of the Entra administrator whose identity runs `pulumi up` (its name as registered with the server):
     * roles are created and grants given as this admin, and it owns the databases it created. It gets no role
     * here (it has one as an administrator, see `EntraAdministrators`). Plain: default-privilege names contain it.
     */
    deployerLogin: string;
    /**
     * Resources every role waits for: the server's last Entra administrator (roles can only be created once the
     * deployer is an admin) and anything the server's name needs to resolve (a private endpoint's DNS). Default none.
     */
    after?: pulumi.Input<pulumi.Resource>[];
    /** The identities that get a role. Plain: one role per identity, named after it. */
    identities: readonly AccessIdentity[];
    /**
     * The server's databases by name: each grant waits for its database. Default none (the databases already
     * exist). A database that is not here is granted on as soon as the role exists.
     */
    databases?: ReadonlyMap<string, pulumi.Resource>;
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
 * Refuses arguments that would fail later, or collide, before any child is declared: what the stack settings
 * check for `deployer`, `principals` and `vm.access` (config/identities.ts), for a caller that builds the
 * component directly. Name rules are those of the role provider (roles/inputs.ts, config/names.ts).
 */
function checkAccessArgs(component: string, args: EntraAccessArgs): void {
    const refuse = (argument: string, problem: string, fix: string) =>
        new Error(`EntraAccess ${component}: ${argument} ${problem}. ${fix}`);
    // The shared rules start their message with the provider's input name; the argument is named here instead.
    const unprefixed = (problem: string, input: string) => problem.replace(new RegExp(`^${input} `), "");
    const login = connectionRules.adminLogin(args.deployerLogin);
    if (login) {
        throw refuse("deployerLogin", unprefixed(login, "adminLogin"), "Pass the name of the Entra administrator that runs the program.");
    }
    if (typeof args.serverFqdn === "string") {
        const host = connectionRules.serverFqdn(args.serverFqdn);
        if (host) throw refuse("serverFqdn", unprefixed(host, "serverFqdn"), "Pass the server's fullyQualifiedDomainName.");
    }
    const cloud = connectionRules.cloud(args.cloud);
    if (cloud) {
        throw refuse("cloud", unprefixed(cloud, "cloud"), "Leave it out for the public cloud.");
    }
    const seen = new Set<string>();
    args.identities.forEach((identity, i) => {
        const at = `identities[${i}]`;
        const problem = roleNameProblem(identity.name);
        if (problem) {
            throw refuse(`${at}.name`, unprefixed(problem, "roleName"), "It becomes the role's name in PostgreSQL.");
        }
        if (identity.name === args.deployerLogin) {
            throw refuse(`${at}.name`, `"${identity.name}" is the deployer`, "The deployer is an administrator with a role of its own: remove it from identities.");
        }
        if (seen.has(identity.name)) {
            throw refuse(`${at}.name`, `"${identity.name}" is listed twice`, "Role names are unique per server: keep one entry with all its access.");
        }
        seen.add(identity.name);
        if (!principalKinds.includes(identity.type)) {
            throw refuse(`${at}.type`, `must be one of ${principalKinds.join(", ")}, got "${String(identity.type)}"`, "Use service for a managed identity.");
        }
        const databases = new Set<string>();
        (identity.access ?? []).forEach(({ database, level }, j) => {
            if (typeof database !== "string" || database.length === 0) {
                throw refuse(`${at}.access[${j}].database`, "is empty", "Name the database.");
            }
            if (!accessLevels.includes(level)) {
                throw refuse(`${at}.access[${j}].level`, `must be one of ${accessLevels.join(", ")}, got "${String(level)}"`, "See levelPrivileges.");
            }
            if (databases.has(database)) {
                throw refuse(`${at}.access[${j}].database`, `"${database}" is listed twice`, "Keep one entry per database with the highest level needed.");
            }
            databases.add(database);
        });
    });
}

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
 * `EntraGrants` (one per identity and database). Learn: "Manage Microsoft Entra users",
 * https://learn.microsoft.com/azure/postgresql/security/security-manage-entra-users.
 *
 * It grants no server-level right (no `CREATEROLE`, `CREATEDB`, `azure_pg_admin`) and touches no schema but
 * `public`. The deployer must be an Entra administrator of the server already (pass the last one in `after`), and
 * the machine running the program must reach the server (network line of sight).
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
        checkAccessArgs(name, args);
        const cloud = args.cloud ?? defaults.cloud;
        const databases = args.databases ?? new Map<string, pulumi.Resource>();
        const roleAfter = args.after ?? [];
        this.roles = new Map();
        this.grants = [];
        this.defaultPrivileges = [];
        this.names = new ChildNames([args.deployerLogin, ...args.identities.map((i) => i.name)]);
        this.entraGrants = [];

        for (const identity of args.identities) {
            const child = this.names.name(name, "role", { identity: identity.name });
            this.roles.set(identity.name, new EntraRole(child.name, {
                serverFqdn: args.serverFqdn,
                adminLogin: args.deployerLogin,
                roleName: identity.name,
                objectId: identity.objectId,
                principalType: identity.type,
                isAdmin: false,
                isMfa: false,
                cloud,
                caCertificate: providerCaFor(cloud),
            }, { parent: this, dependsOn: [...roleAfter, ...(identity.dependsOn ?? [])], aliases: child.aliases }));
        }

        const granted = args.identities.filter((i) => (i.access ?? []).length > 0);
        if (granted.length > 0 && postgresqlProviderSignsIn(cloud)) {
            this.provider = new postgresql.Provider(`${name}-pg`, {
                host: args.serverFqdn,
                port: 5432,
                database: "postgres",
                username: args.deployerLogin,
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
            for (const { database, level } of identity.access ?? []) {
                const databaseResource = databases.get(database);
                const after = databaseResource ? [role, databaseResource] : [role];
                const owners = this.objectOwners(args, database);
                if (this.provider) {
                    this.grant(name, identity.name, role, database, level, after, owners);
                } else {
                    this.entraGrants.push(new EntraGrants(this.names.name(name, { identity: identity.name }, database, "grants").name, {
                        serverFqdn: args.serverFqdn,
                        adminLogin: args.deployerLogin,
                        cloud,
                        database,
                        roleName: role.roleName,
                        level,
                        owners: owners.map((o) => (o.role ? o.role.roleName : pulumi.output(o.name))),
                        caCertificate: providerCaFor(cloud),
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
        return objectOwners(args.deployerLogin, args.identities.map((i) => ({ name: i.name, access: i.access ?? [] })), database)
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
