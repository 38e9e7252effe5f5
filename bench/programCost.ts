import { spawn } from "node:child_process";
import * as path from "node:path";
import { resultPrefix, warmUpEnvironment } from "./children/report";
import { programSdkModules, projectRoot } from "./sdkModules";
import { median } from "./stats";

/** What one child process reported, plus its wall time as the parent saw it (spawn to exit). */
export interface ChildSample {
    /** Spawn to exit, measured by the parent. */
    wallMs: number;
    /** Peak resident set size of the child, in KiB (`process.resourceUsage().maxRSS`). */
    maxRssKb: number;
    /** Child clock: process start until TypeScript support (tsx) was ready and the child's code ran. */
    readyMs: number;
    /** Child clock: the SDK modules were loaded. */
    sdkLoadedMs: number;
    /** Child clock (program only): `index.ts` returned, every resource declared. */
    declaredMs?: number;
    /** Child clock (program only): every registration reached the mock monitor. */
    settledMs?: number;
    /** Program only: registrations recorded. */
    resources?: number;
}

/** Medians over the measured runs of one kind of child. */
export interface ProgramCostRow {
    /** `floor` or the stack name. */
    kind: string;
    samples: ChildSample[];
    wallMs: number;
    maxRssKb: number;
    /** Median time in the child before the SDK was loaded, loading the SDK, running the program, settling. */
    phases: { startupMs: number; sdkMs: number; programMs?: number; settleMs?: number };
    resources?: number;
    /** Median wall time over the floor's. */
    wallRatio: number;
    /** Median peak RSS over the floor's. */
    rssRatio: number;
}

export interface ProgramCostResult {
    runs: number;
    modules: string[];
    rows: ProgramCostRow[];
}

export interface ProgramCostOptions {
    stacks: string[];
    /** Measured runs per kind (after one discarded warm-up run each). */
    runs: number;
    onProgress?: (message: string) => void;
}

/** Suffix of a row that ran the stack with the compiled library (dist/). */
export const distSuffix = "/dist";

const floorScript = path.join(__dirname, "children", "sdkFloor.ts");
const programScript = path.join(__dirname, "children", "programRun.ts");

/**
 * Runs the floor and each stack's mocked program in fresh child processes, one at a time, interleaved
 * round by round (the order rotates each round so no kind always runs right after another), after one
 * discarded warm-up run of each kind that fills tsx's transform cache and the OS file cache.
 */
export async function measureProgramCost(options: ProgramCostOptions): Promise<ProgramCostResult> {
    const modules = programSdkModules();
    // Each stack twice: from the TypeScript sources, as `pulumi up` runs this project, and with the library
    // compiled (`<stack>/dist`, from dist/ as an installed package runs it).
    const kinds = ["floor", ...options.stacks, ...options.stacks.map((stack) => `${stack}${distSuffix}`)];
    const run = (kind: string, warmUp = false): Promise<ChildSample> => {
        if (kind === "floor") return runChild("floor", floorScript, [JSON.stringify(modules)], warmUp);
        const dist = kind.endsWith(distSuffix);
        const stack = dist ? kind.slice(0, -distSuffix.length) : kind;
        return runChild(`${kind} stack`, programScript, [stack, JSON.stringify(modules), dist ? "dist" : "src"], warmUp);
    };

    for (const kind of kinds) await run(kind, true);
    const samples = new Map<string, ChildSample[]>(kinds.map((k) => [k, []]));
    for (let round = 0; round < options.runs; round++) {
        const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]);
        for (const kind of order) samples.get(kind)!.push(await run(kind));
        options.onProgress?.(`program cost: round ${round + 1}/${options.runs}`);
    }

    const floor = summarize("floor", samples.get("floor")!);
    const rows = kinds.map((kind) => {
        const row = summarize(kind, samples.get(kind)!);
        row.wallRatio = row.wallMs / floor.wallMs;
        row.rssRatio = row.maxRssKb / floor.maxRssKb;
        return row;
    });
    return { runs: options.runs, modules, rows };
}

function summarize(kind: string, samples: ChildSample[]): ProgramCostRow {
    const of = (pick: (s: ChildSample) => number) => median(samples.map(pick));
    const program = samples[0].declaredMs !== undefined;
    return {
        kind,
        samples,
        wallMs: of((s) => s.wallMs),
        maxRssKb: of((s) => s.maxRssKb),
        phases: {
            startupMs: of((s) => s.readyMs),
            sdkMs: of((s) => s.sdkLoadedMs - s.readyMs),
            ...(program ? { programMs: of((s) => s.declaredMs! - s.sdkLoadedMs), settleMs: of((s) => s.settledMs! - s.declaredMs!) } : {}),
        },
        resources: program ? samples[0].resources : undefined,
        wallRatio: 1,
        rssRatio: 1,
    };
}

/**
 * Starts `node --import tsx <script> <args>` in the project root and resolves to what it reported. A warm-up
 * child finishes its pending writes before it exits, so that tsx's transform cache is filled (see
 * `warmUpEnvironment`).
 */
function runChild(label: string, script: string, args: string[], warmUp = false): Promise<ChildSample> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const env = { ...process.env };
        if (warmUp) env[warmUpEnvironment] = "1";
        else delete env[warmUpEnvironment];
        const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
            cwd: projectRoot,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("exit", (code, signal) => {
            const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
            const line = stdout.split("\n").find((l) => l.startsWith(resultPrefix));
            if (code !== 0 || !line) {
                reject(new Error(`The ${label} child (${path.relative(projectRoot, script)}) exited with ${signal ?? code}: ${stderr.trim().slice(-2000)}`));
                return;
            }
            resolve({ ...(JSON.parse(line.slice(resultPrefix.length)) as Omit<ChildSample, "wallMs">), wallMs });
        });
    });
}
