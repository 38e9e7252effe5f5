import { authorityHostForCloud, azCloudNameFor, scopeForCloud, type Cloud } from "./audiences";
import { describeFailure, permanentError } from "./errors";
import { processSlot } from "./state";

/** An Entra access token and when it expires (milliseconds since the epoch), as @azure/identity returns it. */
export interface AccessTokenLike {
    token: string;
    expiresOnTimestamp: number;
}

/** Gets a token for a `.default` scope. Replaces DefaultAzureCredential through {@link setTokenSource}. */
export type TokenSource = (scope: string) => Promise<AccessTokenLike>;

/**
 * A cached token is replaced once less than this remains. Entra tokens live 5 to 60 minutes, and a
 * connection only needs the token while it logs in.
 */
/** This module's process state (see state.ts); errors.ts reads the `tokens` slot to redact them. */
interface TokenState {
    /** Tokens by scope. */
    readonly tokens: Map<string, AccessTokenLike>;
    /** Token requests in flight by scope, so concurrent connections share one request. */
    readonly pendingTokens: Map<string, Promise<AccessTokenLike>>;
    /** DefaultAzureCredential per cloud (it keeps its own caches). */
    readonly credentials: Map<Cloud, { getToken(scope: string): Promise<AccessTokenLike | null> }>;
    /** Replaces DefaultAzureCredential when set (tests). */
    tokenSource?: TokenSource;
}

function tokenState(): TokenState {
    return {
        tokens: processSlot("tokens", () => new Map<string, AccessTokenLike>()),
        pendingTokens: processSlot("pendingTokens", () => new Map<string, Promise<AccessTokenLike>>()),
        credentials: processSlot("credentials", () => new Map<Cloud, { getToken(scope: string): Promise<AccessTokenLike | null> }>()),
        get tokenSource() {
            return processSlot<{ current?: TokenSource }>("tokenSource", () => ({})).current;
        },
        set tokenSource(source: TokenSource | undefined) {
            processSlot<{ current?: TokenSource }>("tokenSource", () => ({})).current = source;
        },
    };
}

export const tokenRefreshMarginMs = 5 * 60 * 1000;

/**
 * Replaces DefaultAzureCredential as the source of tokens in this process (tests, benchmarks, or a caller
 * with its own credential); `undefined` restores DefaultAzureCredential. Clears cached tokens.
 */
export function setTokenSource(source: TokenSource | undefined): void {
    const state = tokenState();
    state.tokenSource = source;
    state.tokens.clear();
    state.pendingTokens.clear();
}

/**
 * The token to log in with on a server in `cloud`: the cached one while more than
 * {@link tokenRefreshMarginMs} remains, otherwise a new one. Concurrent callers share one request.
 */
export async function getAccessToken(cloud: Cloud): Promise<string> {
    const state = tokenState();
    const scope = scopeForCloud(cloud);
    const cached = state.tokens.get(scope);
    if (cached && cached.expiresOnTimestamp - Date.now() > tokenRefreshMarginMs) {
        return cached.token;
    }
    let pending = state.pendingTokens.get(scope);
    if (!pending) {
        const request = requestToken(cloud, scope);
        pending = request;
        state.pendingTokens.set(scope, request);
        const forget = () => {
            if (state.pendingTokens.get(scope) === request) state.pendingTokens.delete(scope);
        };
        request.then(forget, forget);
    }
    return (await pending).token;
}

async function requestToken(cloud: Cloud, scope: string): Promise<AccessTokenLike> {
    const state = tokenState();
    const source = state.tokenSource;
    let result: AccessTokenLike | null | undefined;
    try {
        result = source ? await source(scope) : await defaultCredential(cloud).getToken(scope);
    } catch (err) {
        throw tokenUnavailable(cloud, scope, describeFailure(err), source !== undefined);
    }
    if (!result || typeof result.token !== "string" || result.token.length === 0 || !Number.isFinite(result.expiresOnTimestamp)) {
        throw tokenUnavailable(cloud, scope, "no token was returned", source !== undefined);
    }
    const token = { token: result.token, expiresOnTimestamp: result.expiresOnTimestamp };
    if (state.tokenSource === source) state.tokens.set(scope, token);
    return token;
}

function defaultCredential(cloud: Cloud): { getToken(scope: string): Promise<AccessTokenLike | null> } {
    const credentials = tokenState().credentials;
    let credential = credentials.get(cloud);
    if (!credential) {
        // Loaded here, not at module scope, so that the serialized provider refers to the package by name.
        const identity = require("@azure/identity") as typeof import("@azure/identity");
        credential = new identity.DefaultAzureCredential({ authorityHost: authorityHostForCloud(cloud) });
        credentials.set(cloud, credential);
    }
    return credential;
}

function tokenUnavailable(cloud: Cloud, scope: string, cause: string, replaced: boolean): Error {
    return Object.assign(
        permanentError(
            `Could not get a Microsoft Entra token for ${scope} (cloud "${cloud}") from DefaultAzureCredential` +
                `${replaced ? " (replaced in this process by setTokenSource)" : ""}: ${cause}. Sign in as the ` +
                `server's Entra administrator first: on a workstation run \`az login\` (after ` +
                `\`az cloud set --name ${azCloudNameFor(cloud)}\`); in CI use workload identity federation or a service ` +
                `principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE or AZURE_CLIENT_SECRET); ` +
                `on an Azure machine, its managed identity.`,
        ),
        { code: "ENTRA_TOKEN_UNAVAILABLE" },
    );
}
