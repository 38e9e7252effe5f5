/**
 * Database ownership as Azure produces it, on a real PostgreSQL (testing/postgres.ts):
 * - a database created through ARM on a mixed-auth server is owned by the password administrator
 *   (cyrilgdn/terraform-provider-postgresql#500), and on an Entra-only server created before any Entra admin
 *   exists, by `azuresu` (hashicorp/terraform-provider-azurerm#27895): the deployer, a non-superuser Entra
 *   admin, cannot grant on either;
 * - a database the deployer creates through SQL (EntraDatabase) is owned by it, and every grant and default
 *   privilege of every access level then takes effect.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../../testing/postgres";
import { entraDatabaseProvider, entraGrantsProvider, quoteIdent } from "../../components/sql";
import { asAdmin, newObjectId, rejection, releaseProvider, useToken, type TokenSpy } from "../roles/helpers";

const grants = entraGrantsProvider as Required<typeof entraGrantsProvider>;
const databases = entraDatabaseProvider as Required<typeof entraDatabaseProvider>;
let server: TestServer;
const spy: TokenSpy = { calls: 0, scopes: [] };

function connection(): Record<string, unknown> {
    return { serverFqdn: server.host, port: server.port, adminLogin: server.adminLogin, cloud: "usgov", caCertificate: server.caPem };
}

async function entraRole(name: string, type: "user" | "group" | "service" = "service"): Promise<void> {
    await asAdmin(server, "select * from pgaadauth_create_principal_with_oid($1, $2, $3, false, false)", [name, newObjectId(), type]);
}

async function privilege(sql: string, params: unknown[], database: string): Promise<boolean> {
    const { rows } = await server.query<{ ok: boolean }>(sql, params, database);
    return rows[0].ok;
}

before(async () => {
    server = await startTestServer();
    useToken(server, spy);
    // What ARM produces. Mixed auth: the password administrator (azure_pg_admin member, not superuser) owns
    // databases created through the API. Entra-only before an Entra admin exists: azuresu owns them.
    await server.query("CREATE ROLE pgadmin LOGIN CREATEROLE CREATEDB PASSWORD 'unused-in-tests'");
    await server.query("GRANT azure_pg_admin TO pgadmin");
    await server.query("CREATE ROLE azuresu SUPERUSER NOLOGIN");
    await server.query("CREATE DATABASE arm_mixed OWNER pgadmin");
    await server.query("CREATE DATABASE arm_early OWNER azuresu");
    await entraRole("Readers", "group");
    await entraRole("app-vm");
    await entraRole("app-migrator");
});

after(() => releaseProvider(server));

describe("databases created through ARM", () => {
    for (const [database, owner] of [["arm_mixed", "pgadmin"], ["arm_early", "azuresu"]]) {
        test(`${database} (owner ${owner}): the deployer's grants take no effect, and the provider says so and why`, async () => {
            const err = await rejection(grants.create({ ...connection(), database, roleName: "Readers", level: "read", owners: [server.adminLogin] }));
            assert.match(err.message, new RegExp(`did not take effect: the deployer "${server.adminLogin}" neither owns the database \\(owner "${owner}"\\)`));
            assert.match(err.message, /ALTER DATABASE "arm_\w+" OWNER TO/);
            assert.equal(await privilege(
                "select exists (select 1 from pg_database d, aclexplode(d.datacl) a where d.datname = $1 and a.grantee = '\"Readers\"'::regrole) as ok",
                [database], "postgres"), false, "nothing half-granted stays behind");
        });

        test(`${database}: EntraDatabase refuses to adopt it, naming the owner and the fix`, async () => {
            const err = await rejection(databases.create({ ...connection(), databaseName: database, collation: "en_US.utf8" }));
            assert.match(err.message, new RegExp(`owned by "${owner}", not by the deployer`));
            assert.match(err.message, /ALTER DATABASE/);
        });
    }
});

describe("databases created by the deployer through SQL", () => {
    const database = "app db";
    before(async () => {
        const created = await databases.create({ ...connection(), databaseName: database, collation: "C" });
        assert.equal(created.outs.owner, server.adminLogin);
        assert.equal(created.id, `localhost/${database}`);
    });

    test("the deployer owns the database and, through pg_database_owner, schema public", async () => {
        const { rows } = await server.query(
            "select pg_get_userbyid(datdba) as owner, pg_encoding_to_char(encoding) as encoding from pg_database where datname = $1", [database]);
        assert.deepEqual(rows[0], { owner: server.adminLogin, encoding: "UTF8" });
        const schema = await server.query("select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = 'public'", [], database);
        assert.equal(schema.rows[0].owner, "pg_database_owner");
    });

    test("read, write and admin grants and default privileges take effect, for tables made before and after", async () => {
        await server.query(`SET ROLE ${quoteIdent(server.adminLogin)}; CREATE TABLE public.before_grant (id serial primary key); RESET ROLE;`, [], database);
        const deployer = server.adminLogin;
        await grants.create({ ...connection(), database, roleName: "Readers", level: "read", owners: [deployer, "app-migrator"] });
        await grants.create({ ...connection(), database, roleName: "app-vm", level: "write", owners: [deployer, "app-migrator"] });
        await grants.create({ ...connection(), database, roleName: "app-migrator", level: "admin", owners: [deployer, "app-migrator"] });
        // Tables created later, by the deployer and by the admin-level identity (a migration job).
        await server.query(`SET ROLE ${quoteIdent(deployer)}; CREATE TABLE public.by_deployer (id int); RESET ROLE;`, [], database);
        await server.query(`SET ROLE "app-migrator"; CREATE TABLE public.by_migrator (id serial); RESET ROLE;`, [], database);

        const can = (role: string, table: string, what: string) => privilege("select has_table_privilege($1, $2, $3) as ok", [role, table, what], database);
        for (const table of ["public.before_grant", "public.by_deployer", "public.by_migrator"]) {
            assert.equal(await can("Readers", table, "SELECT"), true, `Readers read ${table}`);
            assert.equal(await can("Readers", table, "INSERT"), false, `Readers cannot write ${table}`);
            assert.equal(await can("app-vm", table, "INSERT"), true, `app-vm writes ${table}`);
            assert.equal(await can("app-vm", table, "TRUNCATE"), false, `app-vm cannot truncate ${table}`);
        }
        assert.equal(await privilege("select has_sequence_privilege('app-vm', 'public.by_migrator_id_seq', 'USAGE') as ok", [], database), true);
        assert.equal(await privilege("select has_schema_privilege('app-migrator', 'public', 'CREATE') as ok", [], database), true);
        assert.equal(await privilege("select has_schema_privilege('Readers', 'public', 'CREATE') as ok", [], database), false);
    });

    test("read reports a grant taken away out of band; update gives it again; delete takes everything back", async () => {
        const inputs = { ...connection(), database, roleName: "Readers", level: "read", owners: [server.adminLogin] };
        const id = `localhost/${database}/Readers`;
        await asAdminIn(`REVOKE CONNECT ON DATABASE ${quoteIdent(database)} FROM "Readers"`);
        const read = await grants.read(id, { ...inputs, intact: true });
        assert.equal(read.props?.intact, false);
        const diff = await grants.diff(id, read.props!, inputs);
        assert.equal(diff.changes, true);
        await grants.update(id, read.props!, inputs);
        assert.equal((await grants.read(id, inputs)).props?.intact, true);

        await grants.delete(id, inputs);
        assert.equal(await privilege("select has_table_privilege('Readers', 'public.by_deployer', 'SELECT') as ok", [], database), false);
        assert.equal((await grants.read(id, inputs)).props?.intact, false);
    });

    test("a deleted role's grants are gone already: delete succeeds", async () => {
        await entraRole("temp-role");
        const inputs = { ...connection(), database, roleName: "temp-role", level: "read", owners: [] };
        await grants.create(inputs);
        await server.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM "temp-role"`);
        await server.query(`REVOKE ALL ON SCHEMA public FROM "temp-role"`, [], database);
        await server.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "temp-role"; REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "temp-role"`, [], database);
        await server.query(`DROP ROLE "temp-role"`);
        await grants.delete("x", inputs);
        assert.deepEqual(await grants.read("x", inputs), {});
    });

    test("grants on a database dropped out of band read as gone, and delete succeeds", async () => {
        await databases.create({ ...connection(), databaseName: "short-lived", collation: "C" });
        const inputs = { ...connection(), database: "short-lived", roleName: "Readers", level: "read", owners: [] };
        await grants.create(inputs);
        await server.query(`DROP DATABASE "short-lived" WITH (FORCE)`);
        assert.deepEqual(await grants.read("x", inputs), {});
        await grants.delete("x", inputs);
    });

    test("an existing database the deployer owns is adopted; create twice is safe", async () => {
        const again = await databases.create({ ...connection(), databaseName: database, collation: "C" });
        assert.equal(again.outs.owner, server.adminLogin);
    });

    test("tokens are fetched for the configured cloud's audience, never stored in outputs", async () => {
        assert.ok(spy.scopes.every((s) => s === "https://ossrdbms-aad.database.usgovcloudapi.net/.default"));
        const created = await databases.create({ ...connection(), databaseName: "second", collation: "C" });
        assert.doesNotMatch(JSON.stringify(created.outs), /eyJ/);
        await databases.delete(created.id, created.outs);
        assert.equal((await server.query("select count(*)::int as n from pg_database where datname = 'second'")).rows[0].n, 0);
    });
});

async function asAdminIn(sql: string): Promise<void> {
    await asAdmin(server, sql);
}
