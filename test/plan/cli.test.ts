import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { main, makePlan, type PlanFailure } from "../../plan/cli";
import { projectRoot } from "../../plan/engine/project";
import { copiedServerName, readStackFile } from "../../plan/engine/stackFile";

/** Runs the command line as `npm run plan -- …` does, with its output captured. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
        stdout: { write: (text: string, done?: () => void) => { stdout += text; done?.(); return true; } },
        stderr: { write: (text: string) => { stderr += text; return true; } },
    });
    return { code, stdout, stderr };
}

function stackFile(name: string, text: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-")), name);
    fs.writeFileSync(file, text);
    return file;
}

describe("the plan's command line: errors a tool can read, files named, copied names warned about", () => {
    test("a YAML syntax error names the file, the line and the column, as text and as JSON", async () => {
        const file = stackFile("Pulumi.dev.yaml", "config:\n  entra-postgres:location: westeurope\n  entra-postgres:auth: [mixed\n");
        const text = await run("--config", file);
        assert.equal(text.code, 2);
        assert.match(text.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:4:1: not valid YAML`));
        assert.equal(text.stdout, "");

        const json = await run("--config", file, "--format", "json");
        assert.equal(json.code, 2);
        const failure = JSON.parse(json.stdout) as PlanFailure;
        assert.equal(failure.ok, false);
        assert.equal(failure.stack, "dev");
        assert.deepEqual({ kind: failure.error.kind, file: failure.error.file, line: failure.error.line, column: failure.error.column }, { kind: "yaml", file, line: 4, column: 1 });
        assert.match(json.stderr, /not valid YAML/, "a person still reads it on standard error");
    });

    test("invalid settings with --format json: a JSON document with each key", async () => {
        const shipped = fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8");
        const file = stackFile("Pulumi.dev.yaml", shipped.replace("entra-postgres:auth: mixed", "entra-postgres:auth: password"));
        const { code, stdout } = await run("--config", file, "--format=json");
        assert.equal(code, 2);
        const failure = JSON.parse(stdout) as PlanFailure;
        assert.equal(failure.error.kind, "config");
        assert.ok(failure.error.problems!.some((p) => p.key === "entra-postgres:auth"), JSON.stringify(failure.error));
        assert.match(failure.error.message, /Invalid stack configuration/);
    });

    test("usage errors and an unusable --base are JSON too with --format json", async () => {
        const usage = await run("--format", "json", "--bogus");
        assert.equal(usage.code, 2);
        assert.equal((JSON.parse(usage.stdout) as PlanFailure).error.kind, "usage");
        const failed = stackFile("base.json", JSON.stringify({ ok: false, error: { kind: "config", message: "x" } }));
        const base = await run("--stack", "dev", "--base", failed, "--format", "json");
        assert.equal(base.code, 2);
        const failure = JSON.parse(base.stdout) as PlanFailure;
        assert.equal(failure.error.kind, "base");
        assert.match(failure.error.message, /the JSON of a failed plan/);
    });

    test("a stack copied from another that keeps its server name is warned about, naming both", async () => {
        const copy = stackFile("Pulumi.staging.yaml", fs.readFileSync(path.join(projectRoot, "Pulumi.prod.yaml"), "utf8"));
        const warning = copiedServerName("staging", copy, readStackFile(copy).config, "entra-postgres", [projectRoot, path.dirname(copy)]);
        assert.match(warning!, /^entra-postgres:server\.name is entra-postgres-prod, the server name of stack prod \(.*Pulumi\.prod\.yaml\): a server name is unique across Azure/);
        const plan = await makePlan({ stack: "staging", configFile: copy, policies: false });
        assert.ok(plan.notes!.includes(warning!), JSON.stringify(plan.notes));
        // The shipped stacks have names of their own, and a copy of a stack's own file is that stack.
        for (const stack of ["dev", "prod", "corp"]) {
            const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
            assert.equal(copiedServerName(stack, file, readStackFile(file).config, "entra-postgres", [projectRoot]), undefined, stack);
        }
        const own = stackFile("Pulumi.prod.yaml", fs.readFileSync(path.join(projectRoot, "Pulumi.prod.yaml"), "utf8"));
        assert.equal(copiedServerName("prod", own, readStackFile(own).config, "entra-postgres", [projectRoot, path.dirname(own)]), undefined);
        // A default name (<project>-<stack>) collides too: a stack without server.name named like another's.
        const unnamed = stackFile("Pulumi.prod.yaml", "config:\n  entra-postgres:location: westeurope\n");
        const other = path.join(path.dirname(unnamed), "Pulumi.test.yaml");
        fs.writeFileSync(other, "config:\n  entra-postgres:server:\n    name: entra-postgres-prod\n");
        assert.match(copiedServerName("prod", unnamed, readStackFile(unnamed).config, "entra-postgres", [path.dirname(unnamed)])!, /server name of stack test/);
    });
});
