/**
 * Reads the repository's GitHub workflows, its composite actions and its stacks, for the workflow tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const workflowsDir = path.join(repoRoot, ".github", "workflows");
export const actionsDir = path.join(repoRoot, ".github", "actions");
export const scriptsDir = path.join(repoRoot, ".github", "scripts");

/** A step of a job or of a composite action, as far as the tests look at it. */
export interface Step {
    readonly id?: string;
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, unknown>;
    readonly "continue-on-error"?: unknown;
}

export interface Job {
    readonly name?: string;
    readonly "runs-on"?: unknown;
    readonly uses?: string;
    readonly needs?: string | string[];
    readonly if?: string;
    readonly environment?: unknown;
    readonly permissions?: Record<string, string> | string;
    readonly concurrency?: { group?: string; "cancel-in-progress"?: unknown } | string;
    readonly strategy?: { matrix?: Record<string, unknown> };
    readonly with?: Record<string, unknown>;
    readonly secrets?: Record<string, unknown> | string;
    readonly env?: Record<string, unknown>;
    readonly steps?: Step[];
}

export interface Workflow {
    readonly name?: string;
    readonly on: Record<string, unknown>;
    readonly permissions?: Record<string, string> | string;
    readonly jobs: Record<string, Job>;
}

export interface WorkflowFile {
    /** Path from the repository root, e.g. `.github/workflows/deploy.yml`. */
    readonly file: string;
    readonly text: string;
    readonly workflow: Workflow;
}

export interface CompositeAction {
    readonly file: string;
    readonly text: string;
    readonly action: { name?: string; inputs?: Record<string, unknown>; runs: { using: string; steps: Step[] } };
}

function yamlFiles(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => path.join(dir, name));
}

export function loadWorkflows(): WorkflowFile[] {
    return yamlFiles(workflowsDir).map((full) => {
        const text = fs.readFileSync(full, "utf8");
        return { file: path.relative(repoRoot, full), text, workflow: parse(text) as Workflow };
    });
}

export function loadWorkflow(name: string): WorkflowFile {
    const found = loadWorkflows().find((w) => path.basename(w.file) === name);
    if (!found) {
        throw new Error(`No workflow .github/workflows/${name}`);
    }
    return found;
}

export function loadCompositeActions(): CompositeAction[] {
    if (!fs.existsSync(actionsDir)) {
        return [];
    }
    return fs
        .readdirSync(actionsDir)
        .sort()
        .flatMap((dir) => yamlFiles(path.join(actionsDir, dir)).filter((f) => /\/action\.ya?ml$/.test(f)))
        .map((full) => {
            const text = fs.readFileSync(full, "utf8");
            return { file: path.relative(repoRoot, full), text, action: parse(text) as CompositeAction["action"] };
        });
}

/** The stacks of the project: one per `Pulumi.<stack>.yaml` at the repository root. */
export function stackFiles(): string[] {
    return fs
        .readdirSync(repoRoot)
        .map((name) => /^Pulumi\.(.+)\.ya?ml$/.exec(name))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => match[1])
        .sort();
}

/** The network project's stacks: one per `network/Pulumi.<stack>.yaml`. Each is the network of the database stack of the same name. */
export function networkStackFiles(): string[] {
    const dir = path.join(repoRoot, "network");
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs
        .readdirSync(dir)
        .map((name) => /^Pulumi\.(.+)\.ya?ml$/.exec(name))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => match[1])
        .sort();
}

/**
 * The database stacks the workflows operate on: every `Pulumi.<stack>.yaml`, and the stack of every network stack
 * (whose database stack file may land separately; the tests that read it say so when it is missing).
 */
export function workflowStacks(): string[] {
    return [...new Set([...stackFiles(), ...networkStackFiles()])].sort();
}

/** Parsed `Pulumi.<stack>.yaml`. */
export function stackConfig(stack: string): Record<string, unknown> {
    const file = ["yaml", "yml"].map((ext) => path.join(repoRoot, `Pulumi.${stack}.${ext}`)).find(fs.existsSync);
    if (!file) {
        throw new Error(`No Pulumi.${stack}.yaml`);
    }
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return doc?.config ?? {};
}

export function needsOf(job: Job): string[] {
    return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Every job a job waits for, directly or through other jobs. */
export function transitiveNeeds(jobs: Record<string, Job>, id: string, seen = new Set<string>()): Set<string> {
    for (const need of needsOf(jobs[id])) {
        if (!seen.has(need)) {
            seen.add(need);
            transitiveNeeds(jobs, need, seen);
        }
    }
    return seen;
}

/** Every step of every job of every workflow, and of every composite action, with where it is. */
export function allSteps(): { where: string; step: Step }[] {
    const fromWorkflows = loadWorkflows().flatMap(({ file, workflow }) =>
        Object.entries(workflow.jobs).flatMap(([id, job]) =>
            (job.steps ?? []).map((step, i) => ({ where: `${file} jobs.${id}.steps[${i}]`, step })),
        ),
    );
    const fromActions = loadCompositeActions().flatMap(({ file, action }) =>
        action.runs.steps.map((step, i) => ({ where: `${file} runs.steps[${i}]`, step })),
    );
    return [...fromWorkflows, ...fromActions];
}

/** The workflows that another workflow calls (`on: workflow_call`), keyed by `./.github/workflows/<file>`. */
export function reusableWorkflows(): Map<string, WorkflowFile> {
    return new Map(
        loadWorkflows()
            .filter((w) => "workflow_call" in (w.workflow.on ?? {}))
            .map((w) => [`./${w.file}`, w]),
    );
}

/** The effective `permissions` of a job: its own, else the workflow's. */
export function jobPermissions(workflow: Workflow, job: Job): Record<string, string> | string | undefined {
    return job.permissions ?? workflow.permissions;
}
