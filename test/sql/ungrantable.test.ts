/**
 * A table in schema `public` the deployer cannot grant on (created outside the stack by a role the deployer is
 * not a member of), on a real PostgreSQL (testing/postgres.ts). PostgreSQL's GRANT "will fail outright if the
 * user has no privileges whatsoever on the object" and otherwise grants "only those privileges for which the
 * user has grant options" with a warning (https://www.postgresql.org/docs/17/sql-grant.html, Notes): the
 * grants provider refuses both cases before any statement, naming the table, its owner and the fixes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../../testing/postgres";
import { entraDatabaseProvider, entraGrantsProvider } from "../../components/sql";
import { asAdmin, newObjectId, rejection, releaseProvider, useToken, type TokenSpy } from "../roles/helpers";

const grants = entraGrantsProvider as Required<typeof entraGrantsProvider>;
const databases = entraDatabaseProvider as Required<typeof entraDatabaseProvider>;
let server: TestServer;
const spy: TokenSpy = { calls: 0, scopes: [] };
const database = "app";

function connection(): Record<string, unknown> {
    return { serverFqdn: server.host, port: server.port, adminLogin: server.adminLogin, cloud: "usgov", caCertificate: server.caPem };
}

const inputs = (roleName: string, level: string) => ({ ...connection(), database, roleName, level, owners: [server.adminLogin] });

async function can(role: string, table: string, privilege: string): Promise<boolean> {
    const { rows } = await server.query("select has_table_privilege($1, $2, $3) as ok", [role, table, privilege], database);
    return rows[0].ok;
}

before(async () => {
    server = await startTestServer();
    useToken(server, spy);
    await databases.create({ ...connection(), databaseName: database, collation: "C" });
    for (const role of ["Readers", "Writers"]) {
        await asAdmin(server, "select * from pgaadauth_create_principal_with_oid($1, $2, 'group', false, false)", [role, newObjectId()]);
    }
    await server.query(`SET ROLE "${server.adminLogin}"; CREATE TABLE public.orders (id serial primary key); RESET ROLE;`, [], database);
    // Made outside the stack by a role the deployer has no rights over (a vendor tool's own login, say).
    await server.query("CREATE ROLE legacy_owner NOLOGIN");
    await server.query("GRANT CREATE ON SCHEMA public TO legacy_owner", [], database);
    await server.query("SET ROLE legacy_owner; CREATE TABLE public.legacy (id int); CREATE TABLE public.half_shared (id int); RESET ROLE;", [], database);
});

after(() => releaseProvider(server));

describe("a table the deployer cannot grant on", () => {
    test("the grant is refused before any statement, naming each table, its owner and the fixes", async () => {
        // half_shared: the deployer may read it but not pass it on, where GRANT would only warn.
        await server.query(`GRANT SELECT ON public.half_shared TO "${server.adminLogin}"`, [], database);
        const err = await rejection(grants.create(inputs("Readers", "read")));
        assert.match(err.message, /Cannot give read access of "Readers" on database "app"/);
        assert.match(err.message, /table public\."half_shared" \(owner "legacy_owner"; lacks SELECT WITH GRANT OPTION\)/);
        assert.match(err.message, /table public\."legacy" \(owner "legacy_owner"; lacks SELECT WITH GRANT OPTION\)/);
        assert.doesNotMatch(err.message, /orders/, "the deployer's own table is not named");
        assert.match(err.message, /Nothing was changed/);
        assert.match(err.message, /ALTER TABLE public\."half_shared" OWNER TO "pulumi-deployer"/);
        assert.match(err.message, /GRANT "legacy_owner" TO "pulumi-deployer"/);
        assert.match(err.message, /A table the deployer cannot grant on/);
        // Nothing half-given: not even CONNECT or the deployer's own table.
        assert.equal(await can("Readers", "public.orders", "SELECT"), false);
        const { rows } = await server.query(
            "select exists (select 1 from pg_database d, aclexplode(d.datacl) a where d.datname = $1 and a.grantee = '\"Readers\"'::regrole) as ok", [database]);
        assert.equal(rows[0].ok, false);
    });

    test("the write level is refused on a table that only lacks one of its privileges' grant option", async () => {
        await server.query("REVOKE ALL ON public.half_shared FROM \"pulumi-deployer\"", [], database);
        await server.query("SET ROLE legacy_owner; DROP TABLE public.legacy; RESET ROLE;", [], database);
        await server.query(`GRANT SELECT ON public.half_shared TO "${server.adminLogin}" WITH GRANT OPTION`, [], database);
        await grants.create(inputs("Readers", "read"));
        assert.equal(await can("Readers", "public.half_shared", "SELECT"), true, "with the grant option, read goes through");
        const err = await rejection(grants.create(inputs("Writers", "write")));
        assert.match(err.message, /table public\."half_shared" \(owner "legacy_owner"; lacks DELETE, INSERT, UPDATE WITH GRANT OPTION\)/);
        assert.doesNotMatch(err.message, /lacks [A-Z, ]*SELECT/);
    });

    test("after the documented fix (the deployer made a member of the owner) the same grant goes through", async () => {
        await server.query(`GRANT legacy_owner TO "${server.adminLogin}"`);
        await grants.create(inputs("Writers", "write"));
        assert.equal(await can("Writers", "public.half_shared", "INSERT"), true);
        assert.equal(await can("Writers", "public.orders", "INSERT"), true);
    });

    test("taking a level back is refused the same way, and nothing is revoked", async () => {
        await server.query(`REVOKE legacy_owner FROM "${server.adminLogin}"`);
        await server.query("SET ROLE legacy_owner; CREATE TABLE public.later (id int); RESET ROLE;", [], database);
        const err = await rejection(grants.delete("x", inputs("Writers", "write")));
        assert.match(err.message, /Cannot take back write access of "Writers" on database "app"/);
        assert.match(err.message, /table public\."later" \(owner "legacy_owner"/);
        assert.equal(await can("Writers", "public.orders", "INSERT"), true, "the revoke did not run");
        const change = await rejection(grants.update("x", inputs("Writers", "write"), inputs("Writers", "read")));
        assert.match(change.message, /Cannot take back write access of "Writers"/);
        assert.equal(await can("Writers", "public.orders", "INSERT"), true);
    });
});
