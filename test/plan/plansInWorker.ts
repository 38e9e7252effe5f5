import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { ConfigError, type ConfigProblem } from "../../components/config";
import { PlanError, type PlanOptions } from "../../plan/cli";
import type { Plan } from "../../plan/render";
import type { WorkerAnswer } from "./planWorker";

/**
 * Plans made in a worker thread (planWorker.ts says why), one at a time in the order asked. `close` ends the
 * worker. A plan that fails rejects as it would in this thread: a PlanError whose cause is the ConfigError (or an
 * Error of the same name and message), with the plan's notes and redacted message.
 */
export class PlanWorker {
    private readonly worker: Worker;
    private readonly waiting = new Map<number, { resolve: (plan: Plan) => void; reject: (err: Error) => void }>();
    private next = 0;

    constructor() {
        this.worker = new Worker(path.join(__dirname, "planWorker.ts"));
        this.worker.on("message", (answer: WorkerAnswer) => {
            const waiter = this.waiting.get(answer.id)!;
            this.waiting.delete(answer.id);
            if (answer.json !== undefined) {
                waiter.resolve(JSON.parse(answer.json) as Plan);
            } else {
                waiter.reject(rebuild(answer.error!));
            }
        });
        this.worker.on("error", (err) => {
            for (const waiter of this.waiting.values()) waiter.reject(err);
            this.waiting.clear();
        });
    }

    plan(options: PlanOptions): Promise<Plan> {
        const id = this.next++;
        return new Promise((resolve, reject) => {
            this.waiting.set(id, { resolve, reject });
            this.worker.postMessage({ id, options });
        });
    }

    close(): Promise<number> {
        return this.worker.terminate();
    }
}

function rebuild(error: NonNullable<WorkerAnswer["error"]>): Error {
    if (!error.planError) return Object.assign(new Error(error.message), { name: error.name, notes: error.notes });
    const cause = error.cause?.name === "ConfigError"
        ? new ConfigError(error.cause.problems as ConfigProblem[])
        : Object.assign(new Error(error.cause?.message ?? error.message), { name: error.cause?.name ?? "Error" });
    const rebuilt = new PlanError(cause, error.notes ?? [], (text) => text);
    Object.defineProperty(rebuilt, "message", { value: error.message });
    return rebuilt;
}
