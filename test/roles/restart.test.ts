import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { startTestServer, type TestServer } from "../../testing/postgres";
import { entraRoleProvider } from "../../components/roles";
import { setRetryPolicy } from "../../components/testing";
import { newObjectId, pgRole, rejection, releaseProvider, roleInputs, useToken, type TokenSpy } from "./helpers";

const provider = entraRoleProvider as Required<typeof entraRoleProvider>;
let server: TestServer;
const spy: TokenSpy = { calls: 0, scopes: [] };

before(async () => {
    server = await startTestServer();
    useToken(server, spy);
});

after(() => releaseProvider(server));

test("survives the server being stopped and started in the middle of a run", async () => {
    // Up to ~10 s of retries: far more than the restart takes.
    setRetryPolicy({ attempts: 25, baseDelayMs: 50, maxDelayMs: 500 });
    const first = await provider.create(roleInputs(server, { roleName: "before-restart", objectId: newObjectId(), principalType: "service" }));
    // The pool now holds an idle connection, which the shutdown kills.

    await server.stop();
    const during = provider.create(roleInputs(server, { roleName: "during-restart", objectId: newObjectId(), principalType: "service" }));
    await sleep(300);
    await server.start();
    const second = await during;

    assert.equal(second.outs.roleName, "during-restart");
    assert.ok(await pgRole(server, "during-restart"));
    const reread = await provider.read(first.id, first.outs);
    assert.equal(reread.id, first.id, "connections broken by the restart were replaced");
    await provider.delete(first.id, first.outs);
    await provider.delete(second.id, second.outs);
});

test("a restart between two operations is not surfaced", async () => {
    setRetryPolicy({ attempts: 25, baseDelayMs: 50, maxDelayMs: 500 });
    const created = await provider.create(roleInputs(server, { roleName: "across-restart", objectId: newObjectId(), principalType: "user" }));

    await server.restart();
    await provider.delete(created.id, created.outs);

    assert.equal(await pgRole(server, "across-restart"), undefined);
});

test("gives up after the configured attempts and lists what was tried", async () => {
    setRetryPolicy({ attempts: 3, baseDelayMs: 10, maxDelayMs: 20 });
    await server.stop();
    try {
        const failed = await rejection(provider.create(roleInputs(server, { roleName: "never", objectId: newObjectId(), principalType: "user" })));

        assert.match(failed.message, /gave up after 3 attempts/);
        assert.equal(failed.message.match(/attempt \d: [^|]*ECONNREFUSED/g)?.length, 3);
        assert.match(failed.message, /allowedIps/);
        assert.match(failed.message, /inside the VNet/);
    } finally {
        await server.start();
    }
});
