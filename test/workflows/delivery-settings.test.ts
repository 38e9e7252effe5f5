import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Fake, fakeGitHub } from "./github-fake";
import { scriptsDir } from "./workflow-files";

type Result = { changes: string[]; problems: string[] };
const script = require(path.join(scriptsDir, "delivery-settings.cjs")) as {
    applyDeliverySettings(tools: Pick<Fake, "github" | "core">, options: Record<string, unknown>): Promise<Result>;
    restClient(token: string, fetchImpl: (url: URL, init: RequestInit) => Promise<Response>): { request(route: string, params: Record<string, unknown>): Promise<{ data: unknown }> };
};

const options = { owner: "acme", repo: "entra-postgres", repositoryId: 4242, reviewers: ["team:platform"] };

/** A repository as its admin leaves it after following the set-up: environment secrets in place, nothing else. */
function repository(): Fake {
    const fake = fakeGitHub();
    fake.teams.push({ id: 31, slug: "platform" });
    return fake;
}

async function applied(fake: Fake): Promise<Result> {
    const result = await script.applyDeliverySettings(fake, options);
    for (const env of fake.environments) {
        env.secrets = env.name === "corp-network" ? ["PULUMI_ACCESS_TOKEN", "RUNNER_APP_PRIVATE_KEY"] : ["PULUMI_ACCESS_TOKEN"];
    }
    return result;
}

describe("delivery-settings.cjs", () => {
    it("creates every environment with its protection rules: previews approved by a reviewer, deploys from main only", async () => {
        const fake = repository();
        await applied(fake);
        const byName = new Map(fake.environments.map((e) => [e.name, e]));
        assert.deepEqual([...byName.keys()].sort(), ["corp", "corp-network", "dev", "preview", "prod"]);
        const preview = byName.get("preview")!;
        assert.deepEqual(preview.reviewers, [{ type: "Team", id: 31 }]);
        assert.equal(preview.prevent_self_review, true);
        assert.equal(preview.deployment_branch_policy, null, "pull request branches can enter, once approved");
        for (const name of ["dev", "prod", "corp", "corp-network"]) {
            const env = byName.get(name)!;
            assert.deepEqual(env.deployment_branch_policy, { protected_branches: false, custom_branch_policies: true }, name);
            assert.deepEqual(env.branch_policies.map((p) => [p.name, p.type]), [["main", "branch"]], name);
        }
        assert.deepEqual(byName.get("prod")!.reviewers, [{ type: "Team", id: 31 }]);
        assert.deepEqual(byName.get("dev")!.reviewers, []);
    });

    it("restricts the self-hosted runner group to this repository's pulumi-stack.yml on main", async () => {
        const fake = repository();
        await applied(fake);
        const group = fake.runnerGroups.find((g) => g.name === "entra-postgres-prod")!;
        assert.equal(group.visibility, "selected");
        assert.deepEqual(group.selected_repository_ids, [4242]);
        assert.equal(group.restricted_to_workflows, true);
        assert.deepEqual(group.selected_workflows, ["acme/entra-postgres/.github/workflows/pulumi-stack.yml@refs/heads/main"]);
        assert.ok(!fake.runnerGroups.some((g) => g.name === "entra-postgres-corp"), "the corp group is the deploy's to keep");
    });

    it("a second run finds nothing to fix, and takes back a branch someone allowed into a deploy environment", async () => {
        const fake = repository();
        await applied(fake);
        assert.deepEqual((await script.applyDeliverySettings(fake, options)).problems, []);
        const prod = fake.environments.find((e) => e.name === "prod")!;
        prod.branch_policies.push({ id: 999, name: "release/*", type: "branch" });
        const again = await script.applyDeliverySettings(fake, options);
        assert.ok(again.changes.includes("environment prod: removed deployment branch release/*"));
        assert.deepEqual(prod.branch_policies.map((p) => p.name), ["main"]);
    });

    it("names every secret outside an environment, with the fix, and what an environment lacks or holds too much", async () => {
        const fake = repository();
        await applied(fake);
        fake.repositorySecrets.push("PULUMI_ACCESS_TOKEN");
        fake.organizationSecrets.push("NPM_TOKEN");
        fake.environments.find((e) => e.name === "dev")!.secrets = ["AZURE_CLIENT_SECRET"];
        const { problems } = await script.applyDeliverySettings(fake, options);
        assert.equal(problems.length, 4, problems.join("\n"));
        assert.match(problems[0], /^repository secret PULUMI_ACCESS_TOKEN is readable by the workflows of every branch and pull request .*gh secret set PULUMI_ACCESS_TOKEN --env <environment>.*gh secret delete PULUMI_ACCESS_TOKEN/);
        assert.match(problems[1], /^organization secret NPM_TOKEN is readable .*stop sharing it with this repository/);
        assert.match(problems[2], /^environment dev has no PULUMI_ACCESS_TOKEN: set it with gh secret set <name> --env dev/);
        assert.match(problems[3], /^environment dev holds AZURE_CLIENT_SECRET, which \.github\/delivery\.json does not give it/);
    });

    it("refuses to run without a reviewer for the environments that need one", async () => {
        const fake = repository();
        await assert.rejects(script.applyDeliverySettings(fake, { ...options, reviewers: [] }), /preview, prod require reviewers: pass --reviewer team:<slug>/);
        await assert.rejects(script.applyDeliverySettings(fake, { ...options, reviewers: ["platform"] }), /must be team:<slug> or user:<login>/);
        assert.deepEqual(fake.environments, []);
    });

    it("talks to the REST API as Octokit's request would: path parameters in the URL, the rest as query or JSON body", async () => {
        const seen: { url: string; method: string; body?: string; auth?: string }[] = [];
        const client = script.restClient("t0ken", async (url, init) => {
            seen.push({ url: String(url), method: String(init.method), body: init.body as string | undefined, auth: (init.headers as Record<string, string>).Authorization });
            return new Response(JSON.stringify({ ok: true }), { status: 200 });
        });
        await client.request("GET /repos/{owner}/{repo}/actions/secrets", { owner: "acme", repo: "entra-postgres", per_page: 100, page: 2 });
        await client.request("PUT /repos/{owner}/{repo}/environments/{environment_name}", { owner: "acme", repo: "entra-postgres", environment_name: "corp network", reviewers: [] });
        assert.deepEqual(seen.map((s) => [s.method, s.url, s.body]), [
            ["GET", "https://api.github.com/repos/acme/entra-postgres/actions/secrets?per_page=100&page=2", undefined],
            ["PUT", "https://api.github.com/repos/acme/entra-postgres/environments/corp%20network", '{"reviewers":[]}'],
        ]);
        assert.ok(seen.every((s) => s.auth === "Bearer t0ken"));
        const failing = script.restClient("t", async () => new Response("Not Found", { status: 404 }));
        await assert.rejects(failing.request("GET /users/{username}", { username: "x" }), /GET \/users\/\{username\}: 404 Not Found/);
    });
});
