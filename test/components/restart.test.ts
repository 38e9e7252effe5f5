/**
 * Static parameters and restarts (components/restart, FlexibleServer): who restarts, when, in which place of
 * the server's write chain; the guard against changes Azure refuses; the Resource Manager calls, against a
 * stand-in for Azure's answers (fetch replaced).
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { ConfigError, parseConfig, restartModeFor } from "../../components/config";
import { armRequest, type ArmDeps } from "../../components/restart/arm";
import { guardFailures, serverRestartProvider, type ServerRestartInputs } from "../../components/restart/provider";
import { FlexibleServer, type FlexibleServerArgs } from "../../components/server";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { build } from "./build";

const restartType = "pulumi-nodejs:dynamic/entra-postgres:ServerRestart";
const args = (change: Partial<FlexibleServerArgs> = {}): FlexibleServerArgs => ({
    resourceGroupName: "rg", location: "westeurope", serverName: "pg-unit", tenantId: "tenant", sku: "Standard_B1ms", tier: "Burstable", storageGb: 32, ...change,
});
const firewall = { allowedIps: [{ source: "203.0.113.10", start: "203.0.113.10", end: "203.0.113.10" }], allowAzureServices: false };

describe("who restarts the server after a static parameter", () => {
    test("the default follows protect: operator on a protected stack, auto otherwise; the setting wins", () => {
        assert.equal(restartModeFor(undefined, true), "operator");
        assert.equal(restartModeFor(undefined, false), "auto");
        assert.equal(restartModeFor("auto", true), "auto");
        assert.equal(restartModeFor("operator", false), "operator");
    });

    test("auto: one restart, after the last parameter write and before the firewall rules, carrying the static parameters only", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ parameters: { max_connections: "157", log_min_duration_statement: "250" }, firewall })));
        const [restart] = built.ofType(restartType);
        assert.ok(restart, "a ServerRestart");
        assert.equal(restart.name, "unit-restart");
        assert.deepEqual(restart.props.parameters, { max_connections: "157" }, "the dynamic parameter does not call for a restart");
        assert.ok(built.waitsFor(restart).includes("unit-param-log-min-duration-statement"), "after the last parameter write");
        assert.ok(built.waitsFor(built.named("unit-fw-allow-203-0-113-10")).includes("unit-restart"), "the firewall rules after the restart");
    });

    test("operator, or no static parameter: no restart resource", async () => {
        const cases: Partial<FlexibleServerArgs>[] = [
            { parameters: { max_connections: "157" }, restartForStaticParameters: "operator" },
            { parameters: { log_min_duration_statement: "250" } },
            { parameters: { max_connections: "157" }, protect: true },
        ];
        for (const change of cases) {
            const built = await build(() => new FlexibleServer("unit", args(change)));
            assert.equal(built.ofType(restartType).length, 0, JSON.stringify(change));
        }
    });

    test("server.restartForStaticParameters: auto and operator are accepted, anything else is refused under its key", () => {
        const parse = (value: string) => parseConfig({ ...loadStackConfig("prod"), "entra-postgres:server": JSON.stringify({ ...JSON.parse(loadStackConfig("prod")["entra-postgres:server"]), restartForStaticParameters: value }) }, { project: "entra-postgres", stack: "prod" });
        assert.equal(parse("auto").server.restartForStaticParameters, "auto");
        assert.equal(parse("operator").server.restartForStaticParameters, "operator");
        assert.throws(() => parse("sometimes"), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.key.endsWith("server.restartForStaticParameters") && /auto, operator/.test(p.message)));
    });

    test("the restart provider restarts only when a static parameter's value or the server changed", async () => {
        const olds: ServerRestartInputs = { serverId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg", serverName: "pg", cloud: "public", parameters: { max_connections: "157" } };
        assert.equal((await serverRestartProvider.diff!("id", olds, { ...olds, parameters: { max_connections: "163" } })).changes, true);
        assert.equal((await serverRestartProvider.diff!("id", olds, { ...olds })).changes, false);
        const calls = stubFetch(() => { throw new Error("no call expected"); });
        const renamed = await serverRestartProvider.update!("id", { ...olds, restartedAt: "then" } as ServerRestartInputs, { ...olds, serverName: "pg-display" });
        assert.equal(calls.length, 0, "a change that is not a parameter's makes no restart call");
        assert.equal(renamed.outs.restartedAt, "then");
    });
});

describe("the guard refuses what Azure cannot do, before anything changes", () => {
    test("a smaller storage size, naming the setting and the fix", () => {
        const [failure] = guardFailures({ serverName: "pg", storageGb: 256, version: "17" }, { serverName: "pg", storageGb: 128, version: "17" });
        assert.equal(failure.property, "storageGb");
        assert.match(failure.reason, /cannot shrink from 256 GiB to 128 GiB \(setting server\.storageGb\).*Set server\.storageGb back to 256/);
    });

    test("a lower major version; growth, upgrades and a first deployment pass", () => {
        assert.equal(guardFailures({ serverName: "pg", storageGb: 128, version: "17" }, { serverName: "pg", storageGb: 128, version: "16" })[0].property, "version");
        assert.deepEqual(guardFailures({ serverName: "pg", storageGb: 128, version: "16" }, { serverName: "pg", storageGb: 256, version: "17" }), []);
        assert.deepEqual(guardFailures(undefined, { serverName: "pg", storageGb: 32, version: "13" }), []);
    });
});

const realFetch = globalThis.fetch;
afterEach(() => (globalThis.fetch = realFetch));

/** Replaces fetch with `answer`; returns the requests made. */
function stubFetch(answer: (url: string, init: RequestInit, n: number) => Response): { url: string; method?: string }[] {
    const calls: { url: string; method?: string }[] = [];
    globalThis.fetch = (async (url: string | URL, init: RequestInit = {}) => {
        calls.push({ url: String(url), method: init.method });
        return answer(String(url), init, calls.length);
    }) as typeof fetch;
    return calls;
}

const deps: ArmDeps = { getToken: async () => "token", sleep: async () => undefined };
const call = { cloud: "usgov" as const, method: "POST" as const, path: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg/restart", apiVersion: "2025-08-01", body: {}, what: "Restarting server pg" };
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("Resource Manager calls", () => {
    test("the cloud's endpoint; 429 retried after Retry-After; the long-running operation polled until Succeeded", async () => {
        const calls = stubFetch((_url, _init, n) => {
            if (n === 1) return json(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": "1" });
            if (n === 2) return new Response(null, { status: 202, headers: { "azure-asyncoperation": "https://management.usgovcloudapi.net/op/1", "retry-after": "0" } });
            if (n === 3) return json(200, { status: "InProgress" });
            return json(200, { status: "Succeeded" });
        });
        await armRequest(call, deps);
        assert.equal(calls[0].url, "https://management.usgovcloudapi.net/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg/restart?api-version=2025-08-01");
        assert.deepEqual(calls.map((c) => c.method), ["POST", "POST", "GET", "GET"]);
    });

    test("a refusal names the call, Azure's code and message, and what to do about permissions", async () => {
        stubFetch(() => json(403, { error: { code: "AuthorizationFailed", message: "no restart/action" } }));
        await assert.rejects(armRequest(call, deps), /Restarting server pg: POST .* answered 403 AuthorizationFailed: no restart\/action\..*flexibleServers\/restart\/action/);
    });

    test("an operation that ends Failed is an error with its code; a 5xx that persists is reported after 4 tries", async () => {
        stubFetch((_url, _init, n) => (n === 1 ? new Response(null, { status: 202, headers: { "azure-asyncoperation": "https://x/op" } }) : json(200, { status: "Failed", error: { code: "ServerIsNotReady", message: "Current Server State = Updating" } })));
        await assert.rejects(armRequest(call, deps), /the operation ended Failed: ServerIsNotReady: Current Server State = Updating/);
        const calls = stubFetch(() => json(503, { error: { code: "ServiceUnavailable", message: "try later" } }));
        await assert.rejects(armRequest(call, deps), /answered 503 ServiceUnavailable: try later/);
        assert.equal(calls.length, 4);
    });
});
