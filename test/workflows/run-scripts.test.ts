import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { allSteps, scriptsDir } from "./workflow-files";

const runs = allSteps().filter((s) => s.step.run !== undefined);

function bashSyntaxErrors(script: string): string {
    const result = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    return result.status === 0 ? "" : result.stderr;
}

describe("shell steps", () => {
    it("there are shell steps to check", () => {
        assert.ok(runs.length > 10);
    });

    it("no shell step interpolates an expression into its script; values arrive as environment variables", () => {
        // `${{ }}` is pasted into the script before bash parses it, so a branch name or a stack value could
        // inject commands. The one exception would have to be listed here with a reason; there is none.
        for (const { where, step } of runs) {
            assert.doesNotMatch(String(step.run), /\$\{\{/, where);
        }
    });

    it("every shell step parses as bash", () => {
        for (const { where, step } of runs) {
            assert.equal(bashSyntaxErrors(String(step.run)), "", where);
        }
    });

    it("the scripts the steps call parse as bash, and the check would notice a broken one", () => {
        for (const file of fs.readdirSync(scriptsDir).filter((f) => f.endsWith(".sh"))) {
            assert.equal(bashSyntaxErrors(fs.readFileSync(path.join(scriptsDir, file), "utf8")), "", file);
        }
        assert.notEqual(bashSyntaxErrors('if [ -f x ]; then echo "unterminated'), "");
    });

    it("every script a step calls exists", () => {
        for (const { where, step } of runs) {
            for (const match of String(step.run).matchAll(/\.github\/scripts\/([\w.-]+)/g)) {
                assert.ok(fs.existsSync(path.join(scriptsDir, match[1])), `${where} calls ${match[0]}`);
            }
        }
        for (const { where, step } of allSteps().filter((s) => s.step.with?.script !== undefined)) {
            for (const match of String(step.with?.script).matchAll(/\.github\/scripts\/([\w.-]+)/g)) {
                assert.ok(fs.existsSync(path.join(scriptsDir, match[1])), `${where} requires ${match[0]}`);
            }
        }
    });
});
