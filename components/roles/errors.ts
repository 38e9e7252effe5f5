import { processSlot } from "./state";

/**
 * How a failure is handled: `transient` is retried; `auth` and `tls` are explained and not retried;
 * `permanent` is reported as it is.
 */
export type FailureKind = "transient" | "auth" | "tls" | "permanent";

/** Where an operation ran, for messages. */
export interface FailureContext {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly database: string;
    /** Token audience used for the login, named in sign-in failures. */
    readonly scope: string;
    /** What was being done, e.g. `create role "app"`. */
    readonly action: string;
}

// Network failures that a later attempt can get past (server restarting, failover, brief outage).
const transientNetworkCodes = [
    "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN",
    "ECONNABORTED", "EAI_AGAIN",
];
// 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections;
// every 08xxx (connection exception) is added by its class.
const transientSqlStates = ["57P01", "57P02", "57P03", "53300"];
const transientMessages = [
    /Connection terminated/i,
    /timeout exceeded when trying to connect/i,
    /not queryable/i,
    /Query read timeout/i,
    /socket hang up/i,
];

/** Marks an error the provider raised itself: already explained, never retried. */
export function permanentError(message: string): Error {
    return Object.assign(new Error(redactSecrets(message)), { retryable: false });
}

/** SQLSTATE of a PostgreSQL error, if `err` is one. */
export function sqlState(err: unknown): string | undefined {
    const code = (err as { code?: unknown } | undefined)?.code;
    // Five characters with a digit: Node's codes (EPIPE) have the same shape but no digits.
    return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code) ? code : undefined;
}

/** Classifies `err`; see {@link FailureKind}. */
export function classifyFailure(err: unknown): FailureKind {
    if (!err || typeof err !== "object") return "permanent";
    const e = err as { retryable?: unknown; code?: unknown; message?: unknown; errors?: unknown };
    if (e.retryable === false) return "permanent";
    const code = typeof e.code === "string" ? e.code : "";
    if (transientNetworkCodes.includes(code)) return "transient";
    const state = sqlState(err);
    if (state) {
        if (state.startsWith("08") || transientSqlStates.includes(state)) return "transient";
        if (state === "28P01" || state === "28000") return "auth";
        return "permanent";
    }
    // OpenSSL verification codes (SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...) and Node's TLS codes.
    if (/CERT|^UNABLE_TO_|^ERR_TLS|^ERR_SSL/.test(code)) return "tls";
    const message = typeof e.message === "string" ? e.message : "";
    if (/does not support SSL/i.test(message)) return "tls";
    if (transientMessages.some((pattern) => pattern.test(message))) return "transient";
    // Node reports one error per address tried (IPv6 and IPv4) in an AggregateError with an empty message.
    if (Array.isArray(e.errors) && e.errors.length > 0) {
        const kinds = e.errors.map(classifyFailure);
        if (kinds.includes("transient")) return "transient";
        if (kinds.includes("tls")) return "tls";
    }
    return "permanent";
}

/** One line describing `err` (code and message), without secrets. */
export function describeFailure(err: unknown): string {
    if (!err || typeof err !== "object") return redactSecrets(String(err));
    const e = err as { code?: unknown; message?: unknown; errors?: unknown };
    let message = typeof e.message === "string" ? e.message : "";
    if (!message && Array.isArray(e.errors)) {
        message = e.errors.map(describeFailure).join("; ");
    }
    const code = typeof e.code === "string" && !message.includes(e.code) ? `${e.code}: ` : "";
    return redactSecrets(`${code}${message || "unknown error"}`);
}

/** The error to report for a failure that is not retried (or no longer). */
export function explainFailure(err: unknown, context: FailureContext): Error {
    if ((err as { retryable?: unknown } | undefined)?.retryable === false) return err as Error;
    const where = `${context.host}:${context.port}`;
    const kind = classifyFailure(err);
    const cause = describeFailure(err);
    if (kind === "auth") {
        return permanentError(
            `Microsoft Entra sign-in as "${context.user}" to ${where} was refused (${cause}). Usual causes: ` +
                `the token is for the wrong audience (this login asked for ${context.scope}; check the cloud input); ` +
                `adminLogin must match the name of the server's Entra administrator exactly, and it is case-sensitive; ` +
                `the identity DefaultAzureCredential signed in with is not that administrator; ` +
                `this runner's public IP is not in the server's allowedIps (public access); ` +
                `for a server with private access, the runner must be inside the VNet (or a peered network).`,
        );
    }
    if (kind === "tls") {
        return permanentError(
            `TLS with ${where} failed (${cause}). Certificate verification is on, against the roots Microsoft ` +
                `documents for Azure Database for PostgreSQL (certs/azure-postgres-roots.pem: DigiCert Global Root G2, ` +
                `Microsoft RSA Root Certificate Authority 2017, DigiCert Global Root CA); Node's store and NODE_EXTRA_CA_CERTS are not used. ` +
                `Check that serverFqdn is the server's own host name (the certificate must name it); for another ` +
                `server or CA, pass its CA as caCertificate (PEM). As a last resort, ` +
                `dangerouslyDisableTlsVerification: true turns verification off (anyone on the path can then read the token).`,
        );
    }
    if ((err as { code?: unknown }).code === "ENOTFOUND") {
        return permanentError(
            `Could not ${context.action}: the host name ${context.host} does not resolve (${cause}). Check serverFqdn. ` +
                `A server with private access resolves only inside its VNet (private DNS zone), so run from there. If the ` +
                `server was deleted outside Pulumi, remove its roles from the stack with \`pulumi state delete\`.`,
        );
    }
    const state = sqlState(err);
    if (state === "42883" && /pgaadauth_/i.test(cause)) {
        return permanentError(
            `Azure's pgaadauth_* functions do not exist in database "${context.database}" on ${where} (${cause}). ` +
                `Azure installs them only in the "postgres" database, and only when Microsoft Entra authentication is ` +
                `enabled on the server (authConfig.activeDirectoryAuth: "Enabled").`,
        );
    }
    if (/Could not validate AAD user/i.test(cause) && /not found in the tenant/i.test(cause)) {
        return permanentError(
            `Could not ${context.action} on ${where}: Microsoft Entra ID has no principal by that name in the ` +
                `server's tenant (${cause}). Names are case-sensitive and must be the exact display name of the user, ` +
                `group, service principal or managed identity; or pass objectId so the name is not looked up.`,
        );
    }
    if (state === "42501") {
        return permanentError(
            `Could not ${context.action} on ${where}: permission denied (${cause}). Only a Microsoft Entra ` +
                `administrator of the server may create Entra roles; "${context.user}" must be one.`,
        );
    }
    const pgError = err as { detail?: unknown; hint?: unknown };
    const detail = typeof pgError.detail === "string" ? ` ${pgError.detail}` : "";
    const hint = typeof pgError.hint === "string" ? ` Hint: ${pgError.hint}` : "";
    return permanentError(
        `Could not ${context.action} on ${where} (database "${context.database}", login "${context.user}"): ` +
            `${cause}${state ? ` [SQLSTATE ${state}]` : ""}.${detail}${hint}`,
    );
}

/** The error after the last attempt at a transient failure. */
export function retriesExhausted(context: FailureContext, tried: readonly string[], elapsedMs: number): Error {
    return permanentError(
        `Could not ${context.action} on ${context.host}:${context.port}: gave up after ${tried.length} attempts ` +
            `in ${(elapsedMs / 1000).toFixed(1)} s. Tried: ${tried.join(" | ")}. Check that the server is running and ` +
            `that this machine can reach it: for a server with public access, this runner's public IP must be in ` +
            `allowedIps; for a server with private access, run the deployment from inside the VNet (or a peered ` +
            `network that resolves the server's private DNS zone).`,
    );
}

/** The operation's overall deadline passed (see `RetryPolicy.deadlineMs`). Not retried. */
export function deadlineExceeded(context: FailureContext, deadlineMs: number, tried: readonly string[]): Error {
    return permanentError(
        `Could not ${context.action} on ${context.host}:${context.port}: no result within the deadline of ` +
            `${(deadlineMs / 1000).toFixed(deadlineMs < 10_000 ? 1 : 0)} s for one role operation` +
            (tried.length > 0 ? ` (${tried.length} failed attempt${tried.length === 1 ? "" : "s"}: ${tried.join(" | ")})` : "") +
            `. The server may be unreachable, restarting or overloaded. Set ENTRA_POSTGRES_OPERATION_DEADLINE_MS to wait longer.`,
    );
}

/** Replaces tokens the process holds, and anything shaped like a JWT, with `[redacted]`. */
export function redactSecrets(text: string): string {
    let result = text;
    // The `tokens` slot token.ts fills, read by name so that this module does not import token.ts.
    for (const cached of processSlot("tokens", () => new Map<string, { token: string }>()).values()) {
        if (cached.token.length >= 8) result = result.split(cached.token).join("[redacted]");
    }
    return result.replace(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted]");
}
