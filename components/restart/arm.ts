import type { Cloud } from "../config/cloud";
import { cloudEndpoints } from "../config/cloud";

/**
 * The few Azure Resource Manager calls the program makes itself (a Flexible Server restart), with a token from
 * @azure/identity's DefaultAzureCredential for the cloud's Resource Manager, over TLS verified by Node's trust
 * store, at the cloud's Resource Manager endpoint (components/config/cloud.ts).
 *
 * Retries follow the Azure SDKs' defaults (azcore, Azure/azure-sdk-for-go sdk/azcore/runtime/policy_retry.go at
 * 0f9d9f4d): status 408, 429, 500, 502, 503, 504 and network errors are retried up to 3 times, after the
 * response's Retry-After or ((2^try) - 1) × 0.8 s with jitter, at most 60 s. A long-running operation (202 with
 * `Azure-AsyncOperation` or `Location`) is polled until it ends; `Failed` or `Canceled` is an error naming
 * Azure's code and message. Every error says which call failed and, where it helps, what to do.
 */

export interface ArmCall {
    cloud: Cloud;
    method: "GET" | "POST";
    /** The resource path with its action (`/subscriptions/…/flexibleServers/<name>/restart`). */
    path: string;
    apiVersion: string;
    body?: unknown;
    /** What the call does, for messages: "Restarting server dev-pg". */
    what: string;
}

/** Replaces DefaultAzureCredential and the clock in tests. */
export interface ArmDeps {
    getToken(cloud: Cloud): Promise<string>;
    sleep(ms: number): Promise<void>;
}

const retryStatuses = [408, 429, 500, 502, 503, 504];
const maxRetries = 3;

export const defaultArmDeps: ArmDeps = {
    async getToken(cloud) {
        // Loaded here, not at module scope, so a serialized provider refers to the package by name.
        const identity = require("@azure/identity") as typeof import("@azure/identity");
        const endpoints = cloudEndpoints[cloud];
        const credential = new identity.DefaultAzureCredential({ authorityHost: endpoints.authorityHost });
        const token = await credential.getToken(`${endpoints.resourceManager}/.default`);
        if (!token?.token) throw new Error("DefaultAzureCredential returned no token");
        return token.token;
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

function retryAfterMs(response: Response): number | undefined {
    const header = response.headers.get("retry-after");
    if (header === null) return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

async function armError(response: Response): Promise<{ code: string; message: string }> {
    const text = await response.text().catch(() => "");
    try {
        const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
        return { code: body.error?.code ?? String(response.status), message: body.error?.message ?? text };
    } catch {
        return { code: String(response.status), message: text || response.statusText };
    }
}

function hint(status: number): string {
    if (status === 401 || status === 403) {
        return " The deploying identity needs permission to restart the server (Microsoft.DBforPostgreSQL/flexibleServers/restart/action, in the Contributor role on the server or its resource group).";
    }
    return "";
}

/** One request with the SDKs' retries; returns the final (non-retried) response. */
async function send(url: string, init: RequestInit, what: string, deps: ArmDeps): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
        let response: Response | undefined;
        let failure: unknown;
        try {
            response = await fetch(url, init);
        } catch (e) {
            failure = e;
        }
        if (response && !retryStatuses.includes(response.status)) return response;
        if (attempt > maxRetries) {
            if (response) return response;
            throw new Error(`${what}: ${init.method} ${url} failed after ${attempt} tries: ${(failure as Error)?.message ?? failure}`, { cause: failure });
        }
        const delay = (response && retryAfterMs(response)) ?? Math.min((2 ** attempt - 1) * 800 * (Math.random() / 2 + 0.8), 60_000);
        await response?.body?.cancel().catch(() => undefined);
        await deps.sleep(delay);
    }
}

/** Makes the call and, for a long-running operation, waits until it ends. Throws a clear error otherwise. */
export async function armRequest(call: ArmCall, deps: ArmDeps = defaultArmDeps): Promise<void> {
    const base = cloudEndpoints[call.cloud].resourceManager;
    const url = `${base}${call.path}?api-version=${encodeURIComponent(call.apiVersion)}`;
    let token: string;
    try {
        token = await deps.getToken(call.cloud);
    } catch (e) {
        throw new Error(`${call.what}: could not get a Microsoft Entra token for ${base} from DefaultAzureCredential: ${(e as Error).message}. Sign in as the deploying identity (az login, or workload identity in CI).`, { cause: e });
    }
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const response = await send(url, { method: call.method, headers, body: call.body === undefined ? undefined : JSON.stringify(call.body) }, call.what, deps);
    if (response.status !== 200 && response.status !== 201 && response.status !== 202 && response.status !== 204) {
        const { code, message } = await armError(response);
        throw new Error(`${call.what}: ${call.method} ${url} answered ${response.status} ${code}: ${message}.${hint(response.status)}`);
    }
    const operation = response.headers.get("azure-asyncoperation") ?? (response.status === 202 ? response.headers.get("location") : null);
    let wait = retryAfterMs(response);
    await response.body?.cancel().catch(() => undefined);
    if (!operation) return;
    const deadline = Date.now() + 60 * 60 * 1000;
    for (;;) {
        await deps.sleep(wait ?? 10_000);
        const poll = await send(operation, { method: "GET", headers: { authorization: `Bearer ${token}` } }, call.what, deps);
        if (poll.status === 202 && !response.headers.get("azure-asyncoperation")) {
            wait = retryAfterMs(poll);
            await poll.body?.cancel().catch(() => undefined);
        } else if (poll.status !== 200) {
            const { code, message } = await armError(poll);
            throw new Error(`${call.what}: polling ${operation} answered ${poll.status} ${code}: ${message}.${hint(poll.status)}`);
        } else {
            const text = await poll.text();
            const body = (text ? JSON.parse(text) : {}) as { status?: string; error?: { code?: string; message?: string } };
            const status = body.status ?? "Succeeded";
            if (status === "Succeeded") return;
            if (status === "Failed" || status === "Canceled") {
                throw new Error(`${call.what}: the operation ended ${status}: ${body.error?.code ?? "no code"}: ${body.error?.message ?? "no message"}.`);
            }
            wait = retryAfterMs(poll);
        }
        if (Date.now() > deadline) throw new Error(`${call.what}: the operation ${operation} did not end within an hour.`);
    }
}
