import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { loadWorkflow, networkStackFiles, repoRoot, reusableWorkflows, scriptsDir, transitiveNeeds, type Job } from "./workflow-files";

const reusable = "./.github/workflows/pulumi-stack.yml";
const signIn = "./.github/actions/azure-sign-in";
const deploy = loadWorkflow("deploy.yml").workflow;
const jobs = deploy.jobs;

const stepUsing = (job: Job, prefix: string) => (job.steps ?? []).find((s) => (s.uses ?? "").startsWith(prefix));

/** Runs the shared workflow's runner pick as bash, in a scratch copy of the files it reads. */
function pick(stack: string, operation: string, environment: string, files: Record<string, string>): { status: number | null; outputs: Record<string, string>; stdout: string } {
    const run = String((reusableWorkflows().get(reusable)!.workflow.jobs.runner.steps ?? []).find((s) => s.id === "network")?.run);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pick-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    const out = path.join(dir, "github-output");
    fs.writeFileSync(out, "");
    // yq stands in as a small function reading `access:` from the stack file, as the real yq query does.
    const yq = `yq() { sed -n 's/^    access: *//p' "$3" | head -1; }\n`;
    const result = spawnSync("bash", ["-c", yq + run], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env.PATH, STACK: stack, OPERATION: operation, ENVIRONMENT: environment, PULUMI_ORG: "", GITHUB_OUTPUT: out },
    });
    const outputs = Object.fromEntries(fs.readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: result.status, outputs, stdout: result.stdout + result.stderr };
}

const stackFile = (access: string) => `config:\n  entra-postgres:network:\n    access: ${access}\n`;

describe("private stack deploy (corp): three phases", () => {
    it("the corp stack has a network project stack", () => {
        assert.ok(networkStackFiles().includes("corp"));
    });

    it("runs network, then runners, then the database phase, after the tests and dev", () => {
        assert.deepEqual(jobs["corp-network"].needs, "dev");
        assert.deepEqual(jobs["corp-runners"].needs, "corp-network");
        assert.deepEqual(jobs.corp.needs, "corp-runners");
        const before = transitiveNeeds(jobs, "corp");
        for (const job of ["test", "dev", "corp-network", "corp-runners"]) {
            assert.ok(before.has(job), `corp waits for ${job}`);
        }
        assert.ok(!before.has("prod") && !transitiveNeeds(jobs, "prod").has("corp"), "corp deploys beside prod");
    });

    it("phase 1 (network) runs on a GitHub-hosted runner as the network identity, on the network project", () => {
        const job = jobs["corp-network"];
        assert.equal(job["runs-on"], "ubuntu-latest");
        assert.equal(job.environment, "corp-network");
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
        assert.ok(stepUsing(job, signIn), "signs in to Azure");
        assert.equal(job.env?.ARM_CLIENT_ID, "${{ vars.AZURE_CLIENT_ID }}", "the environment's identity");
        const up = (job.steps ?? []).find((s) => s.id === "network")!;
        assert.match(String(up.uses), /^pulumi\/actions@/);
        assert.equal(up.with?.command, "up");
        assert.equal(up.with?.["work-dir"], "network");
        assert.equal(up.with?.["stack-name"], "${{ env.STACK }}");
        assert.equal(job.env?.STACK, "${{ vars.PULUMI_ORG && format('{0}/corp', vars.PULUMI_ORG) || 'corp' }}");
        assert.equal((job as { outputs?: Record<string, string> }).outputs?.["network-settings-id"], "${{ steps.network.outputs.networkSettingsGitHubId }}");
        const check = (job.steps ?? []).find((s) => /network-ids\.cjs corp/.test(s.run ?? ""));
        assert.ok(check, "checks Pulumi.corp.yaml against the deployed ids");
        assert.ok((job.steps ?? []).indexOf(check) > (job.steps ?? []).indexOf(up));
        assert.equal((job.concurrency as { group: string }).group, "pulumi-stack-corp-network");
    });

    it("phase 2 (runners) gets a GitHub App token and no Azure identity, and feeds the script the networkSettings id", () => {
        const job = jobs["corp-runners"];
        assert.equal(job["runs-on"], "ubuntu-latest");
        assert.equal(job.environment, "corp-network");
        assert.deepEqual(job.permissions, { contents: "read" }, "no id-token: it never signs in to Azure");
        assert.ok(!stepUsing(job, signIn) && !stepUsing(job, "azure/login@"));
        const app = stepUsing(job, "actions/create-github-app-token@")!;
        assert.deepEqual(app.with, {
            "app-id": "${{ vars.RUNNER_APP_ID }}",
            "private-key": "${{ secrets.RUNNER_APP_PRIVATE_KEY }}",
            owner: "${{ github.repository_owner }}",
        });
        const script = stepUsing(job, "actions/github-script@")!;
        assert.equal(script.with?.["github-token"], `\${{ steps.${app.id}.outputs.token }}`);
        assert.match(String(script.with?.script), /runner-network\.cjs/);
        assert.match(String(script.with?.script), /name: "entra-postgres-corp"/);
        assert.equal(script.env?.NETWORK_SETTINGS_ID, "${{ needs.corp-network.outputs.network-settings-id }}");
    });

    it("phase 3 (database) is the shared workflow's deploy of corp, as corp's deployer, on the runner group", () => {
        const job = jobs.corp;
        assert.equal(job.uses, reusable);
        assert.deepEqual(job.with, { stack: "corp", operation: "up", environment: "corp" });
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
        const picked = pick("corp", "up", "corp", { "Pulumi.corp.yaml": stackFile("private-endpoint"), "network/Pulumi.corp.yaml": "config: {}\n" });
        assert.equal(picked.status, 0, picked.stdout);
        assert.equal(picked.outputs.labels, '{"group":"entra-postgres-corp"}');
        assert.deepEqual(JSON.parse(picked.outputs.labels), { group: "entra-postgres-corp" });
        assert.equal(picked.outputs.access, "private-endpoint");
    });

    it("only the database phase runs in a deployer's environment; no other deploy job can reach a database administrator", () => {
        const deployerEnvironments = new Set(["dev", "prod", "corp"]);
        for (const [id, job] of Object.entries(jobs)) {
            const environment = String(job.environment ?? job.with?.environment ?? "");
            if (deployerEnvironments.has(environment)) {
                assert.equal(job.uses, reusable, `${id} runs as a deployer outside the shared workflow`);
                assert.equal(job.with?.stack, environment, `${id}: a deployer deploys only its own stack`);
            }
        }
        for (const id of ["corp-network", "corp-runners"]) {
            assert.ok(!deployerEnvironments.has(String(jobs[id].environment)), `${id} is not in a deployer's environment`);
        }
        assert.equal(Object.values(jobs).filter((j) => j.with?.stack === "corp" || j.environment === "corp").length, 1, "one job is corp's deployer");
    });
});

describe("the shared workflow's runner pick", () => {
    const files = (access: string, network: boolean) => ({
        "Pulumi.s.yaml": stackFile(access),
        ...(network ? { "network/Pulumi.s.yaml": "config: {}\n" } : {}),
    });

    it("public on a hosted runner; private without a network stack on its self-hosted runners, by their restricted group", () => {
        assert.equal(pick("s", "up", "s", files("public", false)).outputs.labels, '["ubuntu-latest"]');
        assert.deepEqual(JSON.parse(pick("s", "up", "s", files("private", false)).outputs.labels), { group: "entra-postgres-s", labels: ["self-hosted", "entra-postgres-s"] });
    });

    it("a private or private-endpoint stack with a network stack runs its deploy and drift check on the runner group", () => {
        for (const access of ["private", "private-endpoint"]) {
            for (const operation of ["up", "drift"]) {
                assert.equal(pick("s", operation, "s", files(access, true)).outputs.labels, '{"group":"entra-postgres-s"}', `${access} ${operation}`);
            }
        }
        assert.deepEqual(JSON.parse(pick("s", "up", "s", files("private-endpoint", false)).outputs.labels), { group: "entra-postgres-s", labels: ["self-hosted", "entra-postgres-s"] });
    });

    it("previews run on a GitHub-hosted runner, whatever the network", () => {
        assert.equal(pick("s", "preview", "preview", files("private-endpoint", true)).outputs.labels, '["ubuntu-latest"]');
    });

    it("refuses an unknown access, naming the key", () => {
        const r = pick("s", "up", "s", files("vpn", true));
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /Set entra-postgres:network\.access to public, private or private-endpoint \(found 'vpn'\)/);
    });

    it("drift checks and previews cover corp like every stack (drift on the group, preview hosted)", () => {
        const drift = loadWorkflow("drift.yml").workflow.jobs.drift;
        assert.ok((drift.strategy?.matrix?.stack as string[]).includes("corp"));
        const preview = loadWorkflow("pull-request.yml").workflow.jobs.preview;
        assert.ok((preview.strategy?.matrix?.stack as string[]).includes("corp"));
    });
});

describe("network-ids.cjs", () => {
    const { compareNetworkIds } = require(path.join(scriptsDir, "network-ids.cjs")) as {
        compareNetworkIds(deployed: Record<string, string>, text: string, file: string): string[];
    };
    const ids = {
        vmSubnetId: "/subscriptions/1/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/clients",
        privateDnsZoneId: "/subscriptions/1/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com",
    };
    const file = (existing: Record<string, string>) =>
        `config:\n  entra-postgres:network:\n    access: private-endpoint\n    existing:\n${Object.entries(existing).map(([k, v]) => `      ${k}: ${v}`).join("\n")}\n`;

    it("accepts a stack file whose network.existing are the deployed ids (case aside)", () => {
        assert.deepEqual(compareNetworkIds(ids, file({ ...ids, vmSubnetId: ids.vmSubnetId.toUpperCase() }), "Pulumi.corp.yaml"), []);
    });

    it("names each id the stack file has wrong, and what to write", () => {
        const problems = compareNetworkIds(ids, file({ vmSubnetId: ids.vmSubnetId.replace("/1/", "/2/"), privateDnsZoneId: ids.privateDnsZoneId }), "Pulumi.corp.yaml");
        assert.equal(problems.length, 1);
        assert.match(problems[0], /^Pulumi\.corp\.yaml: entra-postgres:network\.existing\.vmSubnetId is '.*\/subscriptions\/2\/.*'; the network phase created .*\/subscriptions\/1\/.*\. Set it to that id\.$/);
        assert.equal(compareNetworkIds({}, file(ids), "f").length, 1, "no ids reported");
    });

    it("runs as the workflow step calls it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ids-"));
        fs.writeFileSync(path.join(dir, "Pulumi.corp.yaml"), file({ ...ids, privateDnsZoneId: "wrong" }));
        fs.writeFileSync(path.join(dir, "out.json"), JSON.stringify(ids));
        const bad = spawnSync(process.execPath, [path.join(scriptsDir, "network-ids.cjs"), "corp", "out.json"], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(repoRoot, "node_modules") } });
        assert.equal(bad.status, 1);
        assert.match(bad.stdout, /::error file=Pulumi\.corp\.yaml::.*privateDnsZoneId/);
        fs.writeFileSync(path.join(dir, "Pulumi.corp.yaml"), file(ids));
        const good = spawnSync(process.execPath, [path.join(scriptsDir, "network-ids.cjs"), "corp", "out.json"], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(repoRoot, "node_modules") } });
        assert.equal(good.status, 0, good.stderr);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
