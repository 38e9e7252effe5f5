// Applies and checks the GitHub side of continuous delivery that no workflow file can enforce, from
// .github/delivery.json: the environments and their protection rules (deployment branches, required reviewers),
// the absence of repository and organization secrets (a workflow on any branch can read those), the secrets each
// environment must hold, and the restricted runner group of each self-hosted stack. Idempotent: run it once when
// setting up, and again whenever delivery.json changes; it reports what it changed and what is still wrong.
//
//   GH_TOKEN=<token of a repository and organization admin> node .github/scripts/delivery-settings.cjs <owner>/<repo> \
//       --reviewer team:<slug> [--reviewer user:<login> ...]
//
// REST endpoints (docs.github.com/rest, API version 2022-11-28): "Deployment environments"
// (PUT /repos/{owner}/{repo}/environments/{environment_name}: reviewers, prevent_self_review,
// deployment_branch_policy), "Deployment branch policies" (GET/POST/DELETE .../deployment-branch-policies),
// "GitHub Actions secrets" (GET /repos/{owner}/{repo}/actions/secrets, .../actions/organization-secrets,
// .../environments/{environment_name}/secrets: names only) and "Self-hosted runner groups" (runner-network.cjs).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { ensureRunnerGroup } = require("./runner-network.cjs");

const deliveryFile = path.join(__dirname, "..", "delivery.json");

function loadDelivery(file = deliveryFile) {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Every item of a list endpoint whose answer is `{ total_count, <key>: [...] }`. */
async function listAll(github, route, params, key) {
    const items = [];
    for (let page = 1; ; page++) {
        const { data } = await github.request(route, { ...params, per_page: 100, page });
        const batch = (data && data[key]) || [];
        items.push(...batch);
        if (batch.length < 100) return items;
    }
}

/** `team:<slug>` or `user:<login>` → `{ type, id }` as the environment's `reviewers` takes it. */
async function reviewerIds(github, owner, reviewers) {
    const ids = [];
    for (const spec of reviewers) {
        const match = /^(team|user):([A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(String(spec));
        if (!match) throw new Error(`delivery-settings: reviewer '${spec}' must be team:<slug> or user:<login>.`);
        const { data } = match[1] === "team"
            ? await github.request("GET /orgs/{org}/teams/{team_slug}", { org: owner, team_slug: match[2] })
            : await github.request("GET /users/{username}", { username: match[2] });
        ids.push({ type: match[1] === "team" ? "Team" : "User", id: data.id });
    }
    return ids;
}

/**
 * Brings the repository's settings to `delivery` (.github/delivery.json). Returns `{ changes, problems }`: what it
 * set, and what only a person can fix (a secret in the wrong place, a missing secret). Secret values are never
 * read: the API returns names only.
 */
async function applyDeliverySettings({ github, core }, { owner, repo, repositoryId, reviewers = [] }, delivery = loadDelivery()) {
    const changes = [];
    const problems = [];
    const reviewed = delivery.environments.filter((e) => e.requiredReviewers);
    if (reviewed.length > 0 && reviewers.length === 0) {
        throw new Error(`delivery-settings: ${reviewed.map((e) => e.name).join(", ")} require reviewers: pass --reviewer team:<slug> (or user:<login>).`);
    }
    const ids = await reviewerIds(github, owner, reviewers);

    // 1. No secret outside an environment: a workflow file of any branch can name it.
    const repositorySecrets = await listAll(github, "GET /repos/{owner}/{repo}/actions/secrets", { owner, repo }, "secrets");
    const organizationSecrets = await listAll(github, "GET /repos/{owner}/{repo}/actions/organization-secrets", { owner, repo }, "secrets");
    for (const [where, secrets] of [["repository", repositorySecrets], ["organization", organizationSecrets]]) {
        for (const { name } of secrets) {
            problems.push(
                `${where} secret ${name} is readable by the workflows of every branch and pull request of this repository: ` +
                    `move it into the environment that needs it (gh secret set ${name} --env <environment>) and delete it ` +
                    `(${where === "repository" ? `gh secret delete ${name}` : "or stop sharing it with this repository"}).`,
            );
        }
    }

    // 2. Each environment, its protection rules and its deployment branches.
    for (const env of delivery.environments) {
        const branches = env.deploymentBranches === "all" ? undefined : env.deploymentBranches;
        await github.request("PUT /repos/{owner}/{repo}/environments/{environment_name}", {
            owner,
            repo,
            environment_name: env.name,
            wait_timer: 0,
            prevent_self_review: Boolean(env.preventSelfReview),
            reviewers: env.requiredReviewers ? ids : [],
            deployment_branch_policy: branches ? { protected_branches: false, custom_branch_policies: true } : null,
        });
        changes.push(`environment ${env.name}: ${env.requiredReviewers ? `${ids.length} required reviewer(s)` : "no reviewers"}, ${branches ? `branches ${branches.join(", ")} only` : "any branch"}`);
        if (branches) {
            const policies = await listAll(github, "GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies", { owner, repo, environment_name: env.name }, "branch_policies");
            for (const policy of policies.filter((p) => !branches.includes(p.name) || p.type !== "branch")) {
                await github.request("DELETE /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}", {
                    owner, repo, environment_name: env.name, branch_policy_id: policy.id,
                });
                changes.push(`environment ${env.name}: removed deployment ${policy.type} ${policy.name}`);
            }
            for (const branch of branches.filter((b) => !policies.some((p) => p.name === b && p.type === "branch"))) {
                await github.request("POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies", {
                    owner, repo, environment_name: env.name, name: branch, type: "branch",
                });
            }
        }
        const present = (await listAll(github, "GET /repos/{owner}/{repo}/environments/{environment_name}/secrets", { owner, repo, environment_name: env.name }, "secrets")).map((s) => s.name);
        const missing = Object.keys(env.secrets).filter((name) => !present.includes(name) && name !== "PULUMI_CONFIG_PASSPHRASE");
        if (missing.length > 0) problems.push(`environment ${env.name} has no ${missing.join(", ")}: set ${missing.length > 1 ? "them" : "it"} with gh secret set <name> --env ${env.name} (${missing.map((m) => env.secrets[m].what).join("; ")}).`);
        const extra = present.filter((name) => !(name in env.secrets));
        if (extra.length > 0) problems.push(`environment ${env.name} holds ${extra.join(", ")}, which .github/delivery.json does not give it: delete ${extra.length > 1 ? "them" : "it"} or declare ${extra.length > 1 ? "them" : "it"} there.`);
    }

    // 3. The runner groups of self-hosted stacks: this repository's deploy workflow only. (A GitHub-hosted group is
    // kept so by the deploy's own runner set-up job, which knows its network configuration.)
    for (const group of delivery.runnerGroups.filter((g) => g.runners === "self-hosted")) {
        const { outcome } = await ensureRunnerGroup({ github, core }, { org: owner, name: group.name, repository: repo, repositoryId });
        changes.push(`runner group ${group.name}: ${outcome}`);
    }
    for (const line of changes) core.info(line);
    for (const line of problems) core.warning(line);
    return { changes, problems };
}

/** Octokit's `request("METHOD /route", params)` over fetch, for running this script from a shell. */
function restClient(token, fetchImpl = fetch) {
    return {
        async request(route, params = {}) {
            const [method, template] = route.split(" ");
            const rest = { ...params };
            const url = new URL(`https://api.github.com${template.replace(/\{(\w+)\}/g, (_, key) => {
                const value = rest[key];
                delete rest[key];
                return encodeURIComponent(String(value));
            })}`);
            const init = { method, headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" } };
            if (method === "GET") for (const [k, v] of Object.entries(rest)) url.searchParams.set(k, String(v));
            else init.body = JSON.stringify(rest);
            const response = await fetchImpl(url, init);
            const text = await response.text();
            if (!response.ok) throw Object.assign(new Error(`${route}: ${response.status} ${text.slice(0, 300)}`), { status: response.status });
            return { data: text ? JSON.parse(text) : undefined };
        },
    };
}

async function main(argv) {
    const [target, ...rest] = argv;
    const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(target || "");
    const token = process.env.GH_TOKEN || process.env.GITHUB_TOKEN;
    if (!match || !token) {
        console.error("Usage: GH_TOKEN=<admin token> node .github/scripts/delivery-settings.cjs <owner>/<repo> --reviewer team:<slug> [--reviewer user:<login>]");
        return 2;
    }
    const reviewers = [];
    for (let i = 0; i < rest.length; i++) if (rest[i] === "--reviewer") reviewers.push(rest[++i]);
    const github = restClient(token);
    const [owner, repo] = [match[1], match[2]];
    const { data } = await github.request("GET /repos/{owner}/{repo}", { owner, repo });
    const core = { info: (m) => console.log(m), warning: (m) => console.error(`warning: ${m}`) };
    const { problems } = await applyDeliverySettings({ github, core }, { owner, repo, repositoryId: data.id, reviewers });
    return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
        console.error(err.message);
        process.exit(1);
    });
}

module.exports = { applyDeliverySettings, loadDelivery, restClient };
