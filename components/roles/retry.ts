import { processSlot } from "./state";

/** Overrides the retry policy when set (tests); kept in the process state (see state.ts). */
function retryOverride(): { current?: Partial<RetryPolicy> } {
    return processSlot("retryPolicy", () => ({}));
}

/** How transient connection failures are retried. */
export interface RetryPolicy {
    /** Attempts in total, the first included. Default 8. */
    attempts: number;
    /** Delay before the second attempt; doubles each time. Default 500 ms. */
    baseDelayMs: number;
    /** Upper bound of one delay. Default 15 000 ms (8 attempts wait about 45 s in all). */
    maxDelayMs: number;
    /**
     * Overall deadline of one role operation (create, read, check, drop), attempts and waits included. Default
     * 300 000 ms (5 minutes): 8 attempts of a 15 s connection timeout and 45 s of waiting fit, a hung query
     * (up to the 120 s query timeout) does not keep `pulumi up` waiting for longer.
     */
    deadlineMs: number;
}

export const defaultRetryPolicy: Readonly<RetryPolicy> = { attempts: 8, baseDelayMs: 500, maxDelayMs: 15_000, deadlineMs: 300_000 };

/** Environment variables that override {@link defaultRetryPolicy}, e.g. to wait longer for a server that restarts. */
export const retryPolicyEnvironment = {
    attempts: "ENTRA_POSTGRES_RETRY_ATTEMPTS",
    baseDelayMs: "ENTRA_POSTGRES_RETRY_BASE_DELAY_MS",
    maxDelayMs: "ENTRA_POSTGRES_RETRY_MAX_DELAY_MS",
    deadlineMs: "ENTRA_POSTGRES_OPERATION_DEADLINE_MS",
} as const;

/**
 * Overrides the retry policy for this process (tests and benchmarks); `undefined` restores the default
 * (and the environment variables).
 */
export function setRetryPolicy(policy: Partial<RetryPolicy> | undefined): void {
    retryOverride().current = policy;
}

/** The policy in force: {@link setRetryPolicy}, then the environment, then {@link defaultRetryPolicy}. */
export function currentRetryPolicy(): RetryPolicy {
    const fromEnv = (key: keyof RetryPolicy, min: number): number | undefined => {
        const raw = process.env[retryPolicyEnvironment[key]];
        const value = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
        return Number.isInteger(value) && value >= min ? value : undefined;
    };
    const override = retryOverride().current ?? {};
    return {
        attempts: Math.max(1, override.attempts ?? fromEnv("attempts", 1) ?? defaultRetryPolicy.attempts),
        baseDelayMs: Math.max(0, override.baseDelayMs ?? fromEnv("baseDelayMs", 0) ?? defaultRetryPolicy.baseDelayMs),
        maxDelayMs: Math.max(0, override.maxDelayMs ?? fromEnv("maxDelayMs", 0) ?? defaultRetryPolicy.maxDelayMs),
        deadlineMs: Math.max(1, override.deadlineMs ?? fromEnv("deadlineMs", 1) ?? defaultRetryPolicy.deadlineMs),
    };
}

/** Delay after failed attempt number `attempt` (1-based): exponential, capped, with up to 20% jitter. */
export function backoffDelayMs(policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">, attempt: number): number {
    const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(exponential * (0.8 + Math.random() * 0.2));
}
