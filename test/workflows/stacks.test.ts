import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { Job, loadWorkflow, loadWorkflows, networkStackFiles, repoRoot, reusableWorkflows, stackConfig, stackFiles, workflowStacks } from "./workflow-files";

const reusable = "./.github/workflows/pulumi-stack.yml";

/** The stacks a job works on: its matrix's `stack` list, or the literal `with.stack` of a reusable-workflow call. */
function stacksOf(job: Job): string[] {
    const stack = job.with?.stack;
    if (stack === "${{ matrix.stack }}" || (stack === undefined && job.strategy?.matrix?.stack !== undefined)) {
        const list = job.strategy?.matrix?.stack;
        assert.ok(Array.isArray(list), "a job that uses matrix.stack needs a literal matrix list");
        return (list as unknown[]).map(String);
    }
    assert.equal(typeof stack, "string", "with.stack must name a stack");
    return [stack as string];
}

/** The stacks each operation (`preview`, `up`, `drift`) of the reusable workflow is called for, across workflows. */
function stacksByOperation(): Map<string, string[]> {
    const byOperation = new Map<string, string[]>();
    for (const { workflow } of loadWorkflows()) {
        for (const job of Object.values(workflow.jobs)) {
            if (job.uses !== reusable) {
                continue;
            }
            const operation = String(job.with?.operation);
            byOperation.set(operation, [...(byOperation.get(operation) ?? []), ...stacksOf(job)]);
        }
    }
    return byOperation;
}

describe("workflow stacks", () => {
    const stacks = workflowStacks();

    it("the repository has stacks (Pulumi.<stack>.yaml at the root)", () => {
        assert.ok(stacks.length > 0, "no Pulumi.<stack>.yaml at the repository root");
    });

    it("previews, deploys and drift-checks exactly the stacks that exist, each once", () => {
        const byOperation = stacksByOperation();
        assert.deepEqual([...byOperation.keys()].sort(), ["drift", "preview", "up"]);
        for (const [operation, used] of byOperation) {
            assert.deepEqual([...used].sort(), stacks, `${operation}: stacks in the workflows vs Pulumi.<stack>.yaml files`);
        }
    });

    it("plans exactly the stacks that exist for pull requests from forks", () => {
        const { workflow } = loadWorkflow("pull-request.yml");
        assert.deepEqual([...stacksOf(workflow.jobs["offline-plan"])].sort(), stacks);
    });

    it("deploys each stack in the GitHub environment of the same name", () => {
        const { workflow } = loadWorkflow("deploy.yml");
        const deploys = Object.values(workflow.jobs).filter((j) => j.uses === reusable);
        for (const job of deploys) {
            assert.equal(job.with?.operation, "up");
            assert.equal(job.with?.environment, job.with?.stack, `environment of the ${String(job.with?.stack)} deploy`);
        }
    });

    it("checks every stack against its own policy config, and every config exists", () => {
        const { workflow } = reusableWorkflows().get(reusable)!;
        const steps = workflow.jobs.pulumi.steps ?? [];
        const action = steps.find((s) => s.id === "pulumi");
        assert.equal(action?.with?.policyPacks, "policies");
        const configs = String(action?.with?.policyPackConfigs);
        assert.equal(configs, "policies/config/${{ inputs.stack }}.json");
        const finish = steps.find((s) => s.name === "Finish the first deploy");
        assert.match(String(finish?.run), /--policy-pack policies --policy-pack-config "policies\/config\/\$\{STACK_NAME\}\.json"/);
        for (const stack of stackFiles()) {
            const file = path.join(repoRoot, configs.replace("${{ inputs.stack }}", stack));
            assert.ok(fs.existsSync(file), `policies/config/${stack}.json is missing`);
            assert.doesNotThrow(() => JSON.parse(fs.readFileSync(file, "utf8")), `policies/config/${stack}.json is not JSON`);
        }
    });

    it("every stack says whether its server is public, private or behind a private endpoint, which picks its runner", () => {
        const project = (parse(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { name: string }).name;
        const { text } = reusableWorkflows().get(reusable)!;
        assert.ok(
            text.includes(`.config."${project}:network".access`),
            `the runner job must read ${project}:network.access from the stack file`,
        );
        assert.match(text, /private \| private-endpoint\)/, "the runner job accepts access: private-endpoint");
        for (const stack of stackFiles()) {
            const network = stackConfig(stack)[`${project}:network`] as { access?: unknown } | undefined;
            assert.ok(
                ["public", "private", "private-endpoint"].includes(String(network?.access)),
                `Pulumi.${stack}.yaml: ${project}:network.access must be public, private or private-endpoint, is ${String(network?.access)}`,
            );
        }
    });

    it("every network stack belongs to a private database stack of the same name", (t) => {
        const missing = networkStackFiles().filter((stack) => !stackFiles().includes(stack));
        for (const stack of networkStackFiles().filter((s) => stackFiles().includes(s))) {
            const config = stackConfig(stack);
            const network = config["entra-postgres:network"] as { access?: unknown } | undefined;
            assert.notEqual(network?.access, "public", `Pulumi.${stack}.yaml: a stack with a network project stack is private`);
            // The VM's NIC joins the network's clients subnet, and a NIC is in its VNet's region.
            const networkFile = parse(fs.readFileSync(path.join(repoRoot, "network", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
            assert.equal(config["entra-postgres:location"], networkFile.config["entra-postgres-network:location"],
                `Pulumi.${stack}.yaml: entra-postgres:location must be the network's region (network/Pulumi.${stack}.yaml)`);
        }
        if (missing.length > 0) {
            t.skip(`no Pulumi.<stack>.yaml yet for network stack(s) ${missing.join(", ")}`);
        }
    });
});
