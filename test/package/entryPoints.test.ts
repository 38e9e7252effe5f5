import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { entraRoleProvider } from "../../components/testing";
import { packagedProviderText, providerModule, serializableProvider } from "../../components/roles/entraRole";

const root = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    name: string;
    main: string;
    exports: Record<string, string | { types: string; default: string }>;
};

test("pulumi up runs the stack program, not the library the package exports", () => {
    // @pulumi/pulumi cmd/run/run.js takes Pulumi.yaml's `main` first; without it, package.json `exports["."]`.
    const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { main?: string };
    assert.equal(project.main, "index.ts");
    assert.ok(fs.existsSync(path.join(root, project.main)));
    assert.deepEqual(pkg.exports["."], { types: "./dist/index.d.ts", default: "./dist/index.js" });
    assert.equal(pkg.main, "dist/index.js");
});

test("the serialized provider's require names a subpath the package exports", () => {
    assert.equal(providerModule, `${pkg.name}/provider`);
    assert.deepEqual(pkg.exports["./provider"], { types: "./dist/roles/provider.d.ts", default: "./dist/roles/provider.js" });
    assert.ok(packagedProviderText.includes(`require("${providerModule}")`), "the stub requires the same subpath");
});

test("from the TypeScript sources the whole provider is serialized (there is no compiled copy to require)", () => {
    assert.equal(serializableProvider(), entraRoleProvider);
});
