import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { startTestServer, type TestServer } from "../../testing/postgres";
import { pinnedProviderText, pinnedTextVersion } from "../../components/roles/providerText";
import { buildPackage, installInto, loadProviderText, programWith, repoRoot, tempDir, unpackRelease } from "./installed";
import { closeAllConnections } from "../../components/testing";
import { newObjectId, pgRole, releaseProvider, roleInputs, useToken } from "./helpers";

/**
 * State written by the previous release (0.1.0, testing/releases) is read, updated and deleted by this one, against
 * a real PostgreSQL: 0.1.0 stored `require("entra-postgres/provider")` when run from the installed package, and the
 * provider's whole closure when run from its sources. And this release's pinned text refuses 0.1.0, with the fix.
 */

type Provider = Required<pulumi.dynamic.ResourceProvider>;

const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

let server: TestServer;
let work: string;
let release: string;
let current: string;
/** A program directory with this release installed in its node_modules. */
let program: string;
/** 0.1.0, from its sources. */
let old: { role: Provider; database: Provider; grants: Provider; roleText: string; sqlText: (name: string) => string };

before(async () => {
    server = await startTestServer();
    useToken(server, { calls: 0, scopes: [] });
    work = tempDir("entra-postgres-upgrade-");
    release = unpackRelease("0.1.0", work);
    current = buildPackage(repoRoot, path.join(work, "current"));
    program = programWith(current);
    const from = (file: string) => require(path.join(release, "components", file));
    old = {
        role: from("roles/provider.ts").entraRoleProvider,
        database: from("sql/provider.ts").entraDatabaseProvider,
        grants: from("sql/provider.ts").entraGrantsProvider,
        roleText: from("roles/entraRole.ts").packagedProviderText,
        sqlText: (name) => from("sql/packaged.ts").packagedSqlProviderText(name),
    };
});

after(async () => {
    await releaseProvider(server);
    fs.rmSync(work, { recursive: true, force: true });
});

/** What the engine keeps after a create: the provider's outputs and the `__provider` text of the inputs. */
const stateOf = (outs: Record<string, unknown>, text: string) => ({ ...outs, __provider: text });

describe("state written by 0.1.0, with this release installed", () => {
    test("0.1.0's texts are the unpinned requires this release still exports", () => {
        assert.equal(old.roleText, 'exports.handler = () => require("entra-postgres/provider").entraRoleProvider;\n');
        assert.equal(old.sqlText("entraGrantsProvider"), 'exports.handler = () => require("entra-postgres/sql-provider").entraGrantsProvider;\n');
        const loaded = loadProviderText(old.roleText, program);
        assert.equal(loaded, require(path.join(program, "node_modules", "entra-postgres", "dist", "roles", "provider.js")).entraRoleProvider);
    });

    test("a role 0.1.0 created is read, rewritten to the pinned text on the next update, and deleted", async () => {
        const inputs = roleInputs(server, { roleName: "upgraded-app", objectId: newObjectId(), principalType: "service" });
        const created = await old.role.create(inputs);
        const state = stateOf(created.outs, old.roleText);

        const provider = loadProviderText<Provider>(old.roleText, program);
        const read = await provider.read(created.id, state);
        assert.equal(read.id, created.id);
        assert.equal(read.props?.roleName, "upgraded-app");

        // The next `pulumi up` stores this release's pinned text: an in-place update, no replacement.
        const pinned = pinnedProviderText("entra-postgres/provider", "entraRoleProvider", version);
        const news = { ...inputs, __provider: pinned };
        const diff = await provider.diff(created.id, state, news);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
        const updated = await loadProviderText<Provider>(pinned, program).update(created.id, state, news);
        assert.equal(updated.outs?.roleName, "upgraded-app");

        // A refresh before that update still runs 0.1.0's text; so does a destroy.
        await provider.delete(created.id, state);
        assert.equal(await pgRole(server, "upgraded-app"), undefined);
    });

    test("a database and grants 0.1.0 created are read and deleted", async () => {
        const connection = { serverFqdn: server.host, port: server.port, adminLogin: server.adminLogin, caCertificate: server.caPem, cloud: "public" };
        const role = await old.role.create(roleInputs(server, { roleName: "upgraded-reader", objectId: newObjectId(), principalType: "service" }));
        const db = await old.database.create({ ...connection, databaseName: "upgraded", collation: "C" });
        const grants = await old.grants.create({ ...connection, database: "upgraded", roleName: "upgraded-reader", level: "read", owners: [server.adminLogin] });
        const dbState = stateOf(db.outs, old.sqlText("entraDatabaseProvider"));
        const grantsState = stateOf(grants.outs, old.sqlText("entraGrantsProvider"));

        const grantsProvider = loadProviderText<Provider>(old.sqlText("entraGrantsProvider"), program);
        const databaseProvider = loadProviderText<Provider>(old.sqlText("entraDatabaseProvider"), program);
        assert.equal((await grantsProvider.read(grants.id, grantsState)).props?.intact, true);
        assert.equal((await databaseProvider.read(db.id, dbState)).props?.owner, server.adminLogin);
        const pinned = pinnedProviderText("entra-postgres/sql-provider", "entraGrantsProvider", version);
        assert.equal((await grantsProvider.diff(grants.id, grantsState, { ...grants.outs, __provider: pinned })).changes, true);

        await grantsProvider.delete(grants.id, grantsState);
        // The grants' pooled connection to the database would keep DROP DATABASE from running.
        await closeAllConnections();
        await databaseProvider.delete(db.id, dbState);
        const { rows } = await server.query("select 1 from pg_database where datname = 'upgraded'");
        assert.equal(rows.length, 0);
        await loadProviderText<Provider>(old.roleText, program).delete(role.id, stateOf(role.outs, old.roleText));
    });

    test("a role 0.1.0 created from its sources (its provider serialized whole) is read and deleted", async () => {
        const provider = old.role;
        const closure = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
        assert.equal(pinnedTextVersion(closure), undefined);
        const inputs = roleInputs(server, { roleName: "from-sources", objectId: newObjectId(), principalType: "user" });
        const created = await old.role.create(inputs);
        const state = stateOf(created.outs, closure);
        // Evaluated in the program, its `require("pg")` and `require("@azure/identity")` get this release's dependencies.
        const loaded = loadProviderText<Provider>(closure, program);
        assert.notEqual(loaded, old.role);
        assert.equal((await loaded.read(created.id, state)).props?.principalType, "user");
        await loaded.delete(created.id, state);
        assert.equal(await pgRole(server, "from-sources"), undefined);
    });
});

describe("this release's pinned text, with 0.1.0 installed", () => {
    test("refuses to run 0.1.0 against state this release wrote, and names the version to install", () => {
        const oldProgram = programWith(undefined);
        installInto(oldProgram, buildPackage(release, path.join(work, "release-build")));
        const err = (() => {
            try {
                loadProviderText(pinnedProviderText("entra-postgres/provider", "entraRoleProvider", version), oldProgram);
            } catch (e) {
                return e as Error;
            }
            throw new Error("0.1.0 was loaded");
        })();
        assert.match(err.message, new RegExp(`the installed entra-postgres 0\\.1\\.0 is older than ${version.replace(/\./g, "\\.")}`));
        assert.ok(err.message.includes(`npm install entra-postgres@${version}`), err.message);
        // 0.1.0's own unpinned text still loads 0.1.0 there: nothing this release does changes that.
        assert.equal(typeof loadProviderText(old.roleText, oldProgram).read, "function");
    });
});
