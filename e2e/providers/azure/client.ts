/**
 * Transient faults of Azure Resource Manager, injected per test, and the retries of the client azure-native
 * sends its requests with, which the simulator stands in for.
 *
 * A test writes `faults.json` in the simulation directory: a list of {@link FaultRule}s, each answering the next
 * `times` matching requests with an error, synchronously (the PUT/PATCH/DELETE itself answers 429, 5xx or 409) or
 * asynchronously (the request is accepted, the long-running operation then ends `Failed`). Every request, retry
 * and answer is logged to `azure-requests.log` (JSON lines) for the test to read.
 *
 * The retry policy is azure-native's (pulumi/pulumi-azure-native provider/pkg/azure/client_azcore.go,
 * `initPipelineOpts`, at 006a62afe453b416e5d5c98d2d91c4c7281f52f9): RetryDelay 20 s, MaxRetryDelay 120 s,
 * retried status codes 408, 429, 500, 502, 503, 504 and 409 with code `AnotherOperationInProgress`
 * (`shouldRetryConflict`), over azcore's defaults (Azure/azure-sdk-for-go sdk/azcore/runtime/policy_retry.go at
 * 0f9d9f4df19f46db7ff7c6ea7d5a3034f09e737e): at most 3 retries (4 tries); the delay is the response's
 * Retry-After when it has one (no retry when it exceeds MaxRetryDelay), otherwise ((2^try) - 1) × RetryDelay with
 * jitter 0.8–1.3, capped at MaxRetryDelay. Any other status (409 `ServerBusy` included) is not retried, and a
 * long-running operation that ends `Failed` is reported, not retried. Simulated seconds last
 * `ENTRA_E2E_SECOND_MS` milliseconds (default 10), so a test does not wait minutes.
 */
import * as fs from "fs";
import * as path from "path";
import { azureError, simDir } from "../common";

export const retryPolicy = {
    maxRetries: 3,
    retryDelaySeconds: 20,
    maxRetryDelaySeconds: 120,
    statusCodes: [408, 429, 500, 502, 503, 504],
    conflictCodes: ["AnotherOperationInProgress"],
} as const;

/** Which requests a rule answers: every field given must match. */
export interface FaultMatch {
    /** `create`, `update`, `delete` (the provider's operations) or `restart` (the ARM endpoint's POST). */
    op?: "create" | "update" | "delete" | "restart";
    /** The resource type's last segment: `Server`, `Configuration`, `FirewallRule`, … */
    type?: string;
    /** The resource's name (`max_connections`, the server's name). */
    name?: string;
}

export interface FaultRule {
    match: FaultMatch;
    status: number;
    code: string;
    message?: string;
    /** Retry-After header, in (simulated) seconds. */
    retryAfterSeconds?: number;
    /** Accepted, then the long-running operation fails with this status and code. */
    async?: boolean;
    /** How many matching requests it answers. Default 1. */
    times?: number;
}

export interface Request {
    op: NonNullable<FaultMatch["op"]>;
    type: string;
    name: string;
}

const secondMs = (): number => Number(process.env.ENTRA_E2E_SECOND_MS ?? "10");

function faultsFile(): string {
    return path.join(simDir(), "faults.json");
}

/** Writes the fault rules for the next requests (tests). */
export function injectFaults(rules: FaultRule[]): void {
    fs.writeFileSync(faultsFile(), JSON.stringify(rules, null, 2));
}

function matches(rule: FaultRule, request: Request): boolean {
    const { op, type, name } = rule.match;
    return (op === undefined || op === request.op) && (type === undefined || type === request.type) && (name === undefined || name === request.name);
}

/** The rule answering `request`, its count taken down by one (rules used up are dropped). */
export function takeFault(request: Request): FaultRule | undefined {
    const file = faultsFile();
    if (!fs.existsSync(file)) return undefined;
    const rules = JSON.parse(fs.readFileSync(file, "utf8")) as FaultRule[];
    const index = rules.findIndex((r) => (r.times ?? 1) > 0 && matches(r, request));
    if (index < 0) return undefined;
    const rule = rules[index];
    rules[index] = { ...rule, times: (rule.times ?? 1) - 1 };
    fs.writeFileSync(file, JSON.stringify(rules.filter((r) => (r.times ?? 1) > 0), null, 2));
    return rule;
}

export function logRequest(entry: Record<string, unknown>): void {
    fs.appendFileSync(path.join(simDir(), "azure-requests.log"), `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
}

function retriable(rule: FaultRule): boolean {
    return (retryPolicy.statusCodes as readonly number[]).includes(rule.status) ||
        (rule.status === 409 && (retryPolicy.conflictCodes as readonly string[]).includes(rule.code));
}

/** azcore's delay before try `attempt + 1`, in simulated seconds (without Retry-After). */
export function backoffSeconds(attempt: number, jitter = Math.random() / 2 + 0.8): number {
    return Math.min(((2 ** attempt) - 1) * retryPolicy.retryDelaySeconds * jitter, retryPolicy.maxRetryDelaySeconds);
}

function failure(rule: FaultRule, request: Request, note: string): Error {
    return azureError(rule.status, rule.code, rule.message ?? `${rule.code} (injected) on ${request.op} of ${request.type} ${request.name}`,
        `the test's faults.json; ${note}`);
}

/**
 * Sends `request` as azure-native's client does: an injected synchronous fault is retried by the policy above
 * (then `send` runs once it is answered normally), an injected asynchronous one fails the operation after
 * `send` is accepted, and errors `send` itself raises (ServerBusy, a refused change) are reported as they are.
 * `send(accepted)` runs the operation; `failAsync` ends it `Failed` before it changes anything.
 */
export async function sendWithRetries<T>(request: Request, send: (failAsync?: () => never) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        const fault = takeFault(request);
        if (!fault) {
            logRequest({ ...request, attempt, answer: "accepted" });
            return send();
        }
        if (fault.async) {
            logRequest({ ...request, attempt, answer: `accepted, then Failed ${fault.code}` });
            return send(() => {
                throw failure(fault, request, "the long-running operation ended Failed; azure-native reports it and does not retry");
            });
        }
        logRequest({ ...request, attempt, answer: `${fault.status} ${fault.code}`, retryAfterSeconds: fault.retryAfterSeconds });
        if (!retriable(fault)) {
            throw failure(fault, request, `status ${fault.status} ${fault.code} is not retried by azure-native's client`);
        }
        if (attempt === retryPolicy.maxRetries + 1) {
            throw failure(fault, request, `still failing after ${attempt} tries (azure-native's client retries ${retryPolicy.maxRetries} times)`);
        }
        const retryAfter = fault.retryAfterSeconds;
        if (retryAfter !== undefined && retryAfter > retryPolicy.maxRetryDelaySeconds) {
            throw failure(fault, request, `Retry-After ${retryAfter}s exceeds the client's MaxRetryDelay of ${retryPolicy.maxRetryDelaySeconds}s, so it does not retry`);
        }
        const delay = retryAfter !== undefined && retryAfter > 0 ? retryAfter : backoffSeconds(attempt);
        logRequest({ ...request, attempt, retryInSeconds: Number(delay.toFixed(2)) });
        await new Promise((r) => setTimeout(r, delay * secondMs()));
    }
}
