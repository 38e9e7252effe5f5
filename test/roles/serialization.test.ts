import assert from "node:assert/strict";
import * as net from "node:net";
import { after, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { fakeToken } from "../../testing/postgres";
import { entraRoleProvider, getAccessToken } from "../../components/roles";
import { setRetryPolicy, setTokenSource } from "../../components/testing";
import { processSlot, runtimeStateKey } from "../../components/roles/state";
import { newObjectId, rejection, releaseProvider } from "./helpers";

after(() => releaseProvider());

async function closedPort(): Promise<number> {
    return new Promise((resolve) => {
        const probe = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as net.AddressInfo;
            probe.close(() => resolve(port));
        });
    });
}

test("the provider serializes without capturing pools, clients, tokens or secrets", async () => {
    const secret = fakeToken();
    setTokenSource(async () => ({ token: secret, expiresOnTimestamp: Date.now() + 3_600_000 }));
    setRetryPolicy({ attempts: 1, baseDelayMs: 0, maxDelayMs: 0 });
    // Fill the process state the way a run does: a cached token and a pool (its server is down).
    assert.equal(await getAccessToken("public"), secret);
    const port = await closedPort();
    const probe = { serverFqdn: "127.0.0.1", port, adminLogin: "serialization-probe-admin", objectId: newObjectId(), principalType: "user" };
    await rejection(entraRoleProvider.create({ ...probe, roleName: "probe" }));
    assert.equal(processSlot("pools", () => new Map()).size, 1);
    assert.equal(processSlot("tokens", () => new Map()).size, 1);

    // Exactly what pulumi.dynamic.Resource stores in the stack: `serializeFunction(() => provider)`.
    const provider = entraRoleProvider;
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });

    assert.equal(serialized.containsSecrets, false);
    assert.ok(!serialized.text.includes(secret), "no token");
    assert.ok(!/eyJ[A-Za-z0-9_-]{8,}/.test(serialized.text), "nothing shaped like a token");
    assert.ok(!serialized.text.includes("serialization-probe-admin"), "no pool or connection settings");
    assert.ok(!/class EntraRole|pulumi\.dynamic|require\("@pulumi/.test(serialized.text), "only the provider, not the resource class or @pulumi/pulumi");
    for (const method of ["check", "diff", "create", "read", "update", "delete"]) {
        assert.match(serialized.text, new RegExp(`function /\\*${method}\\*/`), `${method} is serialized`);
    }
    assert.ok(serialized.text.includes(runtimeStateKey), "state is looked up on globalThis at run time");
    assert.match(serialized.text, /require\("pg"\)/);
    assert.match(serialized.text, /require\("@azure\/identity"\)/);

    // Loaded like the engine's dynamic provider host does, it works and shares this process's state.
    const module = { exports: {} as { handler?: () => typeof entraRoleProvider } };
    new Function("exports", "require", "module", serialized.text)(module.exports, require, module);
    const loaded = module.exports.handler!();
    assert.notEqual(loaded, entraRoleProvider);
    const check = await loaded.check!({}, { ...probe, roleName: "é".repeat(40) });
    assert.deepEqual(check.failures?.map((f) => f.property), ["roleName"]);
    const failed = await rejection(loaded.create({ ...probe, roleName: "probe" }));
    assert.match(failed.message, /gave up after 1 attempts/);
    assert.equal(processSlot("pools", () => new Map()).size, 1, "the loaded copy reused the pool in the shared state");
});
