/**
 * `npm run plan -- --stack <name> [--config <file>] [--base <plan.json>] [--format text|markdown|json]`
 *
 * Runs the real program offline with a stack's settings (Azure replaced by mocks, as in a preview: values
 * Azure computes stay unknown), prints the resource tree with what a reviewer cares about, and runs every
 * policy of the pack with that stack's enforcement. Exit code: 0 all mandatory policies pass, 1 a mandatory
 * policy failed, 2 the settings or the program are invalid. Works right after `npm ci`, with no credentials.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { allPolicies, evaluatePolicies, loadPolicyConfig, resolvePolicyConfig } from "./analyzer";
import { findPlaceholders } from "./placeholders";
import { listStacks, loadStack } from "./engine/configEncoding";
import { projectName, projectRoot } from "./engine/project";
import { recordIndex } from "./engine/recorder";
import { planSettings } from "./inputs";
import { buildPlan, diffPlans, Plan, renderJson, renderMarkdown, renderText } from "./render";
import { settingFor } from "./settings";
import { copiedServerName, environmentNote, readStackFile, redactStandIns, StackFileError } from "./engine/stackFile";

export type PlanFormat = "text" | "markdown" | "json";

export interface PlanOptions {
    stack: string;
    /** A stack settings file in the `Pulumi.<stack>.yaml` format; default: the stack's own. */
    configFile?: string;
    /** The parsed content of a stack settings file, instead of a file (tests). */
    document?: unknown;
    /** The plan of the base branch (`--base`): the result then lists what changed. */
    base?: Plan;
    /** `false`: leave the pack out (tests of the diff alone); the plan then reports no policy evaluated. */
    policies?: boolean;
}

/** Thrown when the program did not run; `notes` say what the plan could not read (secrets, environments). */
export class PlanError extends Error {
    constructor(readonly cause: unknown, readonly notes: string[], readonly redactText: (text: string) => string) {
        super(redactText(cause instanceof Error ? cause.message : String(cause)));
        this.name = cause instanceof Error ? cause.name : "PlanError";
    }
}

/** Records the program in preview mode and evaluates the pack. Throws a {@link PlanError} when the program throws. */
export async function makePlan(options: PlanOptions): Promise<Plan> {
    const stack = loadStack(options.stack, options.configFile, options.document);
    const redact = (text: string) => redactStandIns(text, stack.standIns);
    const notes: string[] = [];
    const stackFile = readStackFile(stack.file, options.document);
    const copied = copiedServerName(options.stack, stack.file, stackFile.config, projectName, [projectRoot, path.dirname(stack.file)]);
    if (copied) {
        notes.push(copied);
    }
    if (stack.environments.length > 0) {
        notes.push(environmentNote(stack.file, stack.environments));
    }
    if (stack.standIns.size > 0) {
        notes.push(`${[...stack.standIns.values()].join(", ")} ${stack.standIns.size === 1 ? "is a secret" : "are secrets"} (secure:) that cannot be decrypted offline: the plan stands in a value of the right shape and shows it as [secret]; checks of ${stack.standIns.size === 1 ? "its" : "their"} real value happen at pulumi preview.`);
    }
    // The program asks for no token in any cloud (grants and roles sign in when they are applied), so the plan
    // runs without a credential (test/program/access.test.ts, "sovereign clouds").
    const recording = await recordIndex({ stack: options.stack, config: stack.config, secretKeys: stack.secretKeys, preview: true });
    if (recording.error) {
        throw new PlanError(recording.error, notes, redact);
    }
    const policyFile = path.join(projectRoot, "policies", "config", `${options.stack}.json`);
    const policyConfig = loadPolicyConfig(options.stack);
    const hasPolicyFile = fs.existsSync(policyFile);
    const defaults: Record<string, number> = {};
    if (!hasPolicyFile) {
        for (const { enforcementLevel } of resolvePolicyConfig(allPolicies, {}).values()) {
            defaults[enforcementLevel] = (defaults[enforcementLevel] ?? 0) + 1;
        }
    }
    const evaluate = options.policies ?? true;
    const violations = evaluate ? await evaluatePolicies(recording.resources, { config: policyConfig, stack: options.stack }) : [];
    const plan = buildPlan(options.stack, recording.resources, violations, evaluate ? allPolicies.length : 0, {
        notes,
        placeholders: findPlaceholders(stackFile.config),
        settings: planSettings(stackFile.config, redact),
        policyConfigFile: hasPolicyFile ? path.relative(projectRoot, policyFile) : null,
        policyDefaults: hasPolicyFile ? undefined : defaults,
        redact,
        settingFor: (policyName) => settingFor(policyName, options.stack),
    });
    if (options.base) {
        plan.diff = await diffPlans(options.base, plan);
    }
    return plan;
}

export function render(plan: Plan, format: PlanFormat): string {
    return format === "json" ? renderJson(plan) : format === "markdown" ? renderMarkdown(plan) : renderText(plan);
}

const usage = "Usage: npm run plan -- --stack <name> [--config <Pulumi.<stack>.yaml file>] [--base <plan JSON of the base branch>] [--format text|markdown|json]";

/** What `--format json` writes on standard output when the plan cannot be made (exit code 2). */
export interface PlanFailure {
    ok: false;
    stack?: string;
    error: {
        /** `usage`: the command line; `base`: the --base file; `yaml`: a stack file's syntax; `config`: the settings; `program`: anything else the program threw. */
        kind: "usage" | "base" | "yaml" | "config" | "program";
        message: string;
        file?: string;
        line?: number;
        column?: number;
        /** Each invalid setting, by key (a `ConfigError`). */
        problems?: { key: string; message: string }[];
    };
    notes: string[];
}

/** A failure as JSON: the kind, the message, and where the error names it, the file, line and column or the keys. */
export function planFailure(err: unknown, stack: string | undefined, kind?: PlanFailure["error"]["kind"]): PlanFailure {
    const cause = err instanceof PlanError ? err.cause : err;
    const message = err instanceof Error ? err.message : String(err);
    const problems = (cause as { problems?: unknown })?.problems;
    const error: PlanFailure["error"] = {
        kind: kind ?? (cause instanceof StackFileError ? "yaml" : Array.isArray(problems) ? "config" : "program"),
        message,
    };
    if (cause instanceof StackFileError) {
        Object.assign(error, { file: cause.file, ...(cause.line !== undefined ? { line: cause.line, column: cause.column } : {}) });
    }
    if (Array.isArray(problems) && err instanceof PlanError) {
        // The message is redacted already; the problems are shown through the same filter.
        error.problems = problems.map((p: { key: string; message: string }) => ({ key: p.key, message: err.redactText(p.message) }));
    }
    return { ok: false, ...(stack ? { stack } : {}), error, notes: err instanceof PlanError ? err.notes : [] };
}

/** Where `main` writes: the process's streams, or a test's. */
export interface PlanIo {
    stdout: { write(text: string, done?: () => void): unknown };
    stderr: { write(text: string): unknown };
}

export async function main(argv: string[], io: PlanIo = process): Promise<number> {
    let values: { stack?: string; config?: string; base?: string; format?: string; help?: boolean };
    const wantsJson = argv.some((a, i) => a === "--format=json" || a === "-f=json" || ((a === "--format" || a === "-f") && argv[i + 1] === "json"));
    /** Exit code 2 with the message on standard error, and with --format json also as a JSON document on standard output. */
    const fail = async (text: string, failure: PlanFailure): Promise<number> => {
        io.stderr.write(text);
        if (wantsJson) {
            await new Promise<void>((resolve) => io.stdout.write(`${JSON.stringify(failure, null, 2)}\n`, () => resolve()));
        }
        return 2;
    };
    try {
        values = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s" },
                config: { type: "string", short: "c" },
                base: { type: "string", short: "b" },
                format: { type: "string", short: "f", default: "text" },
                help: { type: "boolean", short: "h" },
            },
        }).values;
    } catch (err) {
        return fail(`${(err as Error).message}\n${usage}\n`, planFailure(err, undefined, "usage"));
    }
    if (values.help) {
        io.stdout.write(`${usage}\n`);
        return 0;
    }
    const format = values.format as PlanFormat;
    if (!["text", "markdown", "json"].includes(format)) {
        io.stderr.write(`--format must be text, markdown or json, not "${values.format}".\n${usage}\n`);
        return 2;
    }
    const stack = values.stack ?? (values.config ? /Pulumi\.(.+)\.yaml$/.exec(path.basename(values.config))?.[1] : undefined);
    if (!stack) {
        const message = `Name a stack (${listStacks().join(", ")}) with --stack, or a Pulumi.<stack>.yaml file with --config.`;
        return fail(`${message}\n${usage}\n`, planFailure(new Error(message), undefined, "usage"));
    }
    let base: Plan | undefined;
    if (values.base) {
        try {
            base = JSON.parse(fs.readFileSync(path.resolve(values.base), "utf8")) as Plan;
            if (!base || typeof base !== "object" || !Array.isArray(base.tree)) {
                throw new Error((base as { ok?: unknown })?.ok === false ? "it is the JSON of a failed plan (its error field says why)" : "it is not a plan (no tree)");
            }
        } catch (err) {
            const message = `--base ${values.base} is not the JSON of a plan (npm run plan -- --format json): ${err instanceof Error ? err.message : String(err)}`;
            return fail(`${message}\n`, { ok: false, stack, error: { kind: "base", message, file: values.base }, notes: [] });
        }
    }
    let plan: Plan;
    try {
        plan = await makePlan({ stack, configFile: values.config ? path.resolve(values.config) : undefined, base });
    } catch (err) {
        const notes = err instanceof PlanError ? err.notes.map((n) => `NOTE: ${n}\n`).join("") : "";
        return fail(`${notes}The program did not run for stack ${stack}:\n${err instanceof Error ? err.message : String(err)}\n`, planFailure(err, stack));
    }
    // Wait until the output is written: the caller exits the process, which would cut a piped output short.
    await new Promise<void>((resolve) => io.stdout.write(render(plan, format), () => resolve()));
    return plan.ok ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
            process.exit(2);
        },
    );
}
