import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { EntraRole, entraRoleProvider } from "../../components/roles";
import { DynamicResource, runsFromInstalledPackage } from "../../components/roles/dynamicResource";
import { packagedProviderText } from "../../components/roles/entraRole";
import { EntraDatabase, EntraGrants, entraDatabaseProvider, entraGrantsProvider } from "../../components/sql";
import { packagedSqlProviderText, type SqlProviderName } from "../../components/sql/packaged";
import { pinnedProviderText, pinnedTextVersion } from "../../components/roles/providerText";
import { recordProgram } from "../../plan/engine/recorder";

const root = path.resolve(__dirname, "..", "..");
/** The SDK's own dynamic resource class (abstract in its types), which serializes `() => provider`. */
class SdkDynamicResource extends pulumi.dynamic.Resource {}

const connection = { serverFqdn: "pg.postgres.database.azure.com", adminLogin: "deployer", cloud: "public" as const };

test("from the sources, each dynamic resource registers what pulumi.dynamic.Resource registers for its provider", async () => {
    const recording = await recordProgram(() => {
        new EntraRole("role", { ...connection, roleName: "app", objectId: "0b5f2c1e-4d7a-4a8e-9a51-2f0c9d6b7e11", principalType: "service" });
        new EntraDatabase("db", { ...connection, databaseName: "app", collation: "en_US.utf8" });
        new EntraGrants("grants", { ...connection, database: "app", roleName: "app", level: "read", owners: ["deployer"] });
        // The same providers through the SDK's own class.
        for (const [name, provider] of [["role", entraRoleProvider], ["db", entraDatabaseProvider], ["grants", entraGrantsProvider]] as const) {
            new SdkDynamicResource(provider, `sdk-${name}`, {}, undefined, "entra-postgres", "Reference");
        }
    }, { stack: "dev", config: {} });
    assert.equal(recording.error, undefined);
    const byName = new Map(recording.resources.map((r) => [r.name, r]));
    for (const [name, type] of [["role", "EntraRole"], ["db", "EntraDatabase"], ["grants", "EntraGrants"]]) {
        const ours = byName.get(name)!;
        assert.equal(ours.type, `pulumi-nodejs:dynamic/entra-postgres:${type}`);
        assert.equal(typeof ours.props.__provider, "string");
        // Up to white space: tsx, which runs these tests, strips it from our `() => provider` (the SDK's is compiled JS).
        const text = (r: { props: Record<string, unknown> }) => (r.props.__provider as string).replace(/\s+/g, "");
        assert.equal(text(ours), text(byName.get(`sdk-${name}`)!), `${type}: the same module text as pulumi.dynamic.Resource`);
        assert.deepEqual(ours.secretKeys, [], "nothing secret is captured");
    }
    assert.ok(!runsFromInstalledPackage(), "the sources are not the installed package");
});

test("a dynamic resource refuses a __provider input of its own", () => {
    class Probe extends DynamicResource {
        constructor() {
            super(entraRoleProvider, "probe", { __provider: "exports.handler = () => ({})" }, undefined, "entra-postgres", "Probe");
        }
    }
    assert.throws(() => new Probe(), /must not define the __provider key/);
});

test("installed, each resource's module text is the loader pinned to this version, requiring a subpath the package exports", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string; exports: Record<string, { default: string }> };
    const cases: [string, string, string][] = [
        [packagedProviderText, "entra-postgres/provider", "entraRoleProvider"],
        ...(["entraDatabaseProvider", "entraGrantsProvider"] as SqlProviderName[]).map((name): [string, string, string] => [packagedSqlProviderText(name), "entra-postgres/sql-provider", name]),
    ];
    for (const [text, subpath, exportName] of cases) {
        assert.equal(text, pinnedProviderText(subpath, exportName, pkg.version));
        assert.equal(pinnedTextVersion(text), pkg.version);
        assert.ok(text.includes(`require(${JSON.stringify(subpath)})[${JSON.stringify(exportName)}]`), text);
        const target = pkg.exports[`./${subpath.slice(pkg.name.length + 1)}`]?.default;
        assert.ok(target, `package.json exports ${subpath}`);
        // tsconfig.build.json compiles components/ into dist/.
        const source = path.join(root, "components", target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
        assert.equal((require(source) as Record<string, unknown>)[exportName] !== undefined, true, `${target} exports ${exportName}`);
    }
    // Loaded from an installed copy in test/roles/pinning.test.ts and upgrade.test.ts.
});
