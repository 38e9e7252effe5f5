/**
 * State written by 0.1.0 may hold the role provider's former test-only input `database` (programs never set it):
 * this release reads, diffs and deletes such a role unchanged, on a real PostgreSQL (testing/postgres.ts).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestServer, type TestServer } from "../../testing/postgres";
import { entraRoleProvider } from "../../components/roles";
import { newObjectId, pgRole, releaseProvider, roleInputs, useToken } from "./helpers";

const provider = entraRoleProvider as Required<typeof entraRoleProvider>;
let server: TestServer;

before(async () => {
    server = await startTestServer();
    useToken(server, { calls: 0, scopes: [] });
});

after(() => releaseProvider(server));

test("state that still holds the removed test-only input `database` reads, diffs without replacement and deletes", async () => {
    const inputs = roleInputs(server, { roleName: "old-state", objectId: newObjectId(), principalType: "user" });
    const created = await provider.create(inputs);
    assert.equal("database" in created.outs, false, "no longer kept in state");
    const previous = { ...created.outs, database: "postgres" };
    const read = await provider.read(created.id, previous);
    assert.equal(read.props?.roleName, "old-state");
    assert.equal("database" in (read.props ?? {}), false);
    assert.deepEqual((await provider.diff(created.id, previous, inputs)).replaces, []);
    const check = await provider.check(previous, { ...inputs, database: "appdb" });
    assert.equal(check.failures?.length ?? 0, 0, "an old program's extra input is ignored, not refused");
    await provider.delete(created.id, previous);
    assert.equal(await pgRole(server, "old-state"), undefined);
});
