/**
 * Preview cost as users pay it: `pulumi preview` of a shipped stack under the real Pulumi CLI (the one the
 * end-to-end suite builds, e2e/support/cli.ts), with the same language host, simulated Azure and stand-in
 * providers (e2e/providers), against a floor: a program of the same project that loads the Pulumi SDK modules the
 * program imports (sdkModules.ts) and declares only a provider of each provider package it uses, so that the engine
 * starts the same provider plugins. The difference is the program's own share; the same
 * preview with `--policy-pack` gives the policy pack's share.
 *
 * Every run is a new `pulumi preview` process of a stack with nothing deployed (what a pull request of a new
 * stack previews); the first run of each kind is a discarded warm-up, then kinds alternate so that a busy
 * machine slows each alike. Figures are medians of wall time, spawn to exit.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureCli, repoRoot } from "../e2e/support/cli";
import { World } from "../e2e/support/world";
import { programSdkModules } from "./sdkModules";
import { formatMs, formatRatio, median } from "./stats";

export interface PreviewCostRow {
    /** `floor`, the stack, or the stack with the policy pack. */
    kind: string;
    samplesMs: number[];
    medianMs: number;
    /** Median over the floor's. */
    ratio: number;
}

export interface PreviewCostResult {
    stack: string;
    runs: number;
    rows: PreviewCostRow[];
    /** Median with the pack minus median without. */
    packShareMs: number;
    /** Median of the stack minus the floor's. */
    programShareMs: number;
}

export interface PreviewCostOptions {
    stack: string;
    runs: number;
    onProgress?: (message: string) => void;
}

/** The floor program: the project's Pulumi.yaml, package.json and tsconfig.json, an index.ts that only loads the SDK modules. */
export function writeFloorProgram(dir: string, modules: string[]): void {
    for (const entry of ["Pulumi.yaml", "package.json", "tsconfig.json"]) fs.copyFileSync(path.join(repoRoot, entry), path.join(dir, entry));
    fs.mkdirSync(path.join(dir, "components"), { recursive: true });
    // The provider packages the program uses, each with a provider resource of its own: the engine then starts the
    // same provider plugins as for the program (their start-up is the simulator's cost, not the program's).
    const packages = [...new Set(modules.map((m) => m.split("/").slice(0, 2).join("/")))].filter((p) => p !== "@pulumi/pulumi");
    fs.writeFileSync(path.join(dir, "index.ts"), [
        "// The preview benchmark's floor: the SDK modules the program loads, its providers' plugins started, nothing else declared.",
        ...modules.map((m) => `import "${m}";`),
        ...packages.map((p, i) => `import * as provider${i} from "${p}";`),
        ...packages.map((p, i) => `new provider${i}.Provider("floor-${p.split("/")[1]}", {});`),
        "",
    ].join("\n"));
}

export async function measurePreviewCost(options: PreviewCostOptions): Promise<PreviewCostResult> {
    const { stack, runs } = options;
    const progress = options.onProgress ?? (() => undefined);
    progress("preview cost: the Pulumi CLI (built once per machine by the end-to-end suite; about 15 minutes the first time)");
    const cli = ensureCli((line) => progress(line));
    const floorDir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-floor-"));
    writeFloorProgram(floorDir, programSdkModules());
    const world = new World(cli);
    try {
        const config = world.stackConfig(stack);
        world.addHosts([`${config.config["entra-postgres:server"].name}.postgres.database.azure.com`]);
        const admins = config.config["entra-postgres:admins"] as { name: string; objectId: string }[];
        const deployer = admins.find((a) => a.name === config.config["entra-postgres:deployer"]) ?? admins[0];
        world.signIn({ tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", subscriptionId: "00000000-0000-4000-8000-00000000e2e0", objectId: deployer.objectId, clientId: deployer.objectId });
        const floorStack = `${stack}-floor`;
        for (const name of [stack, floorStack]) {
            world.writeStackConfig(name, config);
            const init = await world.pulumi(["stack", "init", name, "--secrets-provider", "passphrase"]);
            if (init.code !== 0) throw new Error(`pulumi stack init ${name} failed:\n${init.output}`);
        }
        const pack = ["--policy-pack", path.join(repoRoot, "policies"), "--policy-pack-config", path.join(repoRoot, "policies", "config", `${stack}.json`)];
        const kinds: { kind: string; program: string; args: string[] }[] = [
            { kind: "floor", program: floorDir, args: ["--stack", floorStack] },
            { kind: stack, program: repoRoot, args: ["--stack", stack] },
            { kind: `${stack} + policy pack`, program: repoRoot, args: ["--stack", stack, ...pack] },
        ];
        const samples = new Map<string, number[]>(kinds.map((k) => [k.kind, []]));
        for (let round = 0; round <= runs; round++) {
            for (const k of kinds) {
                world.useProgram(k.program);
                const started = performance.now();
                const r = await world.pulumi(["preview", ...k.args]);
                const ms = performance.now() - started;
                if (r.code !== 0) throw new Error(`pulumi preview (${k.kind}) failed:\n${r.output}`);
                if (round > 0) samples.get(k.kind)!.push(ms);
            }
            progress(`preview cost: round ${round === 0 ? "warm-up" : `${round}/${runs}`}`);
        }
        const floor = median(samples.get("floor")!);
        const rows = kinds.map((k) => {
            const s = samples.get(k.kind)!;
            const medianMs = median(s);
            return { kind: k.kind, samplesMs: s, medianMs, ratio: medianMs / floor };
        });
        return {
            stack,
            runs,
            rows,
            packShareMs: rows[2].medianMs - rows[1].medianMs,
            programShareMs: rows[1].medianMs - rows[0].medianMs,
        };
    } finally {
        await world.close();
        fs.rmSync(floorDir, { recursive: true, force: true });
    }
}

/** The results section. */
export function renderPreviewCost(result: PreviewCostResult): string {
    return [
        "## 4. Preview under the real CLI",
        "",
        `\`pulumi preview\` of ${result.stack} with nothing deployed, by the real Pulumi CLI against the simulated Azure (bench/previewCost.ts),`,
        "against a floor program of the same project that loads the SDK modules the program imports and declares only a provider of each",
        "provider package it uses (the same provider plugins start).",
        `Medians of ${result.runs} runs each, kinds alternating, after one warm-up run of each.`,
        "",
        "| Kind | Median | × floor | Runs |",
        "| --- | --- | --- | --- |",
        ...result.rows.map((r) => `| ${r.kind} | ${formatMs(r.medianMs)} | ${formatRatio(r.ratio)} | ${r.samplesMs.map((s) => Math.round(s)).join(", ")} |`),
        "",
        `The program's own share: ${formatMs(result.programShareMs)}; the policy pack's: ${formatMs(result.packShareMs)}.`,
        "",
    ].join("\n");
}
