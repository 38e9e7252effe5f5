import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

const root = path.resolve(__dirname, "../..");
const components = path.join(root, "components");

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? sourceFiles(full) : /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** Relative imports and re-exports of one file, resolved to files (type-only imports included). */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"']*?from\s+["'](\.[^"']+)["']/g)].map((m) => m[1]);
    return specifiers.flatMap((spec) => {
        const base = path.resolve(path.dirname(file), spec);
        const found = [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate));
        return found ? [found] : [];
    });
}

/** Every import cycle among `files`, each as the list of files around it. */
export function importCycles(files: readonly string[]): string[][] {
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const cycles: string[][] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
        state.set(file, "visiting");
        stack.push(file);
        for (const next of graph.get(file) ?? []) {
            if (state.get(next) === "visiting") {
                cycles.push([...stack.slice(stack.indexOf(next)), next]);
            } else if (!state.has(next)) {
                visit(next);
            }
        }
        stack.pop();
        state.set(file, "done");
    };
    for (const file of files) {
        if (!state.has(file)) visit(file);
    }
    return cycles;
}

test("the cycle finder sees a cycle through type-only imports", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cycles-"));
    fs.writeFileSync(path.join(dir, "a.ts"), 'import type { B } from "./b";\nexport type A = B;\n');
    fs.writeFileSync(path.join(dir, "b.ts"), 'import { a } from "./c";\nexport type B = string;\n');
    fs.writeFileSync(path.join(dir, "c.ts"), 'export { x } from "./a";\n');
    const cycles = importCycles(sourceFiles(dir));
    fs.rmSync(dir, { recursive: true });
    assert.equal(cycles.length, 1);
    assert.deepEqual(cycles[0].map((f) => path.basename(f)), ["a.ts", "b.ts", "c.ts", "a.ts"]);
});

test("components/ has no import cycles", () => {
    const cycles = importCycles(sourceFiles(components));
    assert.deepEqual(cycles.map((c) => c.map((f) => path.relative(root, f)).join(" → ")), []);
});

test("components/config/ imports nothing from the components above it", () => {
    const config = path.join(components, "config");
    const upward = sourceFiles(config).flatMap((file) =>
        importsOf(file).filter((target) => !target.startsWith(config + path.sep)).map((target) => `${path.relative(root, file)} → ${path.relative(root, target)}`),
    );
    assert.deepEqual(upward, []);
});

/** Every relative import, re-export, `require` and `import()` of `file`, resolved to paths (files or folders). */
function referencesOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const specifiers = [
        ...[...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"']*?from\s+["'](\.[^"']+)["']/g)].map((m) => m[1]),
        ...[...text.matchAll(/\b(?:require|import)\(\s*["'`](\.[^"'`]+)["'`]\s*\)/g)].map((m) => m[1]),
    ];
    return specifiers.map((spec) => path.resolve(path.dirname(file), spec));
}

/** Edges from files under `from` to paths under `to`, as "file → target" (relative to the project root). */
function edgesBetween(from: string, to: string): string[] {
    const source = path.join(root, from);
    const target = path.join(root, to);
    return sourceFiles(source).flatMap((file) =>
        referencesOf(file)
            .filter((ref) => ref === target || ref.startsWith(target + path.sep))
            .map((ref) => `${path.relative(root, file)} → ${path.relative(root, ref)}`),
    );
}

test("the edge finder sees imports, requires and dynamic imports between folders", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edges-"));
    fs.writeFileSync(path.join(dir, "a.ts"), 'const x = require("../b/x") as typeof import("../b/y");\nexport { z } from "../b/z";\n');
    const refs = referencesOf(path.join(dir, "a.ts")).map((r) => path.relative(path.dirname(dir), r)).sort();
    fs.rmSync(dir, { recursive: true });
    assert.deepEqual(refs, ["b/x", "b/y", "b/z"]);
});

test("bench/ and test/ import nothing from each other: both use plan/ and testing/", () => {
    assert.deepEqual([...edgesBetween("bench", "test"), ...edgesBetween("test", "bench")], []);
});

test("the product (index.ts, components/, plan/, policies/, contracts/) imports nothing from the scaffolding", () => {
    const product = ["components", "plan", "policies", "contracts"];
    const scaffolding = ["testing", "test", "bench", "e2e"];
    const edges = product.flatMap((from) => scaffolding.flatMap((to) => edgesBetween(from, to)));
    const index = path.join(root, "index.ts");
    const fromIndex = referencesOf(index)
        .filter((ref) => scaffolding.some((to) => ref === path.join(root, to) || ref.startsWith(path.join(root, to) + path.sep)))
        .map((ref) => `index.ts → ${path.relative(root, ref)}`);
    assert.deepEqual([...edges, ...fromIndex], []);
});

test("testing/ imports nothing from the tests or the bench that use it", () => {
    assert.deepEqual(["test", "bench"].flatMap((folder) => edgesBetween("testing", folder)), []);
});

test("the offline plan's engine and the testing layer have no import cycles", () => {
    const cycles = importCycles([...sourceFiles(path.join(root, "plan")), ...sourceFiles(path.join(root, "testing"))]);
    assert.deepEqual(cycles.map((c) => c.map((f) => path.relative(root, f)).join(" → ")), []);
});
