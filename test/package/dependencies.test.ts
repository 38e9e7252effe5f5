import assert from "node:assert/strict";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { test } from "node:test";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..", "..");

interface Manifest {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
    return JSON.parse(fs.readFileSync(path.join(root, dir, "package.json"), "utf8")) as Manifest;
}

function sources(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== "node_modules") out.push(...sources(rel));
        else if (/\.(ts|cjs|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
    }
    return out;
}

/** Packages a file loads (imports, exports from, `require` and `import()` with a literal), as TypeScript reads them. */
function imported(file: string): string[] {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const names = new Set<string>();
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
        if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:") || builtinModules.includes(spec)) continue;
        names.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    }
    return [...names];
}

function undeclared(files: string[], declared: Set<string>): string[] {
    return files.flatMap((file) => imported(file).filter((name) => !declared.has(name)).map((name) => `${file}: ${name}`));
}

test("the library imports only what the package declares for its users (dependencies and peers)", () => {
    const pkg = manifest(".");
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    // The package's own subpath, which the serialized role provider requires at run time.
    declared.add("entra-postgres");
    assert.deepEqual(undeclared(sources("components"), declared), []);
});

test("every other file of the project imports only declared packages", () => {
    const pkg = manifest(".");
    const declared = new Set([
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
        ...Object.keys(pkg.devDependencies ?? {}),
        "entra-postgres",
    ]);
    const files = ["index.ts", ...["plan", "testing", "bench", "test", ".github"].flatMap(sources)];
    assert.deepEqual(undeclared(files, declared), []);
});

/** Packages a file imports with `import type` only (erased from the JavaScript, never loaded). */
function typeOnly(file: string): Set<string> {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.ES2022);
    const names = new Set<string>();
    for (const statement of source.statements) {
        if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly && ts.isStringLiteral(statement.moduleSpecifier)) {
            const spec = statement.moduleSpecifier.text;
            names.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
        }
    }
    return names;
}

test("the policy pack loads only what its own package.json declares", () => {
    const pack = manifest("policies");
    const project = manifest(".");
    const declared = new Set([...Object.keys(pack.dependencies ?? {}), ...Object.keys(pack.devDependencies ?? {})]);
    const projectDeclared = new Set([...Object.keys(project.dependencies ?? {}), ...Object.keys(project.peerDependencies ?? {}), ...Object.keys(project.devDependencies ?? {})]);
    const problems = sources("policies").flatMap((file) => {
        const types = typeOnly(file);
        // Type names (e.g. @pulumi/azure-native's argument types) resolve from the project's node_modules when
        // the pack is type-checked; they are never loaded, so the pack's own install need not carry them.
        return imported(file)
            .filter((name) => !declared.has(name) && !(types.has(name) && projectDeclared.has(name)))
            .map((name) => `${file}: ${name}`);
    });
    assert.deepEqual(problems, []);
});

test("the README, docs/policy-pack.md, .ci/run and the workflows agree that the policy pack has its own install", () => {
    const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
    assert.ok(fs.existsSync(path.join(root, "policies", "package-lock.json")), "the pack has its own lockfile");
    for (const doc of ["README.md", "docs/policy-pack.md"]) {
        assert.match(read(doc), /npm ci --prefix policies/, doc);
        assert.doesNotMatch(read(doc), /needs no `npm install` of its own/, doc);
    }
    assert.match(read(".ci/run"), /^npm ci [^\n]*--prefix policies$/m);
    assert.match(read(".github/workflows/pulumi-stack.yml"), /npm ci [^\n]*--prefix policies/);
});

test("docs/components.md names what `npm pack` ships: every entry of package.json's `files`", () => {
    const files = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { files: string[] }).files;
    const doc = fs.readFileSync(path.join(root, "docs", "components.md"), "utf8");
    const sentence = doc.slice(doc.indexOf("`npm pack` builds once"), doc.search(/Install it next to its peers/));
    assert.ok(sentence.length > 0, "docs/components.md says what the tarball holds");
    for (const entry of files) {
        assert.ok(sentence.includes(`\`${entry}\``), `docs/components.md names ${entry}`);
    }
    assert.ok(!files.some((entry) => entry.startsWith("docs")), "the package does not ship docs/");
});
