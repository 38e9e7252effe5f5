import assert from "node:assert/strict";
import * as net from "node:net";
import { after, test } from "node:test";
import { closeAllConnections, setRetryPolicy, setTokenSource } from "../../components/testing";
import { withServer } from "../../components/roles/connection";
import { currentRetryPolicy, defaultRetryPolicy, retryPolicyEnvironment } from "../../components/roles/retry";

/** Each role operation has an overall deadline, not only a number of attempts. */
const silent = net.createServer(() => undefined); // accepts connections, never answers
const refusing = net.createServer((socket) => socket.destroy());
const sockets = new Set<net.Socket>();
silent.on("connection", (s) => sockets.add(s));

after(async () => {
    setRetryPolicy(undefined);
    setTokenSource(undefined);
    await closeAllConnections();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    await new Promise((r) => refusing.close(r));
});

async function listen(server: net.Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as net.AddressInfo).port;
}

const target = (port: number) => ({ host: "127.0.0.1", port, user: "deployer", database: "postgres", cloud: "public" as const, verifyTls: true });

test("the default deadline is five minutes and the environment can change it", () => {
    assert.equal(defaultRetryPolicy.deadlineMs, 300_000);
    process.env[retryPolicyEnvironment.deadlineMs] = "90000";
    try {
        assert.equal(currentRetryPolicy().deadlineMs, 90_000);
    } finally {
        delete process.env[retryPolicyEnvironment.deadlineMs];
    }
});

test("a server that never answers is abandoned at the deadline, with the fix named", async () => {
    setTokenSource(async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }));
    setRetryPolicy({ attempts: 8, baseDelayMs: 10, maxDelayMs: 10, deadlineMs: 400 });
    const started = Date.now();
    await assert.rejects(withServer(target(await listen(silent)), 'create role "x"', async () => "never"), (err: Error) => {
        assert.match(err.message, /no result within the deadline of 0.4 s for one role operation/);
        assert.match(err.message, /ENTRA_POSTGRES_OPERATION_DEADLINE_MS/);
        return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5_000, `stopped at the deadline, not the 15 s connection timeout (${elapsed} ms)`);
});

test("retries stop at the deadline even when attempts remain", async () => {
    setTokenSource(async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }));
    setRetryPolicy({ attempts: 1000, baseDelayMs: 100, maxDelayMs: 100, deadlineMs: 1_000 });
    await assert.rejects(withServer(target(await listen(refusing)), 'read role "x"', async () => "never"), (err: Error) => {
        assert.match(err.message, /deadline of 1.0 s/);
        assert.match(err.message, /failed attempt/);
        return true;
    });
});
