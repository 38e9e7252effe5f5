import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { getAccessToken, scopeForCloud } from "../../components/roles";
import { setTokenSource, tokenRefreshMarginMs, type TokenSource } from "../../components/testing";

afterEach(() => setTokenSource(undefined));

function countingSource(lifetimeMs: number): { source: TokenSource; scopes: string[] } {
    const scopes: string[] = [];
    return {
        scopes,
        source: async (scope) => {
            scopes.push(scope);
            return { token: `token-${scopes.length}`, expiresOnTimestamp: Date.now() + lifetimeMs };
        },
    };
}

test("scope per cloud", () => {
    assert.equal(scopeForCloud("public"), "https://ossrdbms-aad.database.windows.net/.default");
    assert.equal(scopeForCloud("usgov"), "https://ossrdbms-aad.database.usgovcloudapi.net/.default");
    assert.equal(scopeForCloud("china"), "https://ossrdbms-aad.database.chinacloudapi.cn/.default");
    assert.throws(() => scopeForCloud("germany" as never), /Unknown cloud "germany"/);
});

test("reuses a cached token while more than the refresh margin remains", async () => {
    const { source, scopes } = countingSource(60 * 60 * 1000);
    setTokenSource(source);

    assert.equal(await getAccessToken("public"), "token-1");
    assert.equal(await getAccessToken("public"), "token-1");
    assert.equal(scopes.length, 1);
});

test("refreshes a token once less than five minutes remain", async (t) => {
    assert.equal(tokenRefreshMarginMs, 5 * 60 * 1000);
    let now = 1_000_000_000_000;
    t.mock.method(Date, "now", () => now);
    const { source, scopes } = countingSource(10 * 60 * 1000);
    setTokenSource(source);

    assert.equal(await getAccessToken("public"), "token-1");
    now += 4 * 60 * 1000; // 6 minutes left
    assert.equal(await getAccessToken("public"), "token-1");
    now += 2 * 60 * 1000; // 4 minutes left
    assert.equal(await getAccessToken("public"), "token-2");
    assert.equal(scopes.length, 2);
});

test("concurrent requests share one token request", async () => {
    const { source, scopes } = countingSource(60 * 60 * 1000);
    setTokenSource(source);

    const tokens = await Promise.all(Array.from({ length: 10 }, () => getAccessToken("public")));

    assert.deepEqual(new Set(tokens), new Set(["token-1"]));
    assert.equal(scopes.length, 1);
});

test("caches tokens per cloud, each for its own audience", async () => {
    const { source, scopes } = countingSource(60 * 60 * 1000);
    setTokenSource(source);

    await getAccessToken("public");
    await getAccessToken("usgov");
    await getAccessToken("china");
    await getAccessToken("usgov");

    assert.deepEqual(scopes, [scopeForCloud("public"), scopeForCloud("usgov"), scopeForCloud("china")]);
});

test("does not cache failures, and a new token source clears the cache", async () => {
    let fail = true;
    setTokenSource(async () => {
        if (fail) throw new Error("temporarily unavailable");
        return { token: "recovered", expiresOnTimestamp: Date.now() + 3_600_000 };
    });
    await assert.rejects(getAccessToken("public"), /temporarily unavailable/);
    fail = false;
    assert.equal(await getAccessToken("public"), "recovered");

    setTokenSource(async () => ({ token: "replacement", expiresOnTimestamp: Date.now() + 3_600_000 }));
    assert.equal(await getAccessToken("public"), "replacement");
});

test("a failing source names DefaultAzureCredential, az login and the cloud, without token text", async () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl";
    setTokenSource(async () => {
        throw new Error(`CredentialUnavailableError: stale ${jwt}`);
    });

    const err = await getAccessToken("usgov").then(
        () => assert.fail("expected a failure"),
        (e: Error) => e,
    );

    assert.match(err.message, /DefaultAzureCredential/);
    assert.match(err.message, /`az login`/);
    assert.match(err.message, /az cloud set --name AzureUSGovernment/);
    assert.match(err.message, /ossrdbms-aad\.database\.usgovcloudapi\.net/);
    assert.ok(!err.message.includes(jwt));
    assert.equal((err as { code?: string }).code, "ENTRA_TOKEN_UNAVAILABLE");
});

test("a source that returns no token is an error", async () => {
    setTokenSource(async () => ({ token: "", expiresOnTimestamp: Date.now() + 3_600_000 }));
    await assert.rejects(getAccessToken("public"), /no token was returned/);
});
