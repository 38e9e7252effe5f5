/**
 * Stand-in for the `postgresql` provider plugin (github.com/pulumi/pulumi-postgresql/provider/v3 is not served by
 * the Go module proxy here). Grants and default privileges are applied for real, with `pg`, to the server the
 * provider configuration names, signed in the way that configuration says:
 *
 * - `host`, `port`, `username`, `database`, `connectTimeout`;
 * - `sslmode`: `disable` is refused (the simulated server is TLS only anyway); `require` encrypts without
 *   verifying, as libpq does; `verify-ca` checks the chain; `verify-full` checks chain and host name.
 *   `sslrootcert` is a PEM file path, the PEM itself, or `system` (Node's trust store with NODE_EXTRA_CA_CERTS);
 *   the e2e test CA (NODE_EXTRA_CA_CERTS) is trusted beside a configured root;
 * - `azureIdentityAuth` (+ `azureTenantId`): a Microsoft Entra token from DefaultAzureCredential for
 *   https://ossrdbms-aad.database.windows.net, as the real provider gets one from azidentity; otherwise `password`.
 *
 * Semantics follow terraform-provider-postgresql's `postgresql_grant` and `postgresql_default_privileges`: a grant
 * replaces the role's privileges on its object type; a grant whose role no longer exists reads as deleted.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { Client } from "pg";
import { adaptProviderServer, deepEqual, postgresTokenResource, reveal, typeOf } from "./common";

const configuration = adaptProviderServer();

async function password(config: Record<string, any>): Promise<string> {
    if (config.azureIdentityAuth === true || config.azureIdentityAuth === "true") {
         
        const identity = require("@azure/identity") as typeof import("@azure/identity");
        const credential = new identity.DefaultAzureCredential(config.azureTenantId ? { tenantId: config.azureTenantId } : {});
        const token = await credential.getToken(`${postgresTokenResource}/.default`);
        return token.token;
    }
    if (typeof config.password !== "string" || config.password === "") {
        throw new Error("postgresql provider: neither azureIdentityAuth nor password is set.");
    }
    return config.password;
}

function tls(config: Record<string, any>): false | import("tls").ConnectionOptions {
    const mode = String(config.sslmode ?? config.sslMode ?? "prefer");
    if (mode === "disable") throw new Error("postgresql provider: sslmode disable cannot reach a server that accepts TLS only.");
    if (mode === "require" || mode === "prefer" || mode === "allow") return { rejectUnauthorized: false };
    const root = config.sslrootcert as string | undefined;
    const given = !root || root === "system" ? undefined : root.includes("-----BEGIN") ? root : fs.readFileSync(root, "utf8");
    // The simulated servers' certificates come from the e2e test CA, which Node trusts through NODE_EXTRA_CA_CERTS;
    // trust it beside a configured root too (the shipped root would be Azure's, which signs nothing here).
    const extra = process.env.NODE_EXTRA_CA_CERTS ? fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8") : undefined;
    const ca = given ? [given, ...(extra ? [extra] : [])] : undefined;
    return {
        rejectUnauthorized: true,
        ...(ca ? { ca } : {}),
        ...(mode === "verify-ca" ? { checkServerIdentity: () => undefined } : {}),
    };
}

/**
 * One statement at a time per plugin process. GRANTs that touch the same catalog row from two sessions at once
 * fail with "tuple concurrently updated" (PostgreSQL updates the object's ACL in place), and the engine runs
 * grants in parallel; the real provider serializes its grant statements with locks of its own
 * (cyrilgdn/terraform-provider-postgresql, unconfirmed here which lock), so the stand-in queues them.
 */
let queue: Promise<unknown> = Promise.resolve();

function withDatabase<T>(database: string, work: (c: Client) => Promise<T>): Promise<T> {
    const run = queue.then(() => connectAndRun(database, work));
    queue = run.catch(() => undefined);
    return run;
}

async function connectAndRun<T>(database: string, work: (c: Client) => Promise<T>): Promise<T> {
    const config = reveal(configuration());
    if (!config.host) throw new Error("postgresql provider: host is not configured.");
    const client = new Client({
        host: config.host,
        port: Number(config.port ?? 5432),
        user: config.username,
        password: await password(config),
        database,
        ssl: tls(config),
        connectionTimeoutMillis: Number(config.connectTimeout ?? 30) * 1000,
    });
    await client.connect();
    try {
        return await work(client);
    } finally {
        await client.end().catch(() => undefined);
    }
}

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

const objectTypes: Record<string, { on: (a: Grant) => string; all: string; defaclType: string }> = {
    database: { on: (a) => `DATABASE ${ident(a.database)}`, all: "", defaclType: "" },
    schema: { on: (a) => `SCHEMA ${ident(a.schema!)}`, all: "", defaclType: "" },
    table: { on: (a) => `ALL TABLES IN SCHEMA ${ident(a.schema!)}`, all: "TABLES", defaclType: "r" },
    sequence: { on: (a) => `ALL SEQUENCES IN SCHEMA ${ident(a.schema!)}`, all: "SEQUENCES", defaclType: "S" },
};

interface Grant {
    role: string;
    database: string;
    schema?: string;
    objectType: string;
    objects?: string[];
    privileges: string[];
    owner?: string;
}

async function roleExists(c: Client, role: string): Promise<boolean> {
    return (await c.query("select 1 from pg_roles where rolname = $1", [role])).rowCount === 1;
}

function kindOf(urn: string): "grant" | "default" {
    const type = typeOf(urn);
    if (type === "postgresql:index/grant:Grant") return "grant";
    if (type === "postgresql:index/defaultPrivileges:DefaultPrivileges") return "default";
    throw new Error(`The postgresql stand-in does not implement ${type}.`);
}

function idOf(kind: string, g: Grant): string {
    return [g.role, g.database, g.schema ?? "", kind === "default" ? `${g.owner}_${g.objectType}` : g.objectType].join("_");
}

async function apply(kind: "grant" | "default", g: Grant): Promise<void> {
    const t = objectTypes[g.objectType];
    if (!t) throw new Error(`postgresql stand-in: objectType ${g.objectType} is not implemented.`);
    if (g.objects && g.objects.length > 0) throw new Error("postgresql stand-in: grants on named objects are not implemented.");
    await withDatabase(g.database, async (c) => {
        await c.query("BEGIN");
        try {
            if (kind === "grant") {
                await c.query(`REVOKE ALL ON ${t.on(g)} FROM ${ident(g.role)}`);
                if (g.privileges.length > 0) await c.query(`GRANT ${g.privileges.join(", ")} ON ${t.on(g)} TO ${ident(g.role)}`);
            } else {
                const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(g.owner!)} IN SCHEMA ${ident(g.schema!)}`;
                await c.query(`${prefix} REVOKE ALL ON ${t.all} FROM ${ident(g.role)}`);
                if (g.privileges.length > 0) await c.query(`${prefix} GRANT ${g.privileges.join(", ")} ON ${t.all} TO ${ident(g.role)}`);
            }
            await c.query("COMMIT");
        } catch (e) {
            await c.query("ROLLBACK").catch(() => undefined);
            throw e;
        }
    });
}

async function revoke(kind: "grant" | "default", g: Grant): Promise<void> {
    await withDatabase(g.database, async (c) => {
        if (!(await roleExists(c, g.role))) return;
        const t = objectTypes[g.objectType];
        if (kind === "grant") {
            await c.query(`REVOKE ALL ON ${t.on(g)} FROM ${ident(g.role)}`);
        } else {
            await c.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(g.owner!)} IN SCHEMA ${ident(g.schema!)} REVOKE ALL ON ${t.all} FROM ${ident(g.role)}`);
        }
    }).catch((e: { code?: string }) => {
        // The database is already gone: nothing left to revoke.
        if (e.code !== "3D000") throw e;
    });
}

/** The privileges the role holds now, or undefined when the role (or its database) is gone. */
async function current(kind: "grant" | "default", g: Grant): Promise<string[] | undefined> {
    try {
        return await withDatabase(g.database, async (c) => {
            if (!(await roleExists(c, g.role))) return undefined;
            let sql: string;
            const params: unknown[] = [g.role];
            if (kind === "default") {
                sql = "select distinct a.privilege_type as p from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace, " +
                    "aclexplode(d.defaclacl) a where a.grantee = (select oid from pg_roles where rolname = $1) and n.nspname = $2 " +
                    "and d.defaclobjtype = $3 and d.defaclrole = (select oid from pg_roles where rolname = $4)";
                params.push(g.schema, objectTypes[g.objectType].defaclType, g.owner);
            } else if (g.objectType === "database") {
                sql = "select a.privilege_type as p from pg_database d, aclexplode(d.datacl) a where d.datname = $2 and a.grantee = (select oid from pg_roles where rolname = $1)";
                params.push(g.database);
            } else if (g.objectType === "schema") {
                sql = "select a.privilege_type as p from pg_namespace n, aclexplode(n.nspacl) a where n.nspname = $2 and a.grantee = (select oid from pg_roles where rolname = $1)";
                params.push(g.schema);
            } else {
                // Privileges on every existing table or sequence; with none, the grant is what was asked.
                return g.privileges;
            }
            const { rows } = await c.query<{ p: string }>(sql, params);
            return rows.map((r) => r.p).sort();
        });
    } catch (e) {
        if ((e as { code?: string }).code === "3D000") return undefined;
        throw e;
    }
}

const provider: pulumi.provider.Provider = {
    version: process.env.ENTRA_E2E_POSTGRESQL_VERSION ?? "3.18.1",

    async check(urn, _olds, news) {
        kindOf(urn);
        return { inputs: news };
    },

    async diff(_id, _urn, olds, news) {
        const keys = [...new Set([...Object.keys(news), ...Object.keys(olds)])].filter((k) => !deepEqual(olds[k], news[k]));
        // Every argument of postgresql_grant and postgresql_default_privileges is ForceNew.
        return { changes: keys.length > 0, replaces: keys, deleteBeforeReplace: true };
    },

    async create(urn, inputs) {
        const kind = kindOf(urn);
        const g = reveal(inputs) as Grant;
        await apply(kind, g);
        return { id: idOf(kind, g), outs: inputs };
    },

    async read(id, urn, props) {
        const kind = kindOf(urn);
        const g = reveal(props) as Grant;
        const now = await current(kind, g);
        if (now === undefined) return { id: "", props: {} };
        const same = deepEqual([...now].sort(), [...g.privileges].sort());
        return { id, props: same ? props : { ...props, privileges: now } };
    },

    async delete(_id, urn, props) {
        await revoke(kindOf(urn), reveal(props) as Grant);
    },
};

pulumi.provider.main(provider, process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
});
