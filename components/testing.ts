// Test hooks (`entra-postgres/testing`): replace the role provider's token source and retry policy, and close
// its pooled connections. Not exported by the main entry point, so a program cannot reach them by accident.
// They act on the provider's per-process state (kept on globalThis, components/roles/state.ts), so they reach
// every copy of the provider loaded in this process.
export { setTokenSource, tokenRefreshMarginMs, type TokenSource, type AccessTokenLike } from "./roles/token";
export { setRetryPolicy, defaultRetryPolicy, retryPolicyEnvironment, type RetryPolicy } from "./roles/retry";
import * as connection from "./roles/connection";

// Declared here rather than re-exported, so that this entry point's .d.ts does not pull in connection.d.ts and
// with it the types of `pg` (a consumer would otherwise need @types/pg to type-check).
/** Closes the role provider's pooled connections in this process (they are opened again on the next use). */
export function closeAllConnections(): Promise<void> {
    return connection.closeAllConnections();
}
/** Connections the role provider keeps open per server at most. */
export const maxConnectionsPerServer: number = connection.maxConnectionsPerServer;
/** The role provider itself, to call its check/diff/create/read/update/delete directly. */
export { entraRoleProvider } from "./roles/provider";
