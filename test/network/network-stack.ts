/**
 * Runs the network project (network/index.ts) under the recorder's Azure mocks, with a stack's settings from
 * network/Pulumi.<stack>.yaml, for the network tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { recordProgram, type Recording } from "../../plan/engine/recorder";

const networkRoot = path.resolve(__dirname, "..", "..", "network");
const entry = require.resolve("../../network/index");

/** The network project's stack settings as the engine hands them over (`entra-postgres-network:key` → string). */
export function networkStackConfig(stack: string): Record<string, string> {
    const doc = parse(fs.readFileSync(path.join(networkRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Runs network/index.ts afresh under the recorder's Azure mocks. */
export async function recordNetwork(stack: string, config: Record<string, string>, preview = false): Promise<Recording & { outputs: Record<string, unknown> }> {
    delete require.cache[entry];
    let outputs: Record<string, unknown> = {};
    const recording = await recordProgram(() => {
        outputs = require(entry);
    }, { stack, config, preview });
    return { ...recording, outputs };
}

