import type { Pool, PoolClient } from "pg";
import { scopeForCloud, type Cloud } from "./audiences";
import { classifyFailure, deadlineExceeded, describeFailure, explainFailure, retriesExhausted, type FailureContext } from "./errors";
import { backoffDelayMs, currentRetryPolicy } from "./retry";
import { processSlot } from "./state";
import { getAccessToken } from "./token";
import { providerTrustedCas } from "./trust";

/** A server and the way to log in to it. */
export interface ServerTarget {
    readonly host: string;
    readonly port: number;
    /** Entra administrator to log in as. */
    readonly user: string;
    readonly database: string;
    readonly cloud: Cloud;
    /** PEM of the CA to trust instead of Azure's documented roots (trust.ts). */
    readonly caCertificate?: string;
    /** False only when verification was explicitly turned off. */
    readonly verifyTls: boolean;
}

/** Connections per server and login; role statements are short, so a few serve hundreds of roles. */
export const maxConnectionsPerServer = 4;

/**
 * Runs `work` on a pooled connection to `target`. Transient failures (refused or reset connections,
 * timeouts, server restarts, too many connections) are retried with bounded exponential backoff, so `work`
 * must be safe to run again; anything else is explained and thrown at once. The whole operation, attempts and
 * waits included, ends at the policy's deadline: a connection or query still pending then is abandoned (its
 * connection destroyed) and the error names the deadline and how to change it.
 */
export async function withServer<T>(target: ServerTarget, action: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const policy = currentRetryPolicy();
    const context: FailureContext = {
        host: target.host,
        port: target.port,
        user: target.user,
        database: target.database,
        scope: scopeForCloud(target.cloud),
        action,
    };
    const tried: string[] = [];
    const started = Date.now();
    const deadline = started + policy.deadlineMs;
    const overdue = () => deadlineExceeded(context, policy.deadlineMs, tried);
    for (let attempt = 1; ; attempt++) {
        let client: PoolClient | undefined;
        try {
            const connecting = poolFor(target).connect();
            client = await beforeDeadline(connecting, deadline, (late) => late.then((c) => c.release(new Error("abandoned at the deadline")), () => undefined));
            const checkedOut = client;
            const result = await beforeDeadline(work(checkedOut), deadline, () => checkedOut.release(new Error("abandoned at the deadline")));
            client.release();
            return result;
        } catch (err) {
            if (err === deadlinePassed) throw overdue();
            const kind = classifyFailure(err);
            // A connection that failed mid-way is discarded; one that only saw an SQL error is reused.
            client?.release(kind === "transient" ? toError(err) : undefined);
            if (kind !== "transient") throw explainFailure(err, context);
            tried.push(`attempt ${attempt}: ${describeFailure(err)}`);
            if (attempt >= policy.attempts) throw retriesExhausted(context, tried, Date.now() - started);
            const delay = backoffDelayMs(policy, attempt);
            if (Date.now() + delay >= deadline) throw overdue();
            await new Promise((resolve) => setTimeout(resolve, delay));
        }
    }
}

const deadlinePassed = Symbol("deadline passed");

/**
 * `promise`, or a rejection with {@link deadlinePassed} once `deadline` (epoch ms) is reached; `abandon`
 * then receives the promise, to clean up what it yields late.
 */
function beforeDeadline<T>(promise: Promise<T>, deadline: number, abandon: (late: Promise<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
            abandon(promise);
            reject(deadlinePassed);
        }, Math.max(0, deadline - Date.now()));
        promise.then(
            (value) => { clearTimeout(timer); resolve(value); },
            (err) => { clearTimeout(timer); reject(err); },
        );
    });
}

/** Closes every pooled connection of this process (test and benchmark teardown). */
export async function closeAllConnections(): Promise<void> {
    const pools = processSlot("pools", () => new Map<string, Pool>());
    const open = [...pools.values()];
    pools.clear();
    await Promise.all(open.map((pool) => pool.end().catch(() => undefined)));
}

function poolFor(target: ServerTarget): Pool {
    const pools = processSlot("pools", () => new Map<string, Pool>());
    const key = poolKey(target);
    let pool = pools.get(key);
    if (!pool) {
        const pg = require("pg") as typeof import("pg");
        const cloud = target.cloud;
        pool = new pg.Pool({
            host: target.host,
            port: target.port,
            user: target.user,
            database: target.database,
            // Called for each new connection; the token cache makes that one token per scope and process.
            password: () => getAccessToken(cloud),
            // Verified against Azure's documented roots (or the resource's caCertificate) only: see trust.ts.
            ssl: target.verifyTls ? { rejectUnauthorized: true, ca: providerTrustedCas(target.caCertificate) } : { rejectUnauthorized: false },
            max: maxConnectionsPerServer,
            idleTimeoutMillis: 10_000,
            connectionTimeoutMillis: 15_000,
            statement_timeout: 60_000,
            // A connection that silently died (no reset) fails here and is retried instead of hanging.
            query_timeout: 120_000,
            keepAlive: true,
            allowExitOnIdle: true,
            application_name: "entra-postgres",
        });
        // An idle connection dies when the server restarts; the pool drops it and the next checkout reconnects.
        pool.on("error", () => undefined);
        pools.set(key, pool);
    }
    return pool;
}

function poolKey(target: ServerTarget): string {
    const crypto = require("crypto") as typeof import("crypto");
    // What the connection trusts, so a test CA added or changed later gets a pool of its own.
    const ca = target.verifyTls ? crypto.createHash("sha256").update(providerTrustedCas(target.caCertificate)).digest("hex") : "";
    return JSON.stringify([target.host.toLowerCase(), target.port, target.user, target.database, target.cloud, ca, target.verifyTls]);
}

function toError(err: unknown): Error {
    return err instanceof Error ? err : new Error(String(err));
}
