/**
 * `npm run plan -- --stack <name> [--config <file>] [--format text|markdown|json]`
 *
 * Runs the real program offline with a stack's settings (Azure replaced by mocks, as in a preview: values
 * Azure computes stay unknown), prints the resource tree with what a reviewer cares about, and runs every
 * policy of the pack with that stack's enforcement. Exit code: 0 all mandatory policies pass, 1 a mandatory
 * policy failed, 2 the settings or the program are invalid. Works right after `npm ci`, with no credentials.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { allPolicies, evaluatePolicies, loadPolicyConfig } from "../policies/evaluate";
import { setTokenSource } from "../components/testing";
import { listStacks, loadStackConfig, recordIndex } from "./record";
import { buildPlan, Plan, renderJson, renderMarkdown, renderText } from "./render";

export type PlanFormat = "text" | "markdown" | "json";

export interface PlanOptions {
    stack: string;
    /** A stack settings file in the `Pulumi.<stack>.yaml` format; default: the stack's own. */
    configFile?: string;
}

/** Records the program in preview mode and evaluates the pack. Throws what the program throws. */
export async function makePlan(options: PlanOptions): Promise<Plan> {
    // In sovereign clouds the program asks for a database token; offline there is none to ask for.
    // The value is a secret and is never shown, so a stand-in changes nothing the plan reports.
    setTokenSource(async () => ({ token: "offline-plan-has-no-token", expiresOnTimestamp: Date.now() + 3_600_000 }));
    const recording = await recordIndex({
        stack: options.stack,
        config: loadStackConfig(options.stack, options.configFile),
        preview: true,
    });
    setTokenSource(undefined);
    if (recording.error) {
        throw recording.error;
    }
    const violations = await evaluatePolicies(recording.resources, { config: loadPolicyConfig(options.stack), stack: options.stack });
    return buildPlan(options.stack, recording.resources, violations, allPolicies.length);
}

export function render(plan: Plan, format: PlanFormat): string {
    return format === "json" ? renderJson(plan) : format === "markdown" ? renderMarkdown(plan) : renderText(plan);
}

const usage = "Usage: npm run plan -- --stack <name> [--config <Pulumi.<stack>.yaml file>] [--format text|markdown|json]";

export async function main(argv: string[]): Promise<number> {
    let values: { stack?: string; config?: string; format?: string; help?: boolean };
    try {
        values = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s" },
                config: { type: "string", short: "c" },
                format: { type: "string", short: "f", default: "text" },
                help: { type: "boolean", short: "h" },
            },
        }).values;
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n${usage}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${usage}\n`);
        return 0;
    }
    const format = values.format as PlanFormat;
    if (!["text", "markdown", "json"].includes(format)) {
        process.stderr.write(`--format must be text, markdown or json, not "${values.format}".\n${usage}\n`);
        return 2;
    }
    const stack = values.stack ?? (values.config ? /Pulumi\.(.+)\.yaml$/.exec(path.basename(values.config))?.[1] : undefined);
    if (!stack) {
        process.stderr.write(`Name a stack (${listStacks().join(", ")}) with --stack, or a Pulumi.<stack>.yaml file with --config.\n${usage}\n`);
        return 2;
    }
    let plan: Plan;
    try {
        plan = await makePlan({ stack, configFile: values.config ? path.resolve(values.config) : undefined });
    } catch (err) {
        process.stderr.write(`The program did not run for stack ${stack}:\n${err instanceof Error ? err.message : String(err)}\n`);
        return 2;
    }
    process.stdout.write(render(plan, format));
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
