/**
 * What an interrupted `pulumi up` leaves behind, and what the documented recovery (docs/recovery.md: `pulumi
 * cancel`, `pulumi refresh --clear-pending-creates`, `pulumi up`) then asks of the providers, on a real
 * PostgreSQL (testing/postgres.ts): a create whose SQL ran but whose result never reached the state runs again.
 * It must adopt what the first run made (no duplicate, no error), and refuse a role of another identity.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestServer, type TestServer } from "../../testing/postgres";
import { entraRoleProvider } from "../../components/roles";
import { entraDatabaseProvider, entraGrantsProvider } from "../../components/sql";
import { listedPrincipal, newObjectId, pgRole, rejection, releaseProvider, roleInputs, useToken, type TokenSpy } from "./helpers";

const roles = entraRoleProvider as Required<typeof entraRoleProvider>;
const grants = entraGrantsProvider as Required<typeof entraGrantsProvider>;
const databases = entraDatabaseProvider as Required<typeof entraDatabaseProvider>;
let server: TestServer;
const spy: TokenSpy = { calls: 0, scopes: [] };

before(async () => {
    server = await startTestServer();
    useToken(server, spy);
});

after(() => releaseProvider(server));

function connection(): Record<string, unknown> {
    return { serverFqdn: server.host, port: server.port, adminLogin: server.adminLogin, caCertificate: server.caPem };
}

async function principalsNamed(name: string): Promise<number> {
    const { rows } = await server.query("select count(*)::int as n from pgaadauth_list_principals(false) as p(rolname) where rolname = $1", [name]);
    return rows[0].n;
}

test("a role the interrupted run created with its object id is adopted by the next create: the same role, listed once", async () => {
    const objectId = newObjectId();
    const inputs = roleInputs(server, { roleName: "app-vm", objectId, principalType: "service" });
    await roles.create(inputs); // the run was killed before the engine recorded this result
    const made = await pgRole(server, "app-vm");

    const again = await roles.create(inputs);

    assert.equal(again.id, `localhost/app-vm`);
    assert.equal(again.outs.objectId, objectId);
    assert.equal((await pgRole(server, "app-vm"))?.oid, made?.oid, "adopted, not dropped and made again");
    assert.equal(await principalsNamed("app-vm"), 1);
    const { rows } = await server.query("select count(*)::int as n from pgaadauth_list_principals(false) as p(rolname) where objectid = $1", [objectId]);
    assert.equal(rows[0].n, 1, "one role for the identity");
});

test("a role resolved by name in the tenant is adopted the same way", async () => {
    const objectId = newObjectId();
    await server.addTenantPrincipal("Prod DB Readonly", objectId, "group");
    const inputs = roleInputs(server, { roleName: "Prod DB Readonly", principalType: "group" });
    await roles.create(inputs);
    const again = await roles.create(inputs);
    assert.equal(again.outs.objectId, objectId);
    assert.equal(await principalsNamed("Prod DB Readonly"), 1);
});

test("a role of that name with another object id is refused, named with both identities, and left alone", async () => {
    const first = newObjectId();
    await roles.create(roleInputs(server, { roleName: "ops", objectId: first, principalType: "user" }));
    // Between the interrupted run and the recovery the stack's setting named another identity.
    const other = newObjectId();
    const err = await rejection(roles.create(roleInputs(server, { roleName: "ops", objectId: other, principalType: "user" })));
    assert.match(err.message, new RegExp(`Role "ops" already exists on localhost for another Entra identity \\(object id ${first}, type user\\)`));
    assert.match(err.message, new RegExp(`asks for object id ${other}`));
    assert.match(err.message, /Refusing to take it over/);
    assert.equal((await listedPrincipal(server, "ops"))?.objectid, first);
});

test("grants and a database the interrupted run made are adopted: given again without duplicates, read back intact", async () => {
    await databases.create({ ...connection(), cloud: "usgov", databaseName: "app", collation: "C" });
    const db = await databases.create({ ...connection(), cloud: "usgov", databaseName: "app", collation: "C" });
    assert.equal(db.outs.owner, server.adminLogin);
    await server.query(`SET ROLE "${server.adminLogin}"; CREATE TABLE public.orders (id serial primary key); RESET ROLE;`, [], "app");

    const inputs = { ...connection(), cloud: "usgov", database: "app", roleName: "app-vm", level: "write", owners: [server.adminLogin] };
    await grants.create(inputs);
    const acl = async () => (await server.query(
        "select (select count(*)::int from pg_class c, aclexplode(c.relacl) a where c.relname = 'orders' and a.grantee = 'app-vm'::regrole) as tables, " +
        "(select count(*)::int from pg_default_acl d, aclexplode(d.defaclacl) a where a.grantee = 'app-vm'::regrole) as defaults",
        [], "app")).rows[0];
    const once = await acl();
    const again = await grants.create(inputs);

    assert.deepEqual(await acl(), once, "no privilege recorded twice");
    assert.deepEqual(once, { tables: 4, defaults: 6 });
    assert.equal(again.outs.intact, true);
    assert.equal((await grants.read(again.id, again.outs)).props?.intact, true);
});
