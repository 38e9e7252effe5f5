import type { Pool } from "pg";
import type { Cloud } from "./audiences";
import type { AccessTokenLike, TokenSource } from "./token";
import type { RetryPolicy } from "./retry";

/**
 * Per-process state shared by every role the provider handles in one `pulumi up`: connection pools and
 * cached tokens. It lives on `globalThis`, read inside each call, because Pulumi serializes the provider's
 * functions by value into the stack state: anything they captured from module scope would be serialized
 * with them, while `globalThis` is left as a reference.
 */
export interface RolesRuntimeState {
    /** pg pools by server, login and TLS settings. */
    readonly pools: Map<string, Pool>;
    /** Tokens by scope. */
    readonly tokens: Map<string, AccessTokenLike>;
    /** Token requests in flight by scope, so concurrent connections share one request. */
    readonly pendingTokens: Map<string, Promise<AccessTokenLike>>;
    /** DefaultAzureCredential per cloud (it keeps its own caches). */
    readonly credentials: Map<Cloud, { getToken(scope: string): Promise<AccessTokenLike | null> }>;
    /** Replaces DefaultAzureCredential when set (tests). */
    tokenSource?: TokenSource;
    /** Overrides the retry policy when set (tests). */
    retryPolicy?: Partial<RetryPolicy>;
}

/** The single `globalThis` key the provider keeps its state under. */
export const runtimeStateKey = "__entraPostgresRolesRuntimeState";

/** The process's state, created on first use. */
export function runtimeState(): RolesRuntimeState {
    const holder = globalThis as unknown as Record<string, RolesRuntimeState | undefined>;
    let state = holder[runtimeStateKey];
    if (!state) {
        state = { pools: new Map(), tokens: new Map(), pendingTokens: new Map(), credentials: new Map() };
        holder[runtimeStateKey] = state;
    }
    return state;
}
