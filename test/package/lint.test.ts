import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.resolve(__dirname, "..", "..");

function files(dir: string): string[] {
    return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) return ["node_modules", "dist", ".git"].includes(entry.name) ? [] : files(rel);
        return /\.(ts|cjs|mjs|js)$/.test(entry.name) ? [rel] : [];
    });
}

test("npm test lints first, with the flat config", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.lint, "eslint .");
    assert.match(pkg.scripts.test, /^npm run lint && /);
    const config = fs.readFileSync(path.join(root, "eslint.config.mjs"), "utf8");
    assert.match(config, /from "typescript-eslint"/);
    assert.match(config, /from "@pulumi\/eslint-plugin"/);
    assert.match(config, /reportUnusedDisableDirectives: "error"/);
});

test("every eslint-disable comment says why (`-- reason`)", () => {
    const bare: string[] = [];
    for (const file of files(".")) {
        if (file === path.join("test", "package", "lint.test.ts")) continue;
        fs.readFileSync(path.join(root, file), "utf8").split("\n").forEach((line, i) => {
            if (/eslint-disable(-next-line|-line)?\b/.test(line) && !/ -- \S/.test(line)) bare.push(`${file}:${i + 1}`);
        });
    }
    assert.deepEqual(bare, []);
});
