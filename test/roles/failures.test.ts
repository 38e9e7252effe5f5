import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyFailure, explainFailure, permanentError, redactSecrets } from "../../components/roles/errors";
import { backoffDelayMs } from "../../components/roles/retry";

const pgError = (code: string, message = "server error") => Object.assign(new Error(message), { code });
const context = {
    host: "pg.postgres.database.azure.com",
    port: 5432,
    user: "pulumi-deployer",
    database: "postgres",
    scope: "https://ossrdbms-aad.database.windows.net/.default",
    action: 'create role "x"',
};

test("retries connection failures, server restarts and connection limits", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "53300", "08006", "08001"]) {
        assert.equal(classifyFailure(pgError(code)), "transient", code);
    }
    assert.equal(classifyFailure(new Error("Connection terminated unexpectedly")), "transient");
    assert.equal(classifyFailure(new Error("timeout exceeded when trying to connect")), "transient");
    const dualStack = Object.assign(new AggregateError([pgError("ECONNREFUSED"), pgError("ECONNREFUSED")], ""), { code: undefined });
    assert.equal(classifyFailure(dualStack), "transient");
});

test("does not retry sign-in, TLS, SQL errors or the provider's own refusals", () => {
    assert.equal(classifyFailure(pgError("28P01")), "auth");
    assert.equal(classifyFailure(pgError("28000")), "auth");
    assert.equal(classifyFailure(pgError("SELF_SIGNED_CERT_IN_CHAIN")), "tls");
    assert.equal(classifyFailure(pgError("ERR_TLS_CERT_ALTNAME_INVALID")), "tls");
    assert.equal(classifyFailure(pgError("UNABLE_TO_VERIFY_LEAF_SIGNATURE")), "tls");
    assert.equal(classifyFailure(new Error("The server does not support SSL connections")), "tls");
    assert.equal(classifyFailure(pgError("42883")), "permanent");
    assert.equal(classifyFailure(pgError("2BP01")), "permanent");
    assert.equal(classifyFailure(Object.assign(new Error("Connection terminated"), { retryable: false })), "permanent");
});

test("translates Azure's errors into their causes and fixes", () => {
    const missing = explainFailure(pgError("42883", "function pgaadauth_create_principal(unknown, boolean, boolean) does not exist"), context);
    assert.match(missing.message, /only in the "postgres" database/);
    const tenant = explainFailure(pgError("XX000", 'Could not validate AAD user "bob" because its name is not found in the tenant.'), context);
    assert.match(tenant.message, /case-sensitive/);
    const denied = explainFailure(pgError("42501", "permission denied to create role"), context);
    assert.match(denied.message, /Only a Microsoft Entra\s+administrator/);
    const unresolved = explainFailure(pgError("ENOTFOUND", "getaddrinfo ENOTFOUND pg.postgres.database.azure.com"), context);
    assert.match(unresolved.message, /does not resolve/);
    assert.match(unresolved.message, /private DNS zone/);
    assert.equal(classifyFailure(pgError("ENOTFOUND")), "permanent");
    const own = permanentError("already explained");
    assert.equal(explainFailure(own, context), own);
});

test("backoff doubles and stays under the cap", () => {
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(policy, n));
    assert.ok(delays[0] >= 80 && delays[0] <= 100);
    assert.ok(delays[1] >= 160 && delays[1] <= 200);
    assert.ok(delays[2] >= 320 && delays[2] <= 400);
    assert.ok(delays.every((d) => d <= 1000));
    assert.ok(delays[5] >= 800);
});

test("redacts anything shaped like a token", () => {
    const jwt = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.abc-def_123";
    assert.equal(redactSecrets(`password was ${jwt}!`), "password was [redacted]!");
});
