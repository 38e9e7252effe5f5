import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

/** A file a reader can hold in their head; beyond this, split it by concern. */
export const maxSourceLines = 400;

const root = path.resolve(__dirname, "../..");
/** Installed, built or end-to-end code, which this limit does not govern. */
const skipped = new Set(["node_modules", "dist", ".git"]);

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return skipped.has(entry.name) || full === path.join(root, "e2e") ? [] : sourceFiles(full);
        }
        return /\.(ts|cjs|mjs)$/.test(entry.name) ? [full] : [];
    });
}

function lineCount(file: string): number {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

test("the walk covers every source folder, and skips installed, built and end-to-end code", () => {
    const files = sourceFiles(root).map((f) => path.relative(root, f).split(path.sep).join("/"));
    for (const expected of ["index.ts", "components/config/parse.ts", "plan/analyzer/run.ts", "plan/render.ts", "test/structure/fileSize.test.ts"]) {
        assert.ok(files.includes(expected), expected);
    }
    assert.ok(files.some((f) => f.startsWith(".github/") && f.endsWith(".cjs")), "workflow scripts are covered");
    assert.ok(!files.some((f) => /(^|\/)(node_modules|dist)\//.test(f) || f.startsWith("e2e/")));
});

test(`no source file is over ${maxSourceLines} lines`, () => {
    const long = sourceFiles(root)
        .map((file) => ({ file: path.relative(root, file), lines: lineCount(file) }))
        .filter((f) => f.lines > maxSourceLines)
        .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(long, []);
});
