import { Client } from "pg";
import { roleSql } from "../components/roles/provider";

/**
 * The baseline of the role-throughput benchmark: a provider without pooling or token caching. Every operation
 * fetches a new token, opens a new TLS connection (verified against the same CA), runs the statements the
 * `EntraRole` provider runs for it (its `roleSql`: lookup, create with object id, drop) and closes the connection.
 */

/** Where the baseline connects, and how it gets a token. */
export interface BaselineTarget {
    host: string;
    port: number;
    adminLogin: string;
    caPem: string;
    /** Called once per operation, as a credential without a cache would be. */
    token: () => Promise<string>;
}

/** A role to create, read and delete. */
export interface BaselineRole {
    roleName: string;
    objectId: string;
    principalType: "user" | "group" | "service";
}

async function withNewConnection<T>(target: BaselineTarget, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({
        host: target.host,
        port: target.port,
        user: target.adminLogin,
        password: await target.token(),
        database: "postgres",
        ssl: { rejectUnauthorized: true, ca: target.caPem },
        application_name: "entra-postgres-bench-baseline",
    });
    await client.connect();
    try {
        return await work(client);
    } finally {
        await client.end();
    }
}

async function lookup(client: Client, roleName: string): Promise<{ exists: boolean; isPrincipal: boolean }> {
    const { rows } = await client.query<{ role_exists: boolean; principal: unknown }>(roleSql.lookup, [roleName]);
    return { exists: rows[0].role_exists, isPrincipal: rows[0].principal !== null };
}

export function baselineCreate(target: BaselineTarget, role: BaselineRole): Promise<void> {
    return withNewConnection(target, async (client) => {
        const found = await lookup(client, role.roleName);
        if (found.exists) throw new Error(`baseline: role ${role.roleName} already exists`);
        await client.query(roleSql.createWithOid, [
            role.roleName,
            role.objectId,
            role.principalType,
            false,
            false,
        ]);
    });
}

export function baselineRead(target: BaselineTarget, role: BaselineRole): Promise<boolean> {
    return withNewConnection(target, async (client) => (await lookup(client, role.roleName)).isPrincipal);
}

export function baselineDelete(target: BaselineTarget, role: BaselineRole): Promise<void> {
    return withNewConnection(target, async (client) => {
        const found = await lookup(client, role.roleName);
        if (!found.isPrincipal) throw new Error(`baseline: role ${role.roleName} is not there to drop`);
        const { rows } = await client.query<{ statement: string }>(roleSql.dropStatement, [role.roleName]);
        await client.query(rows[0].statement);
    });
}
