import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { Client } from "pg";
import { fakeToken, startTestServer, type TestServer } from "../../testing/postgres";
import { entraRoleProvider, entraRoleProviderVersion } from "../../components/roles";
import { closeAllConnections, setRetryPolicy, setTokenSource } from "../../components/testing";
import { asAdmin, listedPrincipal, newObjectId, pgRole, rejection, releaseProvider, roleInputs, useToken, type TokenSpy } from "./helpers";

const provider = entraRoleProvider as Required<typeof entraRoleProvider>;
let server: TestServer;
let spy: TokenSpy;

before(async () => {
    server = await startTestServer();
    // Failures that are retried should fail fast here; the restart test has its own policy.
    setRetryPolicy({ attempts: 3, baseDelayMs: 20, maxDelayMs: 100 });
});

beforeEach(() => {
    spy = { calls: 0, scopes: [] };
    useToken(server, spy);
});

after(() => releaseProvider(server));

test("creates a role for a user from its object id, and reads it back", async () => {
    const objectId = newObjectId();
    const inputs = roleInputs(server, { roleName: "alice@contoso.onmicrosoft.com", objectId, principalType: "user" });

    const created = await provider.create(inputs);

    assert.equal(created.id, `localhost/alice@contoso.onmicrosoft.com`);
    assert.equal(created.outs.objectId, objectId);
    assert.equal(created.outs.principalType, "user");
    assert.equal(created.outs.isAdmin, false);
    assert.equal(created.outs.providerVersion, entraRoleProviderVersion);
    assert.equal((await pgRole(server, "alice@contoso.onmicrosoft.com"))?.rolcanlogin, true);
    const listed = await listedPrincipal(server, "alice@contoso.onmicrosoft.com");
    assert.equal(listed?.objectid, objectId);
    assert.equal(listed?.principaltype, "user");

    const read = await provider.read(created.id, created.outs);
    assert.equal(read.id, created.id);
    assert.deepEqual(read.props, created.outs);
    assert.deepEqual(spy.scopes, ["https://ossrdbms-aad.database.windows.net/.default"]);
});

test("creates a role for a group with spaces in its name, resolved by name in the tenant", async () => {
    const groupId = newObjectId();
    await server.addTenantPrincipal("Prod DB Readonly", groupId, "group");

    const created = await provider.create(roleInputs(server, { roleName: "Prod DB Readonly", principalType: "group" }));

    assert.equal(created.outs.roleName, "Prod DB Readonly");
    assert.equal(created.outs.objectId, groupId, "the object id Azure resolved is kept in state");
    const listed = await listedPrincipal(server, "Prod DB Readonly");
    assert.equal(listed?.principaltype, "group");
    assert.equal(listed?.objectid, groupId);
});

test("creates a role for a service principal (a VM's managed identity)", async () => {
    const principalId = newObjectId();

    const created = await provider.create(roleInputs(server, { roleName: "vm-app-01", objectId: principalId.toUpperCase(), principalType: "service" }));

    assert.equal(created.outs.objectId, principalId, "object ids are kept in lower case");
    assert.equal((await listedPrincipal(server, "vm-app-01"))?.principaltype, "service");
    const { rows } = await server.query(
        "select count(*)::int as n from pg_auth_members m join pg_roles r on r.oid = m.member join pg_roles g on g.oid = m.roleid " +
            "where r.rolname = 'vm-app-01' and g.rolname = 'azure_pg_admin'",
    );
    assert.equal(rows[0].n, 0, "not an administrator unless asked");
});

test("creates an administrator: member of azure_pg_admin and listed by pgaadauth_list_principals(true)", async () => {
    const created = await provider.create(
        roleInputs(server, { roleName: "dba-team", objectId: newObjectId(), principalType: "group", isAdmin: true, isMfa: true }),
    );

    assert.equal(created.outs.isAdmin, true);
    assert.equal(created.outs.isMfa, true);
    const { rows } = await server.query("select pg_has_role('dba-team', 'azure_pg_admin', 'MEMBER') as member");
    assert.equal(rows[0].member, true);
    const admins = await server.query("select rolname from pgaadauth_list_principals(true)");
    assert.ok(admins.rows.some((r) => r.rolname === "dba-team"));
});

test("adopts an existing role of the same object id and type", async () => {
    const objectId = newObjectId();
    await asAdmin(server, "select * from pgaadauth_create_principal_with_oid($1, $2, $3, false, false)", ["made-by-hand", objectId, "service"]);
    const before = await pgRole(server, "made-by-hand");

    const adopted = await provider.create(roleInputs(server, { roleName: "made-by-hand", objectId, principalType: "service" }));

    assert.equal(adopted.outs.objectId, objectId);
    assert.equal((await pgRole(server, "made-by-hand"))?.oid, before?.oid, "the role was not recreated");
});

test("refuses a role of the same name that belongs to another identity, or is not an Entra role", async () => {
    const owner = newObjectId();
    await asAdmin(server, "select * from pgaadauth_create_principal_with_oid($1, $2, $3, false, false)", ["someone-else", owner, "user"]);
    await server.query(`create role "plain password role" login password 'x'`);

    const otherObject = await rejection(provider.create(roleInputs(server, { roleName: "someone-else", objectId: newObjectId(), principalType: "user" })));
    assert.match(otherObject.message, /already exists .* for another Entra identity/);
    assert.match(otherObject.message, new RegExp(owner));
    assert.match(otherObject.message, /Refusing to take it over/);

    const otherType = await rejection(provider.create(roleInputs(server, { roleName: "someone-else", objectId: owner, principalType: "service" })));
    assert.match(otherType.message, /type user/);

    const notEntra = await rejection(provider.create(roleInputs(server, { roleName: "plain password role", objectId: newObjectId(), principalType: "user" })));
    assert.match(notEntra.message, /not a Microsoft Entra principal/);

    assert.equal((await listedPrincipal(server, "someone-else"))?.objectid, owner, "the other identity's role is untouched");
    assert.ok(await pgRole(server, "plain password role"));
});

test("never drops a role that now belongs to another identity", async () => {
    const created = await provider.create(roleInputs(server, { roleName: "reassigned", objectId: newObjectId(), principalType: "user" }));
    const newOwner = newObjectId();
    // Out of band, the name was given to another identity (as DROP ROLE + create by hand would).
    await server.query(
        "update pgaadauth_emulation.principals set object_id = $1 where role_oid = (select oid from pg_roles where rolname = 'reassigned')",
        [newOwner],
    );

    const refused = await rejection(provider.delete(created.id, created.outs));

    assert.match(refused.message, /Refusing to drop role "reassigned"/);
    assert.match(refused.message, /retainOnDelete/);
    assert.ok(await pgRole(server, "reassigned"), "the role is still there");
});

test("keeps names with quotes, backslashes, unicode, spaces and SQL text exact and harmless", async () => {
    await server.query("create table canary (id int)");
    const rolesBefore = (await server.query("select count(*)::int as n from pg_roles")).rows[0].n;
    const names = [
        `O'Brien`,
        `say "hello"`,
        `back\\slash\\`,
        `Zoë Ünïcødé 名前 🚀`,
        `%I %s %L $1`,
        `x'); DROP TABLE canary; --`,
        `a"; DROP ROLE "${server.adminLogin}"; --`,
        `Robert'); select pg_sleep(10); --`,
    ];

    for (const roleName of names) {
        const created = await provider.create(roleInputs(server, { roleName, objectId: newObjectId(), principalType: "user" }));
        assert.equal(created.outs.roleName, roleName);
        assert.equal((await pgRole(server, roleName))?.rolname, roleName, `role ${JSON.stringify(roleName)} exists with its exact name`);
        assert.equal((await provider.read(created.id, created.outs)).id, created.id);
        await provider.delete(created.id, created.outs);
        assert.equal(await pgRole(server, roleName), undefined, `role ${JSON.stringify(roleName)} was dropped`);
    }

    // Names that would display as another name are refused before any SQL, as the stack settings refuse them.
    for (const roleName of [` padded name `, `line\nbreak`, `zero\u200Bwidth`, `right\u202Eleft`]) {
        await assert.rejects(provider.create(roleInputs(server, { roleName, objectId: newObjectId(), principalType: "user" })), /Invalid EntraRole inputs: roleName/);
        assert.equal(await pgRole(server, roleName), undefined);
    }

    assert.equal((await server.query("select to_regclass('public.canary') is not null as present")).rows[0].present, true);
    assert.ok(await pgRole(server, server.adminLogin), "the administrator role is intact");
    assert.equal((await server.query("select count(*)::int as n from pg_roles")).rows[0].n, rolesBefore);
});

test("refuses names over 63 bytes of UTF-8 before any SQL, and keeps a 63-byte name whole", async () => {
    await closeAllConnections();
    const tooLong = "é".repeat(32); // 32 characters, 64 bytes
    const longest = "é".repeat(31) + "x"; // 63 bytes

    const refused = await rejection(provider.create(roleInputs(server, { roleName: tooLong, objectId: newObjectId(), principalType: "user" })));
    const refusedDelete = await rejection(
        provider.delete(`localhost/${tooLong}`, roleInputs(server, { roleName: tooLong, objectId: newObjectId(), principalType: "user" })),
    );

    assert.match(refused.message, /64 bytes/);
    assert.match(refused.message, /63 bytes/);
    assert.match(refusedDelete.message, /63 bytes/);
    assert.equal(spy.calls, 0, "no token was requested, so no connection was opened");
    const check = await provider.check({}, roleInputs(server, { roleName: tooLong, principalType: "user" }));
    assert.deepEqual(check.failures?.map((f) => f.property), ["roleName"]);

    const created = await provider.create(roleInputs(server, { roleName: longest, objectId: newObjectId(), principalType: "user" }));
    assert.equal((await pgRole(server, longest))?.rolname, longest);
    const { rows } = await server.query("select count(*)::int as n from pg_roles where rolname like 'éé%'");
    assert.equal(rows[0].n, 1, "no truncated role was created");
    await provider.delete(created.id, created.outs);
});

test("reports a role dropped out of band as gone", async () => {
    const created = await provider.create(roleInputs(server, { roleName: "dropped-by-hand", objectId: newObjectId(), principalType: "service" }));
    await server.query(`drop role "dropped-by-hand"`);

    const read = await provider.read(created.id, created.outs);

    assert.equal(read.id, undefined);
    assert.equal(read.props, undefined);
});

test("shows a changed object id or type as a replacement after refresh", async () => {
    const inputs = roleInputs(server, { roleName: "drifting", objectId: newObjectId(), principalType: "user" });
    const created = await provider.create(inputs);
    const liveObjectId = newObjectId();
    await server.query(
        "update pgaadauth_emulation.principals set object_id = $1, object_type = 'service' " +
            "where role_oid = (select oid from pg_roles where rolname = 'drifting')",
        [liveObjectId],
    );

    const refreshed = await provider.read(created.id, created.outs);
    const diff = await provider.diff(created.id, refreshed.props, inputs);

    assert.equal(refreshed.props.objectId, liveObjectId);
    assert.equal(refreshed.props.principalType, "service");
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, ["objectId", "principalType"]);
    assert.equal(diff.deleteBeforeReplace, true);
});

test("deletes a role, and deleting it again succeeds", async () => {
    const created = await provider.create(roleInputs(server, { roleName: "short-lived", objectId: newObjectId(), principalType: "user" }));

    await provider.delete(created.id, created.outs);
    assert.equal(await pgRole(server, "short-lived"), undefined);
    await provider.delete(created.id, created.outs);
    assert.equal(await pgRole(server, "short-lived"), undefined);
});

test("refuses to delete a role that owns a table, naming REASSIGN OWNED and retainOnDelete", async () => {
    const created = await provider.create(roleInputs(server, { roleName: "app owner", objectId: newObjectId(), principalType: "service" }));
    await server.query(`create table app_data (id int); alter table app_data owner to "app owner"`);

    const refused = await rejection(provider.delete(created.id, created.outs));

    assert.match(refused.message, /owner of table app_data/);
    assert.match(refused.message, /REASSIGN OWNED BY "app owner" TO "pulumi-deployer"; DROP OWNED BY "app owner";/);
    assert.match(refused.message, /retainOnDelete: true/);
    assert.ok(await pgRole(server, "app owner"), "the role is kept");

    // The fix the message names works for the administrator, after which the delete succeeds.
    const fix = /(REASSIGN OWNED BY .*? DROP OWNED BY .*?;)/.exec(refused.message)?.[1];
    assert.ok(fix);
    await asAdmin(server, fix);
    await provider.delete(created.id, created.outs);
    assert.equal(await pgRole(server, "app owner"), undefined);
    assert.equal((await server.query("select tableowner from pg_tables where tablename = 'app_data'")).rows[0].tableowner, server.adminLogin);
});

test("explains a failing token source, naming DefaultAzureCredential and az login, without retrying", async () => {
    await closeAllConnections();
    const leaked = fakeToken();
    let calls = 0;
    setTokenSource(async () => {
        calls++;
        throw new Error(`AADSTS700016: application not found (last token ${leaked})`);
    });

    const failed = await rejection(provider.create(roleInputs(server, { roleName: "needs-token", objectId: newObjectId(), principalType: "user" })));

    assert.match(failed.message, /DefaultAzureCredential/);
    assert.match(failed.message, /az login/);
    assert.match(failed.message, /AADSTS700016/);
    assert.match(failed.message, /https:\/\/ossrdbms-aad\.database\.windows\.net\/\.default/);
    assert.ok(!failed.message.includes(leaked), "token text is redacted");
    assert.ok(!(failed.stack ?? "").includes(leaked));
    assert.equal(calls, 1, "not retried");
    assert.equal(await pgRole(server, "needs-token"), undefined);
});

test("explains a refused sign-in without retrying and without showing the token", async () => {
    await closeAllConnections();
    const wrongToken = fakeToken();
    useToken(server, spy, wrongToken);

    const failed = await rejection(provider.create(roleInputs(server, { roleName: "bad-login", objectId: newObjectId(), principalType: "user" })));

    assert.match(failed.message, /28P01/);
    assert.match(failed.message, /wrong audience/);
    assert.match(failed.message, /case-sensitive/);
    assert.match(failed.message, /allowedIps/);
    assert.match(failed.message, /VNet/);
    assert.ok(!failed.message.includes(wrongToken));
    assert.equal(spy.calls, 1, "not retried");
    await closeAllConnections();
});

test("explains Azure's functions missing (Entra authentication off, or a database other than postgres)", async () => {
    // What a server without Entra authentication, or a connection to another database, looks like to the provider.
    await server.query("ALTER FUNCTION pgaadauth_list_principals(boolean) RENAME TO pgaadauth_list_principals_hidden");
    try {
        const failed = await rejection(provider.create(roleInputs(server, { roleName: "no-functions", objectId: newObjectId(), principalType: "user" })));
        assert.match(failed.message, /pgaadauth_\* functions do not exist in database "postgres"/);
        assert.match(failed.message, /only in the "postgres" database/);
        assert.match(failed.message, /Entra authentication is\s+enabled/);
    } finally {
        await server.query("ALTER FUNCTION pgaadauth_list_principals_hidden(boolean) RENAME TO pgaadauth_list_principals");
    }
    assert.equal(await pgRole(server, "no-functions"), undefined);
});

test("explains a name that is not found in the tenant", async () => {
    const failed = await rejection(provider.create(roleInputs(server, { roleName: "prod db readonly", principalType: "group" })));

    assert.match(failed.message, /Could not validate AAD user "prod db readonly" because its name is not found in the tenant/);
    assert.match(failed.message, /case-sensitive/);
    assert.match(failed.message, /objectId/);
    assert.equal(await pgRole(server, "prod db readonly"), undefined);
});

test("removes a role again when the name resolves to another kind of principal", async () => {
    await server.addTenantPrincipal("Data Engineers", newObjectId(), "group");

    const failed = await rejection(provider.create(roleInputs(server, { roleName: "Data Engineers", principalType: "user" })));

    assert.match(failed.message, /resolved "Data Engineers" to a group/);
    assert.equal(await pgRole(server, "Data Engineers"), undefined);
});

test("creates 20 roles concurrently over a few connections and one token", async () => {
    await closeAllConnections();
    const names = Array.from({ length: 20 }, (_, i) => `concurrent-${String(i).padStart(2, "0")}`);

    const created = await Promise.all(
        names.map((roleName) => provider.create(roleInputs(server, { roleName, objectId: newObjectId(), principalType: "service" }))),
    );

    assert.equal(new Set(created.map((c) => c.id)).size, 20);
    const { rows } = await server.query("select rolname from pgaadauth_list_principals(false) where rolname like 'concurrent-%' order by 1");
    assert.deepEqual(rows.map((r) => r.rolname), names);
    assert.equal(spy.calls, 1, "one token for all connections");
    const connections = await server.query(
        "select count(*)::int as n, bool_and(s.ssl) as tls from pg_stat_activity a join pg_stat_ssl s using (pid) where a.usename = $1",
        [server.adminLogin],
    );
    assert.ok(connections.rows[0].n >= 1 && connections.rows[0].n <= 4, `at most 4 connections, saw ${connections.rows[0].n}`);
    assert.equal(connections.rows[0].tls, true, "every connection uses TLS");

    await Promise.all(created.map((c) => provider.delete(c.id, c.outs)));
    assert.equal((await server.query("select count(*)::int as n from pg_roles where rolname like 'concurrent-%'")).rows[0].n, 0);
});

test("verifies the server certificate by default; turning it off takes the loudly named option", async () => {
    const { caCertificate: _ca, ...withoutCa } = roleInputs(server, { roleName: "tls-check", objectId: newObjectId(), principalType: "user" });

    const failed = await rejection(provider.create(withoutCa));
    assert.match(failed.message, /TLS with localhost:\d+ failed/);
    assert.match(failed.message, /caCertificate/);
    assert.match(failed.message, /dangerouslyDisableTlsVerification/);
    assert.equal(await pgRole(server, "tls-check"), undefined);

    const created = await provider.create({ ...withoutCa, dangerouslyDisableTlsVerification: true });
    assert.equal(created.outs.dangerouslyDisableTlsVerification, true);
    assert.ok(await pgRole(server, "tls-check"));
    await provider.delete(created.id, created.outs);
});

test("updates connection settings in place and records the new provider version", async () => {
    const inputs = roleInputs(server, { roleName: "upgraded", objectId: newObjectId(), principalType: "user" });
    const created = await provider.create(inputs);
    const oldState = { ...created.outs, providerVersion: "0.9.0" };

    const diff = await provider.diff(created.id, oldState, inputs);
    const updated = await provider.update(created.id, oldState, inputs);

    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.equal(updated.outs.providerVersion, entraRoleProviderVersion);
    assert.equal(updated.outs.objectId, created.outs.objectId);
    await server.query(`drop role "upgraded"`);
    const gone = await rejection(provider.update(created.id, created.outs, inputs));
    assert.match(gone.message, /pulumi refresh/);
});

test("the emulated functions raise their errors with sensible SQLSTATEs", async () => {
    await server.query(`create role "ordinary user" login password 'not-an-admin'`);
    const asOrdinaryUser = async (sql: string, params: unknown[]) => {
        const client = new Client({ host: server.host, port: server.port, user: "ordinary user", password: "not-an-admin", database: "postgres", ssl: { ca: server.caPem } });
        await client.connect();
        try {
            return await client.query(sql, params);
        } finally {
            await client.end();
        }
    };
    const sqlStateOf = async (run: Promise<unknown>) => ((await rejection(run)) as { code?: string }).code;
    const withOid = "select * from pgaadauth_create_principal_with_oid($1, $2, $3, $4, $5)";

    assert.equal(await sqlStateOf(asOrdinaryUser(withOid, ["sneaky", newObjectId(), "user", true, false])), "42501", "only Entra administrators");
    assert.equal(await pgRole(server, "sneaky"), undefined);
    assert.equal(await sqlStateOf(asAdmin(server, withOid, ["bad-type", newObjectId(), "robot", false, false])), "22023");
    assert.equal(await sqlStateOf(asAdmin(server, withOid, ["bad-oid", "not-a-guid", "user", false, false])), "22023");
    assert.equal(await sqlStateOf(asAdmin(server, withOid, ["x".repeat(64), newObjectId(), "user", false, false])), "42622");
    assert.equal(await sqlStateOf(asAdmin(server, "select * from pgaadauth_create_principal($1, false, false)", ["Nobody Here"])), "42704");
    const made = await asAdmin(server, withOid, ["twice", newObjectId(), "user", false, false]);
    assert.deepEqual(made, [{ pgaadauth_create_principal_with_oid: 'Created role for "twice"' }]);
    assert.equal(await sqlStateOf(asAdmin(server, withOid, ["twice", newObjectId(), "user", false, false])), "42710");
    assert.equal(await sqlStateOf(server.query("select * from pgaadauth_list_principals(false)", [], "template1")), "42883", "only in postgres");
});
