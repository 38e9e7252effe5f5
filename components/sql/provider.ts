import type * as pulumi from "@pulumi/pulumi";
import type { PoolClient } from "pg";
import type { Cloud } from "../roles/audiences";
import { withServer, type ServerTarget } from "../roles/connection";
import { permanentError, sqlState } from "../roles/errors";
import { connectionFailures, unknownValue } from "../roles/inputs";
import { providerTextMigrates } from "../roles/providerText";
import {
    createDatabaseStatement,
    grantLevels,
    grantStatements,
    quoteIdent,
    revokeStatements,
    type GrantLevel,
    type GrantSpec,
} from "./statements";

/**
 * Dynamic providers for what the deployer does in SQL with its own Entra sign-in, exactly as `EntraRole` does
 * (a fresh token from DefaultAzureCredential for the cloud's audience at every run, TLS verified): nothing
 * secret is kept in state, and `pulumi refresh` or `destroy` hours later signs in afresh. Used for grants
 * where the `@pulumi/postgresql` provider cannot get a token itself (its Azure sign-in asks only for the
 * public cloud's audience), and for databases, which the deployer creates so that it owns them
 * (docs/roles-and-access.md, "Database ownership").
 */

/** How to reach the server; the same for both resources. */
interface ConnectionInputs {
    serverFqdn: string;
    adminLogin: string;
    cloud: Cloud;
    port: number;
    /** PEM to trust instead of Azure's documented roots (tests; a server with another certificate). */
    caCertificate?: string;
}

/** The connection inputs' problems, by the rules `EntraRole` applies too (one validator, `roles/inputs.ts`). */
function connectionProblems(raw: Record<string, unknown>): string[] {
    return connectionFailures(raw).map((failure) => failure.reason);
}

function connectionOf(raw: Record<string, unknown>): ConnectionInputs {
    return {
        serverFqdn: raw.serverFqdn as string,
        adminLogin: raw.adminLogin as string,
        cloud: (raw.cloud as Cloud | undefined) ?? "public",
        port: (raw.port as number | undefined) ?? 5432,
        caCertificate: raw.caCertificate as string | undefined,
    };
}

function target(c: ConnectionInputs, database: string): ServerTarget {
    // Always verified: these providers have no switch to turn verification off.
    return { host: c.serverFqdn, port: c.port, user: c.adminLogin, database, cloud: c.cloud, caCertificate: c.caCertificate, verifyTls: true };
}

function checked(raw: Record<string, unknown>, extra: (raw: Record<string, unknown>) => string[]): pulumi.dynamic.CheckResult {
    // Inputs not known yet (preview) are checked by create, once they are.
    if (JSON.stringify(raw).includes(unknownValue)) return { inputs: raw, failures: [] };
    const problems = [...connectionProblems(raw), ...extra(raw)];
    return { inputs: raw, failures: problems.map((reason) => ({ property: reason.split(" ")[0], reason })) };
}

function requireValid(raw: Record<string, unknown>, extra: (raw: Record<string, unknown>) => string[]): void {
    const problems = [...connectionProblems(raw), ...extra(raw)];
    if (problems.length > 0) throw permanentError(`Invalid inputs: ${problems.join("; ")}.`);
}

// ---- grants -------------------------------------------------------------------------------------------------

function grantProblems(raw: Record<string, unknown>): string[] {
    const problems: string[] = [];
    for (const key of ["database", "roleName"]) {
        if (typeof raw[key] !== "string" || (raw[key] as string).length === 0) problems.push(`${key} must be a non-empty string`);
    }
    if (!Object.prototype.hasOwnProperty.call(grantLevels, String(raw.level))) problems.push(`level must be one of ${Object.keys(grantLevels).join(", ")}`);
    if (!Array.isArray(raw.owners) || !raw.owners.every((o) => typeof o === "string" && o.length > 0)) problems.push("owners must be a list of role names");
    return problems;
}

function specOf(raw: Record<string, unknown>): GrantSpec {
    return { database: raw.database as string, roleName: raw.roleName as string, level: raw.level as GrantLevel, owners: [...(raw.owners as string[])] };
}

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
async function inTransaction(client: PoolClient, work: () => Promise<void>): Promise<void> {
    await client.query("BEGIN");
    try {
        await work();
        await client.query("COMMIT");
    } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
    }
}

async function runStatements(client: PoolClient, statements: string[]): Promise<void> {
    for (const statement of statements) await client.query(statement);
}

/**
 * Whether `role` holds the level's privileges on the database and schema `public` by an explicit grant (the
 * ACLs, not `has_*_privilege`, which PUBLIC's default CONNECT and USAGE would satisfy). A GRANT by a role that
 * owns neither only warns ("no privileges were granted"), so this is how a grant that did nothing is caught.
 */
const aclCheck =
    "select exists (select 1 from pg_catalog.pg_database d, aclexplode(d.datacl) a " +
    "  where d.datname = $2 and a.grantee = r.oid and a.privilege_type = 'CONNECT') as database_ok, " +
    "(select count(distinct a.privilege_type) from pg_catalog.pg_namespace n, aclexplode(n.nspacl) a " +
    "  where n.nspname = 'public' and a.grantee = r.oid and a.privilege_type = any($3::text[])) = cardinality($3::text[]) as schema_ok " +
    "from pg_catalog.pg_roles r where r.rolname = $1";

async function grantsInPlace(client: PoolClient, spec: GrantSpec): Promise<{ roleExists: boolean; intact: boolean }> {
    const { rows } = await client.query<{ database_ok: boolean; schema_ok: boolean }>(aclCheck, [spec.roleName, spec.database, grantLevels[spec.level].schema]);
    if (rows.length === 0) return { roleExists: false, intact: false };
    return { roleExists: true, intact: rows[0].database_ok && rows[0].schema_ok };
}

async function owners(client: PoolClient, database: string): Promise<{ database: string; schema: string }> {
    const { rows } = await client.query<{ database: string; schema: string }>(
        "select pg_catalog.pg_get_userbyid(d.datdba) as database, pg_catalog.pg_get_userbyid(n.nspowner) as schema " +
            "from pg_catalog.pg_database d, pg_catalog.pg_namespace n where d.datname = $1 and n.nspname = 'public'",
        [database],
    );
    return rows[0] ?? { database: "(unknown)", schema: "(unknown)" };
}

/**
 * The tables (with views, materialized views, foreign and partitioned tables: what `ON ALL TABLES` covers) and
 * sequences in schema `public` on which the session user (the deployer) cannot give a privilege of the level:
 * it neither owns them nor is a member of their owner, nor holds the privilege WITH GRANT OPTION. PostgreSQL's
 * GRANT (and REVOKE) "will fail outright if the user has no privileges whatsoever on the object", and with some
 * privilege but no grant option "it will grant only those privileges for which the user has grant options",
 * with a warning only (https://www.postgresql.org/docs/17/sql-grant.html, Notes). So one such table stops
 * `ON ALL TABLES` with "permission denied for table …", or is silently left out. $1 table privileges,
 * $2 sequence privileges.
 */
const ungrantableSql =
    "select c.relname as name, case c.relkind when 'S' then 'sequence' else 'table' end as kind, " +
    "pg_catalog.pg_get_userbyid(c.relowner) as owner, string_agg(p.privilege, ', ' order by p.privilege) as privileges " +
    "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace " +
    "cross join lateral unnest(case when c.relkind = 'S' then $2::text[] else $1::text[] end) as p(privilege) " +
    "where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and not (case when c.relkind = 'S' " +
    "then pg_catalog.has_sequence_privilege(c.oid, p.privilege || ' WITH GRANT OPTION') " +
    "else pg_catalog.has_table_privilege(c.oid, p.privilege || ' WITH GRANT OPTION') end) " +
    "group by c.relname, c.relkind, c.relowner order by c.relname";

interface Ungrantable {
    name: string;
    kind: "table" | "sequence";
    owner: string;
    privileges: string;
}

/** The objects of {@link ungrantableSql} for `spec`'s level (none for `admin`, which grants on no table). */
async function ungrantable(client: PoolClient, spec: GrantSpec): Promise<Ungrantable[]> {
    const p = grantLevels[spec.level];
    if (p.table.length === 0 && p.sequence.length === 0) return [];
    return (await client.query<Ungrantable>(ungrantableSql, [p.table, p.sequence])).rows;
}

/**
 * Refuses, before any statement, to give or take back a level when the deployer cannot grant on every table and
 * sequence of schema `public`: an error naming each object, its owner and the fixes. Chosen over skipping such
 * objects with a warning: a role that silently lacks access to a table it was declared to read passes every
 * `pulumi up` and fails only in the application (docs/roles-and-access.md, "A table the deployer cannot grant on").
 */
async function requireGrantable(client: PoolClient, spec: GrantSpec, adminLogin: string, server: string, verb: "give" | "take back"): Promise<void> {
    const objects = await ungrantable(client, spec);
    if (objects.length === 0) return;
    const shown = objects.slice(0, 10).map((o) => `${o.kind} public.${quoteIdent(o.name)} (owner "${o.owner}"; lacks ${o.privileges} WITH GRANT OPTION)`);
    const more = objects.length > shown.length ? ` and ${objects.length - shown.length} more` : "";
    const owners = [...new Set(objects.map((o) => o.owner))];
    const first = objects[0];
    throw permanentError(
        `Cannot ${verb} ${spec.level} access of "${spec.roleName}" on database "${spec.database}" (${server}): the deployer ` +
            `"${adminLogin}" cannot grant on ${shown.join(", ")}${more} in schema public. PostgreSQL's GRANT on ALL TABLES ` +
            `fails on an object whose owner the deployer is not a member of. Nothing was changed. Fix one of: have the ` +
            `owner hand the object over (ALTER TABLE public.${quoteIdent(first.name)} OWNER TO ${quoteIdent(adminLogin)}); make ` +
            `the deployer a member of the owner (${owners.map((o) => `GRANT ${quoteIdent(o)} TO ${quoteIdent(adminLogin)}`).join("; ")}, ` +
            `run by a role with ADMIN OPTION on it); or move the object out of schema public if it is not meant to be shared. ` +
            `Then run pulumi up again. See docs/roles-and-access.md, "A table the deployer cannot grant on".`,
    );
}

/** Gives `spec` (after `revoke`) and checks it took effect; rolls back and explains when it did not. */
async function giveGrants(client: PoolClient, spec: GrantSpec, revoke: string[], adminLogin: string, server: string, before?: GrantSpec): Promise<void> {
    await inTransaction(client, async () => {
        if (before && revoke.length > 0) await requireGrantable(client, before, adminLogin, server, "take back");
        await requireGrantable(client, spec, adminLogin, server, "give");
        await runStatements(client, [...revoke, ...grantStatements(spec)]);
        const state = await grantsInPlace(client, spec);
        if (!state.intact) {
            const owner = await owners(client, spec.database);
            throw permanentError(
                `The grants to "${spec.roleName}" on database "${spec.database}" (${server}) did not take effect: the deployer ` +
                    `"${adminLogin}" neither owns the database (owner "${owner.database}") nor schema public (owner ` +
                    `"${owner.schema}"), so PostgreSQL granted nothing. Let the stack create the database (it is then ` +
                    `owned by the deployer), or have its owner run ALTER DATABASE ${quoteIdent(spec.database)} OWNER TO ` +
                    `${quoteIdent(adminLogin)}. See docs/roles-and-access.md, "Database ownership".`,
            );
        }
    });
}

/** True when `err` says the database to connect to does not exist (SQLSTATE 3D000, as withServer reports it). */
function databaseGone(err: unknown): boolean {
    return sqlState(err) === "3D000" || /\[SQLSTATE 3D000\]/.test(String((err as { message?: unknown })?.message ?? ""));
}

/** Inputs that name another grant (a replacement revokes the old one first). */
const grantReplaceKeys = ["serverFqdn", "database", "roleName", "cloud"] as const;

/**
 * `EntraGrants`: one role's access level in one database (CONNECT, schema `public`, its tables and sequences,
 * and default privileges for objects the `owners` create), given and taken back in one transaction each.
 */
export const entraGrantsProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
        return checked(news, grantProblems);
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const replaces = grantReplaceKeys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
        const changed = ["level", "owners", "adminLogin", "port", "caCertificate"].some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
        // `intact: false`: read found a privilege taken away out of band; the update gives it again.
        // A pinned provider text replaces any other one in the state, which refresh and delete run (providerText.ts).
        return { changes: replaces.length > 0 || changed || olds.intact === false || providerTextMigrates(olds, news), replaces: [...replaces], deleteBeforeReplace: true };
    },

    async create(raw: Record<string, unknown>) {
        requireValid(raw, grantProblems);
        const spec = specOf(raw);
        const c = connectionOf(raw);
        await withServer(target(c, spec.database), `grant ${spec.level} on "${spec.database}" to "${spec.roleName}"`, (client) =>
            giveGrants(client, spec, [], c.adminLogin, c.serverFqdn));
        return { id: `${String(raw.serverFqdn).toLowerCase()}/${spec.database}/${spec.roleName}`, outs: { ...raw, intact: true } };
    },

    async read(id: string, props?: Record<string, unknown>) {
        if (!props || grantProblems(props).length > 0 || connectionProblems(props).length > 0) {
            throw permanentError(`EntraGrants "${id}" cannot be read from its id alone; declare it in the program.`);
        }
        const spec = specOf(props);
        let state: { roleExists: boolean; intact: boolean };
        try {
            state = await withServer(target(connectionOf(props), spec.database), `read grants of "${spec.roleName}"`, (client) =>
                grantsInPlace(client, spec));
        } catch (err) {
            // The database was dropped: its grants went with it.
            if (databaseGone(err)) return {};
            throw err;
        }
        if (!state.roleExists) return {};
        // A privilege taken away out of band shows as a change, so the next `up` gives it again.
        return { id, props: { ...props, intact: state.intact } };
    },

    async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        requireValid(news, grantProblems);
        const before = specOf(olds);
        const after = specOf(news);
        const revoke = grantProblems(olds).length === 0 ? revokeStatements(before) : [];
        const c = connectionOf(news);
        await withServer(target(c, after.database), `change grants of "${after.roleName}" on "${after.database}"`, (client) =>
            giveGrants(client, after, revoke, c.adminLogin, c.serverFqdn, before));
        return { outs: { ...news, intact: true } };
    },

    async delete(_id: string, props: Record<string, unknown>) {
        const spec = specOf(props);
        try {
            await withServer(target(connectionOf(props), spec.database), `revoke grants of "${spec.roleName}" on "${spec.database}"`, async (client) => {
                try {
                    await inTransaction(client, async () => {
                        const role = await client.query("select 1 from pg_catalog.pg_roles where rolname = $1", [spec.roleName]);
                        if (role.rowCount === 0) return; // the role is gone, and its privileges with it
                        await requireGrantable(client, spec, String(props.adminLogin), String(props.serverFqdn), "take back");
                        await runStatements(client, revokeStatements(spec));
                    });
                } catch (err) {
                    // The role is gone: nothing is left to revoke.
                    if (sqlState(err) === "42704") return;
                    throw err;
                }
            });
        } catch (err) {
            // The database is gone, and its grants with it.
            if (databaseGone(err)) return;
            throw err;
        }
    },
};

// ---- databases ----------------------------------------------------------------------------------------------

function databaseProblems(raw: Record<string, unknown>): string[] {
    const problems: string[] = [];
    if (typeof raw.databaseName !== "string" || raw.databaseName.length === 0) problems.push("databaseName must be a non-empty string");
    if (typeof raw.collation !== "string" || !/^[A-Za-z0-9_.@-]+$/.test(raw.collation)) problems.push("collation must be a locale name such as en_US.utf8");
    return problems;
}

interface DatabaseRow {
    owner: string;
    encoding: string;
    collation: string;
}

async function lookupDatabase(client: PoolClient, name: string): Promise<DatabaseRow | undefined> {
    const { rows } = await client.query<DatabaseRow>(
        "select pg_catalog.pg_get_userbyid(datdba) as owner, pg_catalog.pg_encoding_to_char(encoding) as encoding, datcollate as collation " +
            "from pg_catalog.pg_database where datname = $1",
        [name],
    );
    return rows[0];
}

function notOwned(name: string, owner: string, deployer: string, server: string): Error {
    return permanentError(
        `Database "${name}" on ${server} exists and is owned by "${owner}", not by the deployer "${deployer}", so the ` +
            `deployer cannot grant on it or set default privileges. Databases created through Azure Resource Manager are ` +
            `owned by the password administrator (or azuresu), see docs/roles-and-access.md, "Database ownership". Hand it over as ` +
            `its owner: ALTER DATABASE ${quoteIdent(name)} OWNER TO ${quoteIdent(deployer)}; (the owner must be a member ` +
            `of "${deployer}"), or let the stack create a database of another name.`,
    );
}

/**
 * `EntraDatabase`: a database created with `CREATE DATABASE` by the deployer, which therefore owns it (and,
 * from PostgreSQL 15, schema `public` through `pg_database_owner`). An existing database the deployer owns is
 * adopted; one owned by another role is refused with the fix. Deleting drops it (protect it in production).
 */
export const entraDatabaseProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
        return checked(news, databaseProblems);
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const replaces = ["serverFqdn", "databaseName", "collation", "cloud"].filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
        const changed = ["adminLogin", "port", "caCertificate"].some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
        return { changes: replaces.length > 0 || changed || providerTextMigrates(olds, news), replaces, deleteBeforeReplace: true };
    },

    async create(raw: Record<string, unknown>) {
        requireValid(raw, databaseProblems);
        const c = connectionOf(raw);
        const name = raw.databaseName as string;
        const owner = await withServer(target(c, "postgres"), `create database "${name}"`, async (client) => {
            const existing = await lookupDatabase(client, name);
            if (!existing) {
                try {
                    await client.query(createDatabaseStatement(name, raw.collation as string));
                } catch (err) {
                    if (sqlState(err) !== "42P04") throw err; // created meanwhile: look again
                }
            }
            return (await lookupDatabase(client, name))?.owner;
        });
        if (owner !== c.adminLogin) throw notOwned(name, String(owner), c.adminLogin, c.serverFqdn);
        return { id: `${c.serverFqdn.toLowerCase()}/${name}`, outs: { ...raw, owner } };
    },

    async read(id: string, props?: Record<string, unknown>) {
        if (!props || databaseProblems(props).length > 0 || connectionProblems(props).length > 0) {
            throw permanentError(`EntraDatabase "${id}" cannot be read from its id alone; declare it in the program.`);
        }
        const found = await withServer(target(connectionOf(props), "postgres"), `read database "${props.databaseName}"`, (client) =>
            lookupDatabase(client, props.databaseName as string));
        return found ? { id, props: { ...props, owner: found.owner } } : {};
    },

    async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
        requireValid(news, databaseProblems);
        const c = connectionOf(news);
        const found = await withServer(target(c, "postgres"), `check database "${news.databaseName}"`, (client) =>
            lookupDatabase(client, news.databaseName as string));
        if (!found) throw permanentError(`Database "${news.databaseName}" is gone from ${c.serverFqdn}; run \`pulumi refresh\` so it is created again.`);
        if (found.owner !== c.adminLogin) throw notOwned(news.databaseName as string, found.owner, c.adminLogin, c.serverFqdn);
        return { outs: { ...news, owner: found.owner } };
    },

    async delete(_id: string, props: Record<string, unknown>) {
        const name = props.databaseName as string;
        await withServer(target(connectionOf(props), "postgres"), `drop database "${name}"`, async (client) => {
            try {
                await client.query(`DROP DATABASE ${quoteIdent(name)}`);
            } catch (err) {
                if (sqlState(err) === "3D000") return;
                throw err;
            }
        });
    },
};
