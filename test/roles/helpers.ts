import * as crypto from "crypto";
import { Client } from "pg";
import type { TestServer } from "../../testing/postgres";
import { closeAllConnections, setRetryPolicy, setTokenSource } from "../../components/testing";

/** Counts token requests; the token the test server's administrator logs in with. */
export interface TokenSpy {
    calls: number;
    scopes: string[];
}

/** Makes the provider log in with `token` (default: the server's administrator token), counting requests. */
export function useToken(server: TestServer, spy: TokenSpy, token?: string): void {
    setTokenSource(async (scope) => {
        spy.calls++;
        spy.scopes.push(scope);
        return { token: token ?? server.adminToken, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
    });
}

/** Puts the provider's process state back (token source, retry policy, pools), then stops the server, if any. */
export async function releaseProvider(server?: TestServer): Promise<void> {
    setTokenSource(undefined);
    setRetryPolicy(undefined);
    await closeAllConnections();
    await server?.close();
}

/** Provider inputs for a role on the test server, verified against the server's CA. */
export function roleInputs(server: TestServer, extra: Record<string, unknown>): Record<string, unknown> {
    return {
        serverFqdn: server.host,
        port: server.port,
        adminLogin: server.adminLogin,
        caCertificate: server.caPem,
        ...extra,
    };
}

export const newObjectId = (): string => crypto.randomUUID();

/** Runs SQL as the Entra administrator, as a person would by hand. */
export async function asAdmin(server: TestServer, sql: string, params: unknown[] = []): Promise<unknown[]> {
    const client = new Client({
        host: server.host,
        port: server.port,
        user: server.adminLogin,
        password: server.adminToken,
        database: "postgres",
        ssl: { ca: server.caPem },
    });
    await client.connect();
    try {
        return (await client.query(sql, params)).rows;
    } finally {
        await client.end();
    }
}

/** The role's row in pg_roles (as the superuser sees it), or undefined. */
export async function pgRole(server: TestServer, name: string): Promise<{ oid: number; rolname: string; rolcanlogin: boolean } | undefined> {
    const { rows } = await server.query("select oid::int as oid, rolname, rolcanlogin from pg_roles where rolname = $1", [name]);
    return rows[0];
}

/** The role as pgaadauth_list_principals(false) lists it, or undefined. */
export async function listedPrincipal(
    server: TestServer,
    name: string,
): Promise<{ rolname: string; principaltype: string; objectid: string; isadmin: number; ismfa: number } | undefined> {
    // The first column by position: Learn has named it rolname and rolename.
    const { rows } = await server.query("select * from pgaadauth_list_principals(false) as p(rolname) where rolname = $1", [name]);
    return rows[0];
}

/** Resolves to the rejection of `promise`, failing if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (err) {
        return err as Error;
    }
    throw new Error("expected the operation to fail, but it succeeded");
}
