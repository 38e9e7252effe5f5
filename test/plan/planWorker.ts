/**
 * Runs the offline plan in a worker thread, for tests that make many plans. node's test runner tracks every
 * promise a test creates (an async hook with destroy tracking, node:internal/test_runner/harness), and a plan
 * creates hundreds of thousands through the Pulumi SDK: a third of a plan's time in a test's own thread. A worker
 * has no such hook. The plan comes back as the JSON `--format json` prints; an error as its name, message and notes.
 */
import Module from "node:module";
import { parentPort } from "node:worker_threads";
import type { PlanOptions } from "../../plan/cli";

// `trace_events` "is not available in Worker threads" (Node.js docs, Trace events), and the SDK's closure
// serializer requires every built-in module it lists (runtime/closure/createClosure.js, `computeBuiltInModules`):
// the worker's list leaves it out, before the SDK is loaded.
Object.defineProperty(Module, "builtinModules", { value: Object.freeze(Module.builtinModules.filter((m) => m !== "trace_events")) });
const { makePlan, render, PlanError } = require("../../plan/cli") as typeof import("../../plan/cli");

export type WorkerRequest = { id: number; options: PlanOptions };
export type WorkerAnswer = {
    id: number;
    json?: string;
    /** A failed plan: a PlanError's message and notes, its cause's name, message and (a ConfigError's) problems. */
    error?: { planError: boolean; name: string; message: string; notes?: string[]; cause?: { name: string; message: string; problems?: unknown[] } };
};

parentPort!.on("message", async ({ id, options }: WorkerRequest) => {
    try {
        const plan = await makePlan(options);
        parentPort!.postMessage({ id, json: render(plan, "json") } satisfies WorkerAnswer);
    } catch (err) {
        const e = err as Error & { notes?: string[] };
        const cause = err instanceof PlanError && err.cause instanceof Error
            ? { name: err.cause.name, message: err.cause.message, problems: (err.cause as { problems?: unknown[] }).problems }
            : undefined;
        parentPort!.postMessage({ id, error: { planError: err instanceof PlanError, name: e.name, message: e.message, notes: e.notes, cause } } satisfies WorkerAnswer);
    }
});
