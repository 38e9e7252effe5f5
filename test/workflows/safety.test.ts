import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    Job,
    Step,
    allSteps,
    jobPermissions,
    loadCompositeActions,
    loadWorkflow,
    loadWorkflows,
    reusableWorkflows,
    transitiveNeeds,
    workflowStacks,
} from "./workflow-files";

const reusable = "./.github/workflows/pulumi-stack.yml";
/** The private key of the GitHub App that manages the organization's runner groups and network configurations. */
const appKey = "RUNNER_APP_PRIVATE_KEY";
const signIn = "./.github/actions/azure-sign-in";

function grants(permissions: Record<string, string> | string | undefined, scope: string, level: string): boolean {
    if (permissions === undefined) {
        return false;
    }
    if (typeof permissions === "string") {
        return permissions === `${level}-all`;
    }
    return permissions[scope] === level;
}

/** Steps that sign in to Azure: the composite action, or azure/login directly. */
function signsIn(steps: Step[] | undefined): boolean {
    return (steps ?? []).some((s) => s.uses === signIn || /^azure\/login@/i.test(s.uses ?? ""));
}

describe("workflow safety", () => {
    const workflows = loadWorkflows();
    const files = [...workflows.map((w) => ({ file: w.file, text: w.text })), ...loadCompositeActions()];

    it("no workflow or action uses a client secret or a credentials blob", () => {
        for (const { file, text } of files) {
            assert.doesNotMatch(text, /client[_-]?secret/i, file);
            assert.doesNotMatch(text, /AZURE_CREDENTIALS/, file);
        }
        for (const { where, step } of allSteps().filter((s) => /^azure\/login@/i.test(s.step.uses ?? ""))) {
            assert.equal(step.with?.creds, undefined, `${where}: azure/login must sign in by OIDC, not creds`);
            assert.deepEqual(Object.keys(step.with ?? {}).sort(), ["client-id", "subscription-id", "tenant-id"], where);
        }
    });

    it("passes only the Pulumi backend secrets and the runner set-up App's key, never inherits all secrets", () => {
        const allowed = new Set(["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", appKey]);
        for (const { file, text, workflow } of workflows) {
            for (const match of text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)) {
                assert.ok(allowed.has(match[1]), `${file} reads secrets.${match[1]}`);
            }
            // The App's key goes only to the action that turns it into an installation token, in a job that
            // cannot sign in to Azure.
            for (const [id, job] of Object.entries(workflow.jobs)) {
                for (const step of job.steps ?? []) {
                    if (JSON.stringify(step).includes(`secrets.${appKey}`)) {
                        assert.match(String(step.uses), /^actions\/create-github-app-token@/, `${file} jobs.${id}: ${step.name}`);
                        assert.deepEqual(step.with?.["private-key"], `\${{ secrets.${appKey} }}`);
                        assert.ok(!grants(jobPermissions(workflow, job), "id-token", "write"), `${file} jobs.${id} holds the App key and an Azure token`);
                    }
                }
            }
            for (const [id, job] of Object.entries(workflow.jobs)) {
                assert.notEqual(job.secrets, "inherit", `${file} jobs.${id}: secrets: inherit`);
            }
        }
    });

    it("signs in by OIDC with the ids from variables (AZURE_CLIENT_ID from the job's environment)", () => {
        const { workflow } = reusableWorkflows().get(reusable)!;
        const env = workflow.jobs.pulumi.env ?? {};
        assert.equal(env.ARM_USE_OIDC, "true");
        assert.equal(env.ARM_CLIENT_ID, "${{ vars.AZURE_CLIENT_ID }}");
        assert.equal(env.ARM_TENANT_ID, "${{ vars.AZURE_TENANT_ID }}");
        assert.equal(env.ARM_SUBSCRIPTION_ID, "${{ vars.AZURE_SUBSCRIPTION_ID }}");
        // The role provider's DefaultAzureCredential must reach the signed-in CLI, not a VM's managed identity.
        assert.equal(env.AZURE_TOKEN_CREDENTIALS, "dev");
        for (const step of (workflow.jobs.pulumi.steps ?? []).filter((s) => s.uses === signIn)) {
            assert.deepEqual(step.with, {
                "client-id": "${{ vars.AZURE_CLIENT_ID }}",
                "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
                "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
            });
        }
    });

    it("the sign-in action signs in by OIDC, then fetches the database token while the assertion is fresh", () => {
        const action = loadCompositeActions().find((a) => a.file === ".github/actions/azure-sign-in/action.yml");
        assert.ok(action, "the azure-sign-in composite action");
        assert.equal(action.action.runs.using, "composite");
        const [login, warm, storage, ...rest] = action.action.runs.steps;
        assert.deepEqual(rest, []);
        assert.match(String(login.uses), /^azure\/login@/);
        assert.deepEqual(login.with, {
            "client-id": "${{ inputs.client-id }}",
            "tenant-id": "${{ inputs.tenant-id }}",
            "subscription-id": "${{ inputs.subscription-id }}",
        });
        assert.equal(warm.run, "az account get-access-token --resource-type oss-rdbms --output none");
        assert.equal((warm as { shell?: string }).shell, "bash");
        assert.equal(storage.if, "startsWith(env.PULUMI_BACKEND_URL, 'azblob://')");
        assert.equal(storage.run, "az account get-access-token --resource https://storage.azure.com --output none");
    });

    it("grants only contents: read at workflow level; the called workflow sets none and inherits its caller's", () => {
        for (const { file, workflow } of workflows) {
            if ("workflow_call" in workflow.on) {
                assert.equal(workflow.permissions, undefined, `${file}: a called workflow can only narrow its caller's token`);
            } else {
                assert.deepEqual(workflow.permissions, { contents: "read" }, file);
            }
        }
    });

    it("grants id-token: write only to jobs that sign in to Azure", () => {
        const called = reusableWorkflows();
        let signingJobs = 0;
        for (const { file, workflow } of workflows) {
            for (const [id, job] of Object.entries(workflow.jobs)) {
                const where = `${file} jobs.${id}`;
                const inherits = "workflow_call" in workflow.on && job.permissions === undefined;
                if (signsIn(job.steps)) {
                    signingJobs++;
                    assert.ok(inherits || grants(job.permissions, "id-token", "write"), `${where} signs in without id-token`);
                    continue;
                }
                if (!grants(jobPermissions(workflow, job), "id-token", "write")) {
                    continue;
                }
                // A caller grants id-token only for a called workflow whose jobs sign in and inherit it.
                const target = job.uses === undefined ? undefined : called.get(job.uses);
                assert.ok(target, `${where} has id-token: write but neither signs in nor calls a workflow that does`);
                const inheritingSigners = Object.values(target.workflow.jobs).filter(
                    (j) => j.permissions === undefined && signsIn(j.steps),
                );
                assert.ok(inheritingSigners.length > 0, `${where}: ${job.uses} has no job that signs in with the caller's token`);
            }
        }
        assert.ok(signingJobs > 0, "no job signs in to Azure");
    });

    it("every caller of the shared workflow grants id-token, and only a preview also grants pull-requests", () => {
        for (const { file, workflow } of workflows) {
            for (const [id, job] of Object.entries(workflow.jobs).filter(([, j]) => j.uses === reusable)) {
                const expected: Record<string, string> = { contents: "read", "id-token": "write" };
                if (job.with?.operation === "preview") {
                    expected["pull-requests"] = "write";
                }
                assert.deepEqual(job.permissions, expected, `${file} jobs.${id}`);
            }
        }
        const { workflow } = reusableWorkflows().get(reusable)!;
        assert.deepEqual(workflow.jobs.runner.permissions, { contents: "read" }, "the runner job narrows the token");
    });

    it("every pull request gets the offline plan first: no credentials, no secrets, no self-hosted runner; previews only for branches", () => {
        const { workflow } = loadWorkflow("pull-request.yml");
        const fork = "github.event.pull_request.head.repo.fork";
        assert.equal(workflow.jobs.preview.if, `\${{ !${fork} }}`);
        assert.deepEqual(workflow.jobs.preview.needs, ["test", "offline-plan"], "a preview waits for the offline plan");
        const offline = workflow.jobs["offline-plan"];
        assert.equal(offline.if, undefined, "forks and branches alike");
        assert.deepEqual(offline.permissions, { contents: "read" });
        assert.equal(offline["runs-on"], "ubuntu-latest");
        const text = JSON.stringify(offline);
        assert.doesNotMatch(text, /secrets\.|vars\.|azure\/login|azure-sign-in/);
        const plan = (offline.steps ?? []).find((s) => s.id === "plan");
        // JSON, which the trusted comment workflow validates, against the base branch's plan.
        assert.match(String(plan?.run), /npm run --silent plan -- --stack "\$STACK" --format json --base offline-plan\/base\.json >offline-plan\/plan\.json/);
        const base = (offline.steps ?? []).find((s) => /base branch/.test(s.name ?? "") && s.run !== undefined);
        assert.match(String(base?.run), /cd base\n/);
        assert.match(String(base?.run), /--format json >\.\.\/offline-plan\/base\.json/);
        const baseCheckout = (offline.steps ?? []).find((s) => /^actions\/checkout@/.test(s.uses ?? "") && s.with?.path === "base");
        assert.equal(baseCheckout?.with?.ref, "${{ github.event.pull_request.base.sha }}");
        assert.ok(!("pull_request_target" in workflow.on), "pull_request_target would run fork code with a write token");
        for (const { file, workflow: w } of workflows) {
            assert.ok(!("pull_request_target" in w.on), file);
        }
    });

    it("the offline plan comment runs the base repository's code and reads the fork's run only as data", () => {
        const { workflow } = loadWorkflow("offline-plan-comment.yml");
        const on = workflow.on.workflow_run as { workflows: string[] };
        assert.deepEqual(on.workflows, [loadWorkflow("pull-request.yml").workflow.name]);
        const job = workflow.jobs.comment;
        assert.deepEqual(job.permissions, { contents: "read", actions: "read", "pull-requests": "write" });
        const checkout = (job.steps ?? []).find((s) => /^actions\/checkout@/.test(s.uses ?? ""));
        assert.deepEqual(checkout?.with, { "persist-credentials": false }, "no ref: the base repository's default branch");
        const download = (job.steps ?? []).find((s) => /^actions\/download-artifact@/.test(s.uses ?? ""));
        assert.equal(download?.with?.["run-id"], "${{ github.event.workflow_run.id }}");
        assert.ok(!(job.steps ?? []).some((s) => s.run !== undefined), "no shell step runs anything from the artifacts");
    });

    it("deploys prod only after dev, and both only after the tests", () => {
        const { workflow } = loadWorkflow("deploy.yml");
        assert.deepEqual(Object.keys((workflow.on as { push: unknown }).push as object), ["branches"]);
        assert.deepEqual((workflow.on.push as { branches: string[] }).branches, ["main"]);
        assert.ok(transitiveNeeds(workflow.jobs, "prod").has("dev"), "prod must need dev");
        assert.ok(transitiveNeeds(workflow.jobs, "dev").has("test"), "dev must need test");
        assert.ok(!transitiveNeeds(workflow.jobs, "dev").has("prod"));
    });

    it("deploy and drift of one stack share one concurrency group, never cancelled; stacks do not share", () => {
        const groupOf = (where: string, job: Job): string => {
            const c = job.concurrency;
            assert.ok(c !== undefined && typeof c === "object", `${where}: concurrency`);
            assert.equal(c["cancel-in-progress"], false, `${where}: cancel-in-progress`);
            return String(c.group);
        };
        const deploy = loadWorkflow("deploy.yml").workflow;
        const deployGroups = new Map<string, string>();
        for (const [id, job] of Object.entries(deploy.jobs).filter(([, j]) => j.uses === reusable)) {
            deployGroups.set(String(job.with?.stack), groupOf(`deploy.yml jobs.${id}`, job));
        }
        assert.equal(deployGroups.size, workflowStacks().length);
        assert.equal(new Set(deployGroups.values()).size, deployGroups.size, "one group per stack");
        const drift = loadWorkflow("drift.yml").workflow.jobs.drift;
        const driftGroup = groupOf("drift.yml jobs.drift", drift);
        for (const stack of (drift.strategy?.matrix?.stack as string[])) {
            assert.equal(driftGroup.replace("${{ matrix.stack }}", stack), deployGroups.get(stack), `drift of ${stack} waits for its deploy and the other way round`);
        }
    });

    it("the drift check fails on any change and reports it", () => {
        const { workflow } = reusableWorkflows().get(reusable)!;
        const action = (workflow.jobs.pulumi.steps ?? []).find((s) => s.id === "pulumi");
        assert.equal(action?.with?.["expect-no-changes"], "${{ inputs.operation == 'drift' }}");
        assert.equal(action?.with?.refresh, "${{ inputs.operation != 'preview' }}", "drift and up refresh");
        assert.equal(action?.with?.command, "${{ inputs.operation == 'up' && 'up' || 'preview' }}");
        const drift = loadWorkflow("drift.yml").workflow;
        assert.ok("schedule" in drift.on);
        assert.equal(drift.jobs.report.if, "failure()");
        assert.deepEqual(drift.jobs.report.needs, "drift");
        assert.deepEqual(drift.jobs.report.permissions, { contents: "read", issues: "write" });
    });

    it("opens the runner's firewall rule before Pulumi runs and always removes it", () => {
        const { workflow } = reusableWorkflows().get(reusable)!;
        const steps = workflow.jobs.pulumi.steps ?? [];
        const index = (pred: (s: Step) => boolean) => steps.findIndex(pred);
        const open = index((s) => s.id === "firewall");
        const pulumi = index((s) => s.id === "pulumi");
        const close = index((s) => /runner-firewall-rule\.sh close$/.test(s.run ?? ""));
        assert.ok(open >= 0 && pulumi > open && close > pulumi, "open, pulumi, close in that order");
        assert.equal(steps[open].if, "needs.runner.outputs.access == 'public' && inputs.operation != 'preview'");
        assert.equal(steps[close].if, "always()");
        assert.equal(close, steps.length - 1, "the removal is the last step");
        const resignIn = steps[close - 1];
        assert.equal(resignIn.uses, signIn);
        assert.match(String(resignIn.if), /^always\(\) && /);
        // Only the first deploy of a public stack may fail softly, and then it is finished or failed explicitly.
        assert.equal(steps[pulumi]["continue-on-error"], "${{ inputs.operation == 'up' && steps.firewall.outputs.opened == 'false' }}");
        assert.ok(steps.some((s) => s.if === "steps.pulumi.outcome == 'failure' && steps.firewall-after-create.outputs.opened != 'true'" && /exit 1/.test(s.run ?? "")));
    });

    it("runs private stacks in their network (runner group, else self-hosted runner) and public ones on a hosted runner", () => {
        const { workflow } = reusableWorkflows().get(reusable)!;
        assert.equal(workflow.jobs.pulumi["runs-on"], "${{ fromJSON(needs.runner.outputs.labels) }}");
        const pick = String((workflow.jobs.runner.steps ?? []).find((s) => s.id === "network")?.run);
        assert.match(pick, /public\) labels='\["ubuntu-latest"\]'/);
        // Private stacks always by runner group (the group admits this workflow on main only), the self-hosted one
        // with its labels too; see private-deploy.test.ts for the values.
        assert.match(pick, /private \| private-endpoint\)\n(\s+#.*\n)*\s+if \[ -f "network\/Pulumi\.\$\{STACK\}\.yaml" \]; then\n\s+labels="\{\\"group\\":\\"entra-postgres-\$\{STACK\}\\"\}"\n\s+else\n\s+labels="\{\\"group\\":\\"entra-postgres-\$\{STACK\}\\",\\"labels\\":\[\\"self-hosted\\",\\"entra-postgres-\$\{STACK\}\\"\]\}"\n\s+fi/);
    });

    it("pins every action to a full commit SHA, with its version in a comment", () => {
        let pinned = 0;
        for (const { file, text } of files) {
            for (const line of text.split("\n")) {
                const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
                if (!m || m[1].startsWith("./")) continue;
                assert.match(m[1], /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/, `${file}: ${line.trim()}`);
                assert.match(m[2], /^ # v\d+\.\d+\.\d+$/, `${file}: ${line.trim()} names its version`);
                pinned++;
            }
        }
        assert.ok(pinned > 10);
        // One version of each action everywhere.
        const byAction = new Map<string, Set<string>>();
        for (const { text } of files) {
            for (const m of text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g)) {
                byAction.set(m[1], (byAction.get(m[1]) ?? new Set()).add(m[2]));
            }
        }
        for (const [action, shas] of byAction) assert.equal(shas.size, 1, `${action} is pinned to one commit`);
    });

    it("identities: previews run in the preview environment, deploys and drift checks in their stack's own", () => {
        const calls: { where: string; job: Job }[] = [];
        for (const { file, workflow } of workflows) {
            for (const [id, job] of Object.entries(workflow.jobs).filter(([, j]) => j.uses === reusable)) {
                calls.push({ where: `${file} jobs.${id}`, job });
            }
        }
        assert.ok(calls.length >= 4);
        for (const { where, job } of calls) {
            const operation = String(job.with?.operation);
            const environment = String(job.with?.environment);
            if (operation === "preview") {
                assert.equal(environment, "preview", where);
            } else {
                const stack = String(job.with?.stack);
                assert.equal(environment, stack, `${where}: ${operation} runs in the stack's own environment`);
            }
        }
        const { workflow, text } = reusableWorkflows().get(reusable)!;
        assert.deepEqual((workflow.on.workflow_call as any).inputs.environment.required, true, "no job without an environment");
        assert.equal(workflow.jobs.pulumi.environment, "${{ inputs.environment }}");
        // The called workflow itself refuses an environment that does not match the operation.
        const pick = String((workflow.jobs.runner.steps ?? []).find((s) => s.id === "network")?.run);
        assert.match(pick, /preview\) expected=preview ;;/);
        assert.match(pick, /up \| drift\) expected="\$STACK" ;;/);
        assert.match(pick, /if \[ "\$ENVIRONMENT" != "\$expected" \]; then/);
        assert.doesNotMatch(text, /AZURE_PREVIEW|AZURE_CLIENT_ID_/, "one variable name; each environment sets its own value");
    });

    it("drift checks run only from main", () => {
        const drift = loadWorkflow("drift.yml").workflow.jobs.drift;
        assert.equal(drift.if, "github.ref == 'refs/heads/main'");
        assert.equal(drift.with?.environment, "${{ matrix.stack }}");
    });

    it("pull request previews neither refresh nor open the firewall, and run on a hosted runner", () => {
        const { workflow } = reusableWorkflows().get(reusable)!;
        const action = (workflow.jobs.pulumi.steps ?? []).find((s) => s.id === "pulumi");
        assert.equal(action?.with?.refresh, "${{ inputs.operation != 'preview' }}");
        const pick = String((workflow.jobs.runner.steps ?? []).find((s) => s.id === "network")?.run);
        assert.match(pick, /if \[ "\$OPERATION" = preview \]; then\n\s+labels='\["ubuntu-latest"\]'\n\s*fi/);
    });

    it("secrets only in the steps that run the Pulumi CLI: never at job level, never in npm ci", () => {
        for (const { file, workflow } of workflows) {
            for (const [id, job] of Object.entries(workflow.jobs)) {
                assert.doesNotMatch(JSON.stringify(job.env ?? {}), /secrets\./, `${file} jobs.${id}: secrets in the job's environment`);
                for (const step of job.steps ?? []) {
                    const usesSecrets = /secrets\./.test(JSON.stringify(step));
                    if (/npm (ci|install)/.test(step.run ?? "")) {
                        assert.equal(usesSecrets, false, `${file} jobs.${id}: ${step.name} installs packages with secrets`);
                    }
                    if (usesSecrets && /^actions\/create-github-app-token@/.test(step.uses ?? "")) {
                        continue;
                    }
                    if (usesSecrets) {
                        const runsPulumi = /^pulumi\/actions@/.test(step.uses ?? "") || /pulumi |runner-firewall-rule\.sh open/.test(step.run ?? "");
                        assert.ok(runsPulumi, `${file} jobs.${id}: ${step.name} gets secrets but runs no Pulumi CLI`);
                        assert.deepEqual(Object.keys(step.env ?? {}).filter((k) => /secrets\./.test(String(step.env![k]))).sort(),
                            ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"], `${file} jobs.${id}: ${step.name}`);
                    }
                }
            }
        }
    });

    it("checks out without leaving the token in the git config", () => {
        for (const { where, step } of allSteps().filter((s) => /^actions\/checkout@/.test(s.step.uses ?? ""))) {
            assert.equal(step.with?.["persist-credentials"], false, where);
        }
    });
});
