import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { startTestServer, type PrincipalsFirstColumn, type TestServer } from "../../testing/postgres";
import { entraRoleProvider, setRetryPolicy } from "../../components/testing";
import { asAdmin, newObjectId, releaseProvider, roleInputs, useToken, type TokenSpy } from "./helpers";

/**
 * Learn's "Manage Microsoft Entra roles" page declares pgaadauth_list_principals' first column as `rolename`
 * (articles/postgresql/security/security-manage-entra-users.md at 112cdf30); earlier versions of the page said
 * `rolname`. The provider reads the column by position, so it works with either; here it runs against the
 * real PostgreSQL with the emulation defining each name in turn.
 */
const provider = entraRoleProvider as Required<typeof entraRoleProvider>;
let server: TestServer;
let spy: TokenSpy;

before(async () => {
    server = await startTestServer({ principalsFirstColumn: "rolename" });
    setRetryPolicy({ attempts: 2, baseDelayMs: 10, maxDelayMs: 20 });
});

beforeEach(() => {
    spy = { calls: 0, scopes: [] };
    useToken(server, spy);
});

after(() => releaseProvider(server));

for (const column of ["rolename", "rolname"] as PrincipalsFirstColumn[]) {
    describe(`pgaadauth_list_principals with its first column named ${column}`, () => {
        before(() => server.setPrincipalsFirstColumn(column));

        test("the emulation declares that name", async () => {
            const rows = await asAdmin(server, "select * from pgaadauth_list_principals(true)") as Record<string, unknown>[];
            assert.ok(rows.length > 0);
            assert.ok(column in rows[0], `columns: ${Object.keys(rows[0]).join(", ")}`);
            assert.ok(!((column === "rolname" ? "rolename" : "rolname") in rows[0]));
        });

        test("create, read, adopt-check and delete a role", async () => {
            const roleName = `reader-${column}@contoso.com`;
            const objectId = newObjectId();
            const inputs = roleInputs(server, { roleName, objectId, principalType: "user" });
            const created = await provider.create(inputs);
            assert.equal(created.outs.roleName, roleName);
            assert.equal(created.outs.objectId, objectId);

            const read = await provider.read(created.id, created.outs);
            assert.equal(read.props?.roleName, roleName, "the role is found by its name in the first column");
            assert.equal(read.props?.objectId, objectId);

            // Creating it again adopts the existing principal: it is looked up, not created twice.
            const again = await provider.create(inputs);
            assert.equal(again.outs.objectId, objectId);

            await provider.delete(created.id, created.outs);
            const gone = await provider.read(created.id, created.outs);
            assert.equal(gone.id, undefined, "a deleted role reads as gone");
        });
    });
}
