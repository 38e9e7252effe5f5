/**
 * Per-process state shared by every role the provider handles in one `pulumi up`: connection pools, cached
 * tokens, test overrides. It lives on `globalThis`, read inside each call, because Pulumi serializes the
 * provider's functions by value into the stack state: anything they captured from module scope would be
 * serialized with them, while `globalThis` is left as a reference.
 *
 * This module is a generic slot and imports nothing of its neighbours: each module names and types the
 * slots it owns (`pools` in connection.ts, `tokens` in token.ts, `retryPolicy` in retry.ts), so no import
 * cycle runs through the shared state.
 */

/** The single `globalThis` key the provider keeps its state under. */
export const runtimeStateKey = "__entraPostgresRolesRuntimeState";

/** The process's value in slot `name`, created by `create` on first use. */
export function processSlot<T>(name: string, create: () => T): T {
    const holder = globalThis as unknown as Record<string, Record<string, unknown> | undefined>;
    let state = holder[runtimeStateKey];
    if (!state) {
        state = {};
        holder[runtimeStateKey] = state;
    }
    if (!(name in state)) {
        state[name] = create();
    }
    return state[name] as T;
}
