import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { pinnedProviderText, pinnedTextVersion, providerTextMigrates } from "../../components/roles/providerText";
import { buildPackage, loadProviderText, programWith, repoRoot, tempDir } from "./installed";

/**
 * The provider text a program running the installed package stores: pinned to the version that wrote it, loaded
 * from the program's own node_modules only, refused with the fix when the copy there cannot serve the state.
 */

const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
const [major] = version.split(".");

let work: string;
let built: string;

before(() => {
    work = tempDir("entra-postgres-pinning-");
    built = buildPackage(repoRoot, path.join(work, "package"));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** What the compiled package itself (as installed in `program`) says about the program it runs in. */
function installedModule<T>(program: string, file: string): T {
    return require(path.join(program, "node_modules", "entra-postgres", "dist", file)) as T;
}

const roleText = (v = version) => pinnedProviderText("entra-postgres/provider", "entraRoleProvider", v);

/** The error `text` fails with when the provider host loads it in `cwd`. */
function refusal(text: string, cwd: string): Error {
    try {
        loadProviderText(text, cwd);
    } catch (err) {
        return err as Error;
    }
    throw new Error(`the text loaded in ${cwd}`);
}

describe("the pinned provider text", () => {
    test("a program running the package installed in its own directory stores the text pinned to that version", () => {
        const program = programWith(built);
        const dynamic = installedModule<typeof import("../../components/roles/dynamicResource")>(program, "roles/dynamicResource.js");
        assert.equal(dynamic.runsFromInstalledPackage(program), true);
        assert.equal(dynamic.packageVersion(), version);
        const entraRole = installedModule<typeof import("../../components/roles/entraRole")>(program, "roles/entraRole.js");
        assert.equal(pinnedTextVersion(entraRole.packagedProviderText), version);
        assert.equal(entraRole.packagedProviderText, roleText());
        const sql = installedModule<typeof import("../../components/sql/packaged")>(program, "sql/packaged.js");
        assert.equal(pinnedTextVersion(sql.packagedSqlProviderText("entraGrantsProvider")), version);
        // A directory below the program, whose own node_modules has no copy: the package found in the parent's
        // node_modules is not the one a pinned text would load, so the provider is serialized whole instead.
        const below = path.join(program, "app");
        fs.mkdirSync(below);
        assert.equal(dynamic.runsFromInstalledPackage(below), false);
    });

    test("loads the provider of the copy in the program's node_modules, for each resource", () => {
        const program = programWith(built);
        const cases = [
            ["entra-postgres/provider", "entraRoleProvider", "roles/provider.js"],
            ["entra-postgres/sql-provider", "entraDatabaseProvider", "sql/provider.js"],
            ["entra-postgres/sql-provider", "entraGrantsProvider", "sql/provider.js"],
        ] as const;
        for (const [subpath, exportName, file] of cases) {
            const loaded = loadProviderText(pinnedProviderText(subpath, exportName, version), program);
            const own = installedModule<Record<string, unknown>>(program, file)[exportName];
            assert.equal(loaded, own, `${exportName} is the program's own copy`);
            for (const method of ["check", "diff", "create", "read", "update", "delete"]) assert.equal(typeof loaded[method], "function");
        }
    });

    test("never loads a copy from a parent directory's node_modules: it says where to install", () => {
        const program = programWith(built);
        const below = path.join(program, "app");
        fs.mkdirSync(below);
        const err = refusal(roleText(), below);
        assert.match(err.message, new RegExp(`entra-postgres ${version.replace(/\./g, "\\.")} wrote this resource's state`));
        assert.match(err.message, /has no node_modules\/entra-postgres/);
        assert.ok(err.message.includes(`in ${below} run \`npm install entra-postgres@${version}\``), err.message);
        assert.match(err.message, /parent directory's node_modules is not used/);
    });

    test("refuses a copy that cannot serve the state, naming the version to install", () => {
        const cases: [string, Record<string, unknown>, RegExp][] = [
            ["older than the writer", { version: "0.1.0" }, /the installed entra-postgres 0\.1\.0 is older than/],
            ["a pre-release of the writer's version", { version: `${version}-rc.1` }, /is older than/],
            ["another major version", { version: `${Number(major) + 1}.0.0` }, /is another major version, which does not serve state written by/],
            ["another package under the name", { name: "left-pad" }, /is not an entra-postgres release \(name "left-pad"/],
            ["no version", { version: "latest" }, /is not an entra-postgres release/],
        ];
        for (const [what, change, expected] of cases) {
            const program = programWith(built, (m) => Object.assign(m, change));
            const err = refusal(roleText(), program);
            assert.match(err.message, expected, what);
            assert.ok(err.message.includes(`npm install entra-postgres@${version}`), `${what}: ${err.message}`);
        }
    });

    test("a later release of the same major version serves the state", () => {
        const [, minor, patch] = version.split(".").map(Number);
        for (const later of [`${major}.${minor}.${patch + 1}`, `${major}.${minor + 3}.0`]) {
            const program = programWith(built, (m) => (m.version = later));
            const loaded = loadProviderText(roleText(), program);
            assert.equal(typeof loaded.read, "function", later);
        }
    });

    test("an update rewrites any other text to the pinned one, and only then", () => {
        const pinned = roleText();
        const legacy = 'exports.handler = () => require("entra-postgres/provider").entraRoleProvider;\n';
        assert.equal(providerTextMigrates({ __provider: legacy }, { __provider: pinned }), true, "0.1.0's text");
        assert.equal(providerTextMigrates({ __provider: roleText("0.1.5") }, { __provider: pinned }), true, "another version's pin");
        assert.equal(providerTextMigrates({ __provider: "exports.handler = function () { return closure; }" }, { __provider: pinned }), true, "a closure");
        assert.equal(providerTextMigrates({ __provider: pinned }, { __provider: pinned }), false, "the same pin");
        assert.equal(providerTextMigrates({ __provider: pinned }, { __provider: "exports.handler = function () {}" }), false, "sources again: Pulumi's own behaviour");
        assert.equal(pinnedTextVersion(legacy), undefined);
        assert.throws(() => pinnedProviderText("entra-postgres/provider", "entraRoleProvider", "next"), /no valid version/);
    });
});
