/**
 * `npm run bench`: program cost, role throughput, the deployment's critical path and the preview under the real
 * Pulumi CLI (previewCost.ts). Prints a summary and writes `bench/results.md`. Not part of `npm test`; takes about
 * five minutes on two cores, plus the CLI's build the first time on a machine (the end-to-end suite's).
 *
 * Options: `--runs=<n>` child runs per kind for the program cost (default 7, at least 5); `--only=program` runs
 * the program cost alone and prints its table without writing `bench/results.md` (to compare a change quickly);
 * `--only=preview` the preview under the real CLI alone, the same way.
 * Exits 1 if a benchmark could not run; targets that are not met are reported, not failed.
 */
import * as fs from "node:fs";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { listStacks } from "../plan/engine/configEncoding";
import { runStack } from "../testing/program";
import { typicalSeconds } from "./azureDurations";
import { analyzeDeployment } from "./criticalPath";
import { describeMachine } from "./machine";
import { measurePreviewCost, renderPreviewCost, type PreviewCostResult } from "./previewCost";
import { measureProgramCost } from "./programCost";
import { renderProgramCost, renderResults, renderSummary, type StackPath } from "./report";
import { measureRoleThroughput } from "./roleThroughput";
import { formatRatio, verdict } from "./stats";

const resultsFile = path.join(__dirname, "results.md");
const pathTargetStack = "prod";

function programRuns(argv: string[]): number {
    const option = argv.find((a) => a.startsWith("--runs="));
    if (!option) return 7;
    const runs = Number(option.slice("--runs=".length));
    if (!Number.isInteger(runs) || runs < 5) {
        throw new Error(`--runs must be an integer of at least 5 (medians of fewer runs are noise), got "${option}"`);
    }
    return runs;
}

function only(argv: string[]): "program" | "preview" | undefined {
    const option = argv.find((a) => a.startsWith("--only="));
    if (!option) return undefined;
    const which = option.slice("--only=".length);
    if (which !== "program" && which !== "preview") throw new Error(`--only accepts "program" or "preview", got "${option}"`);
    return which;
}

/** Targets of the preview under the real CLI (issue: preview cost as users pay it). */
const previewTargets = { ratio: 1.5, packShareMs: 3_000 };

function previewVerdicts(preview: PreviewCostResult): string {
    const program = preview.rows[1];
    return [
        "| Target | Figure | Result |",
        "| --- | --- | --- |",
        `| Preview, ${preview.stack}: wall time ≤ ${previewTargets.ratio}× the floor | ${formatRatio(program.ratio)} | ${verdict(program.ratio <= previewTargets.ratio)} |`,
        `| Preview, ${preview.stack}: the policy pack adds ≤ ${previewTargets.packShareMs / 1000} s | ${(preview.packShareMs / 1000).toFixed(1)} s | ${verdict(preview.packShareMs <= previewTargets.packShareMs)} |`,
        "",
    ].join("\n");
}

async function main(): Promise<void> {
    const runs = programRuns(process.argv.slice(2));
    const which = only(process.argv.slice(2));
    const programOnly = which === "program";
    const machine = describeMachine();
    const started = performance.now();
    const progress = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
    const stacks = listStacks();

    if (which === "preview") {
        const preview = await measurePreviewCost({ stack: pathTargetStack, runs: Math.max(5, Math.min(runs, 7)), onProgress: (m) => console.log(m) });
        console.log(renderPreviewCost(preview));
        console.log(previewVerdicts(preview));
        return;
    }

    const paths: StackPath[] = [];
    if (!programOnly) progress(`critical path of ${stacks.join(", ")}`);
    for (const stack of programOnly ? [] : stacks) {
        const run = await runStack(stack);
        if (run.error !== undefined) throw new Error(`the ${stack} stack failed under mocks: ${String(run.error)}`);
        paths.push({ stack, analysis: analyzeDeployment(run.resources, typicalSeconds) });
    }

    progress("building dist/ (npm run build) for the compiled-library rows");
    execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "build"], { cwd: path.resolve(__dirname, ".."), stdio: "inherit" });
    progress(`program cost: ${runs} runs each of the floor and ${stacks.join(", ")}, from source and from dist/`);
    const program = await measureProgramCost({ stacks, runs, onProgress: progress });
    if (programOnly) {
        console.log(renderProgramCost(program));
        return;
    }

    progress("role throughput: starting the test server");
    const roles = await measureRoleThroughput({
        sizes: [1, 20, 200],
        rounds: (n) => (n >= 200 ? 3 : n >= 20 ? 5 : 7),
        concurrency: 10,
        tokenCostMs: 50,
        onProgress: progress,
    });

    progress("preview under the real CLI");
    const preview = await measurePreviewCost({ stack: pathTargetStack, runs: 5, onProgress: progress });

    const results = { machine, elapsedMs: performance.now() - started, program, roles, paths, pathTargetStack };
    fs.writeFileSync(resultsFile, `${renderResults(results)}\n${renderPreviewCost(preview)}\n${previewVerdicts(preview)}`);
    console.log(renderSummary(results));
    console.log(`\nDetails: ${path.relative(process.cwd(), resultsFile)}`);
}

main().then(
    () => process.exit(0),
    (err: unknown) => {
        console.error(`Benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        process.exit(1);
    },
);
