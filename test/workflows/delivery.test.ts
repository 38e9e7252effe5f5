import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Job, Workflow, loadWorkflow, loadWorkflows, networkStackFiles, repoRoot, reusableWorkflows, stackConfig, stackFiles } from "./workflow-files";

/**
 * The workflows against .github/delivery.json, the settings no workflow file can enforce: which environment each
 * job enters, which secrets it can read there, what code runs with them, and which runner group it may take.
 */

interface Delivery {
    repositorySecrets: string[];
    environments: { name: string; deploymentBranches: "all" | string[]; requiredReviewers: boolean; preventSelfReview?: boolean; secrets: Record<string, { access: string }>; variables: string[] }[];
    runnerGroups: { name: string; stack: string; runners: "self-hosted" | "github-hosted"; registration: string; workflows: string[] }[];
}
const delivery = JSON.parse(fs.readFileSync(path.join(repoRoot, ".github", "delivery.json"), "utf8")) as Delivery;
const environment = (name: string) => delivery.environments.find((e) => e.name === name);

/** What one job can reach: its environment, the secrets its steps (or, for a called workflow, its caller) hand it, an OIDC token. */
interface Reach {
    where: string;
    environment?: string;
    secrets: string[];
    idToken: boolean;
}

const secretNames = (value: unknown): string[] => [...JSON.stringify(value ?? {}).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
const grantsIdToken = (p: Job["permissions"]) => (typeof p === "string" ? p === "write-all" : p?.["id-token"] === "write");

/** Every job a workflow runs, a called workflow's jobs expanded with the caller's inputs and secrets. */
function reach(file: string, workflow: Workflow): Reach[] {
    const out: Reach[] = [];
    for (const [id, job] of Object.entries(workflow.jobs)) {
        if (job.uses) {
            const called = reusableWorkflows().get(job.uses);
            assert.ok(called, `${file} jobs.${id} calls ${job.uses}`);
            const passed = typeof job.secrets === "object" ? Object.keys(job.secrets) : [];
            // A caller matrix over stacks (drift.yml) enters one environment per stack.
            const given = String(job.with?.environment);
            const stacks = given.includes("${{ matrix.stack }}") ? (job.strategy?.matrix?.stack as string[]) : [undefined];
            for (const stack of stacks) {
                for (const [calledId, calledJob] of Object.entries(called.workflow.jobs)) {
                    const input = stack === undefined ? given : given.replace("${{ matrix.stack }}", stack);
                    const env = typeof calledJob.environment === "string" ? calledJob.environment.replace("${{ inputs.environment }}", input) : undefined;
                    const used = secretNames(calledJob).filter((s) => passed.includes(s));
                    out.push({
                        where: `${file} jobs.${id}${stack === undefined ? "" : ` (${stack})`} → ${called.file} jobs.${calledId}`,
                        environment: env,
                        secrets: [...new Set(used)].sort(),
                        idToken: calledJob.permissions === undefined ? grantsIdToken(job.permissions) : grantsIdToken(calledJob.permissions),
                    });
                }
            }
        } else {
            out.push({
                where: `${file} jobs.${id}`,
                environment: typeof job.environment === "string" ? job.environment : undefined,
                secrets: [...new Set(secretNames(job))].sort(),
                idToken: grantsIdToken(job.permissions ?? workflow.permissions),
            });
        }
    }
    return out;
}

describe("what a pull request's own code can reach", () => {
    const { file, workflow } = loadWorkflow("pull-request.yml");
    const jobs = reach(file, workflow);

    it("each job that checks out pull-request code, with its environment, secrets and OIDC token", () => {
        assert.deepEqual(jobs.map(({ where, environment: env, secrets, idToken }) => [where, env ?? "none", secrets.join(" ") || "none", idToken]), [
            [".github/workflows/pull-request.yml jobs.test", "none", "none", false],
            [".github/workflows/pull-request.yml jobs.preview → .github/workflows/pulumi-stack.yml jobs.runner", "none", "none", false],
            [".github/workflows/pull-request.yml jobs.preview → .github/workflows/pulumi-stack.yml jobs.pulumi", "preview", "PULUMI_ACCESS_TOKEN PULUMI_CONFIG_PASSPHRASE", true],
            [".github/workflows/pull-request.yml jobs.offline-plan", "none", "none", false],
        ]);
    });

    it("nothing that can deploy, write or decrypt state runs before a maintainer approved: only in an environment with required reviewers", () => {
        for (const job of jobs.filter((j) => j.secrets.length > 0 || j.idToken)) {
            const env = environment(String(job.environment));
            assert.ok(env, `${job.where} enters a declared environment`);
            assert.equal(env.requiredReviewers, true, `${job.where}: ${env.name} requires reviewers`);
            assert.equal(env.preventSelfReview, true, `${job.where}: the author cannot approve their own run`);
            for (const secret of job.secrets) {
                assert.ok(secret in env.secrets, `${job.where}: ${secret} is one of ${env.name}'s secrets`);
                assert.notEqual(env.secrets[secret].access, "write", `${job.where}: ${secret} in ${env.name} cannot write state or deploy`);
            }
        }
        // Forks get no secrets at all from GitHub (and no preview job); their offline plan runs with none.
        assert.equal(workflow.jobs.preview.if, "${{ !github.event.pull_request.head.repo.fork }}");
    });

    it("a pull request's workflow is never triggered with the base repository's secrets (pull_request_target, workflow_run on its code)", () => {
        for (const w of loadWorkflows()) {
            assert.ok(!("pull_request_target" in w.workflow.on), w.file);
            if ("workflow_run" in w.workflow.on) {
                for (const [id, job] of Object.entries(w.workflow.jobs)) {
                    for (const step of (job.steps ?? []).filter((s) => /^actions\/checkout@/.test(s.uses ?? ""))) {
                        assert.equal(step.with?.ref, undefined, `${w.file} jobs.${id} checks out the base repository's code only`);
                    }
                }
            }
        }
    });
});

describe("secrets live in environments only, as .github/delivery.json declares them", () => {
    const all = loadWorkflows().flatMap((w) => ("workflow_call" in w.workflow.on ? [] : reach(w.file, w.workflow)));

    it("no repository or organization secret: any branch's workflow could read it", () => {
        assert.deepEqual(delivery.repositorySecrets, []);
    });

    it("every job that reads a secret runs in an environment that declares it", () => {
        for (const job of all.filter((j) => j.secrets.length > 0)) {
            const env = environment(String(job.environment));
            assert.ok(env, `${job.where} reads ${job.secrets.join(", ")} outside an environment`);
            for (const secret of job.secrets) assert.ok(secret in env.secrets, `${job.where}: ${env.name} declares ${secret}`);
        }
        assert.ok(all.filter((j) => j.secrets.length > 0).length >= 6);
    });

    it("every environment the workflows enter is declared, and every declared one is used", () => {
        const used = new Set(all.map((j) => j.environment).filter((e): e is string => e !== undefined));
        assert.deepEqual([...used].sort(), delivery.environments.map((e) => e.name).sort());
    });

    it("only the preview environment admits other branches than main; prod's runs are approved", () => {
        for (const env of delivery.environments) {
            if (env.name === "preview") assert.equal(env.deploymentBranches, "all");
            else assert.deepEqual(env.deploymentBranches, ["main"], env.name);
        }
        assert.equal(environment("prod")?.requiredReviewers, true);
        // Deploy-grade secrets only where main alone can enter.
        for (const env of delivery.environments.filter((e) => Object.values(e.secrets).some((s) => s.access === "write"))) {
            assert.deepEqual(env.deploymentBranches, ["main"], `${env.name} holds a write secret`);
        }
    });
});

describe("runner groups: only the deploy workflow on main", () => {
    const pulumiStack = ".github/workflows/pulumi-stack.yml@refs/heads/main";

    it("the only job not on a fresh GitHub-hosted runner is pulumi-stack.yml's pulumi job", () => {
        for (const { file, workflow } of loadWorkflows()) {
            for (const [id, job] of Object.entries(workflow.jobs).filter(([, j]) => j["runs-on"] !== undefined)) {
                if (file === ".github/workflows/pulumi-stack.yml" && id === "pulumi") continue;
                assert.equal(job["runs-on"], "ubuntu-latest", `${file} jobs.${id}`);
            }
        }
    });

    it("it takes a group's runners only for up and drift, called from main: deploy.yml on push to main, drift.yml from main", () => {
        for (const { file, workflow } of loadWorkflows()) {
            for (const [id, job] of Object.entries(workflow.jobs).filter(([, j]) => j.uses === "./.github/workflows/pulumi-stack.yml")) {
                const operation = String(job.with?.operation);
                if (operation === "preview") continue; // always ubuntu-latest (private-deploy.test.ts)
                if (file === ".github/workflows/deploy.yml") {
                    assert.deepEqual(workflow.on, { push: { branches: ["main"] } }, `${file} jobs.${id}`);
                } else {
                    assert.equal(file, ".github/workflows/drift.yml", `${file} jobs.${id} runs ${operation}`);
                    assert.equal(job.if, "github.ref == 'refs/heads/main'");
                }
            }
        }
    });

    it("each private stack has its runner group declared, restricted to pulumi-stack.yml on main; self-hosted ones register ephemeral runners", () => {
        const privateStacks = stackFiles().filter((s) => {
            const network = stackConfig(s)["entra-postgres:network"] as { access?: string } | undefined;
            return network?.access === "private" || network?.access === "private-endpoint";
        });
        assert.deepEqual(delivery.runnerGroups.map((g) => g.stack).sort(), privateStacks.sort());
        for (const group of delivery.runnerGroups) {
            assert.equal(group.name, `entra-postgres-${group.stack}`);
            assert.deepEqual(group.workflows, [pulumiStack], group.name);
            assert.equal(group.runners, networkStackFiles().includes(group.stack) ? "github-hosted" : "self-hosted", group.name);
            if (group.runners === "self-hosted") assert.equal(group.registration, "ephemeral", group.name);
        }
    });
});

describe("the Pulumi CLI is one exact version, installed and checked by the job itself", () => {
    const version = fs.readFileSync(path.join(repoRoot, ".github", "pulumi-version"), "utf8").trim();

    it("the version is the lockfile's @pulumi/pulumi", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8"));
        assert.equal(version, lock.packages["node_modules/@pulumi/pulumi"].version);
    });

    it("every pulumi/actions step runs a command with that version; the job installed it before", () => {
        let steps = 0;
        for (const { file, workflow } of loadWorkflows()) {
            for (const [id, job] of Object.entries(workflow.jobs)) {
                const list = job.steps ?? [];
                const install = list.findIndex((s) => s.run === "bash .github/scripts/install-pulumi-cli.sh");
                list.forEach((step, i) => {
                    const usesCli = /^pulumi\/actions@/.test(step.uses ?? "") || /(^|\n|\s)pulumi (up|stack|preview|refresh)|runner-firewall-rule\.sh/.test(step.run ?? "");
                    if (!usesCli) return;
                    steps++;
                    assert.ok(install >= 0 && install < i, `${file} jobs.${id}: ${step.name} after the CLI install`);
                    if (/^pulumi\/actions@/.test(step.uses ?? "")) {
                        assert.equal(step.with?.["pulumi-version-file"], ".github/pulumi-version", `${file} jobs.${id}: ${step.name}`);
                        assert.ok(step.with?.command, `${file} jobs.${id}: ${step.name} runs a command, it does not install`);
                    }
                });
            }
        }
        assert.ok(steps >= 5);
    });
});

describe("the documented set-up is .github/delivery.json's", () => {
    const doc = fs.readFileSync(path.join(repoRoot, "docs", "continuous-delivery.md"), "utf8");

    it("the environments table gives each environment its branches and reviewers", () => {
        for (const env of delivery.environments) {
            const row = doc.split("\n").find((l) => l.startsWith(`| \`${env.name}\` |`));
            assert.ok(row, `docs/continuous-delivery.md has a row for ${env.name}`);
            const [, , branches, reviewers] = row.split("|").map((c) => c.trim());
            assert.equal(branches.startsWith("any"), env.deploymentBranches === "all", `${env.name}: ${branches}`);
            assert.equal(reviewers.startsWith("**yes**"), env.requiredReviewers, `${env.name}: ${reviewers}`);
        }
        assert.match(doc, /node \.github\/scripts\/delivery-settings\.cjs <owner>\/<repo> --reviewer team:/);
    });

    it("the self-hosted runner is registered ephemeral, into its restricted group", () => {
        const registrations = doc.split("\n").filter((l) => /\.\/config\.sh /.test(l));
        assert.ok(registrations.length > 0);
        for (const group of delivery.runnerGroups.filter((g) => g.runners === "self-hosted")) {
            const command = doc.slice(doc.indexOf("./config.sh"), doc.indexOf("./run.sh"));
            assert.match(command, new RegExp(`--runnergroup ${group.name}\\b`));
            assert.match(command, /--ephemeral\b/);
            assert.match(command, /--url https:\/\/github\.com\/<org>/, "an organization runner, not a repository's");
        }
        assert.doesNotMatch(doc, /--url https:\/\/github\.com\/<owner>\/<repo> --token/, "no repository-level registration");
    });
});
