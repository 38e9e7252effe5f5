// Makes GitHub's side of Azure private networking match the network phase's output, idempotently: the
// organization's hosted-compute network configuration `entra-postgres-<stack>` uses the stack's
// GitHub.Network/networkSettings resource (its GitHubId), the runner group `entra-postgres-<stack>` (which only this
// repository may use) uses that network configuration, and a GitHub-hosted runner of that name sits in the group.
// Jobs with `runs-on: { group: entra-postgres-<stack> }` then start inside the stack's `runners` subnet.
//
// Runs from `actions/github-script` with a GitHub App installation token: the workflow's own GITHUB_TOKEN cannot
// manage organization settings. REST endpoints (docs.github.com/rest): "Network configurations"
// (GET/POST /orgs/{org}/settings/network-configurations, PATCH .../{network_configuration_id}), "Self-hosted runner
// groups" (GET/POST /orgs/{org}/actions/runner-groups, PATCH .../{runner_group_id}, whose body takes
// network_configuration_id) and "GitHub-hosted runners" (GET/POST /orgs/{org}/actions/hosted-runners, PATCH
// .../{hosted_runner_id}). See docs/private-networking.md.
"use strict";

/** Every item of a list endpoint whose answer is `{ total_count, <key>: [...] }`. */
async function listAll(github, route, params, key) {
    const items = [];
    for (let page = 1; ; page++) {
        const { data } = await github.request(route, { ...params, per_page: 100, page });
        const batch = (data && data[key]) || [];
        items.push(...batch);
        if (batch.length < 100) {
            return items;
        }
    }
}

function sameIds(a, b) {
    return Array.isArray(a) && a.length === b.length && a.every((id, i) => id === b[i]);
}

function required(options, key) {
    const value = options[key];
    if (value === undefined || value === null || String(value).trim() === "") {
        throw new Error(`runner-network: ${key} is required (the network phase's output or the workflow's variable).`);
    }
    return String(value).trim();
}

/**
 * Creates or updates the network configuration, the runner group and the hosted runner. Returns what it did with
 * each: `created`, `updated` or `unchanged`.
 */
async function ensureRunnerNetwork({ github, core }, options) {
    const org = required(options, "org");
    const name = required(options, "name");
    const networkSettingsId = required(options, "networkSettingsId");
    const repositoryId = Number(required(options, "repositoryId"));
    const image = required(options, "image");
    const size = required(options, "size");
    const maximumRunners = Number(options.maximumRunners || 2);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
        throw new Error(`runner-network: '${name}' is not a valid network configuration or runner name (letters, digits, '.', '-', '_').`);
    }
    const result = {};

    // 1. The network configuration names exactly one network settings resource.
    const configurations = await listAll(github, "GET /orgs/{org}/settings/network-configurations", { org }, "network_configurations");
    let configuration = configurations.find((c) => c.name === name);
    if (!configuration) {
        ({ data: configuration } = await github.request("POST /orgs/{org}/settings/network-configurations", {
            org,
            name,
            compute_service: "actions",
            network_settings_ids: [networkSettingsId],
        }));
        result.networkConfiguration = "created";
    } else if (!sameIds(configuration.network_settings_ids, [networkSettingsId])) {
        ({ data: configuration } = await github.request("PATCH /orgs/{org}/settings/network-configurations/{network_configuration_id}", {
            org,
            network_configuration_id: configuration.id,
            compute_service: "actions",
            network_settings_ids: [networkSettingsId],
        }));
        result.networkConfiguration = "updated";
    } else {
        result.networkConfiguration = "unchanged";
    }
    core.info(`Network configuration ${name} (${configuration.id}): ${result.networkConfiguration}, network settings ${networkSettingsId}.`);

    // 2. The runner group uses it, and only this repository may use the group.
    const groups = await listAll(github, "GET /orgs/{org}/actions/runner-groups", { org }, "runner_groups");
    let group = groups.find((g) => g.name === name);
    if (!group) {
        ({ data: group } = await github.request("POST /orgs/{org}/actions/runner-groups", {
            org,
            name,
            visibility: "selected",
            selected_repository_ids: [repositoryId],
            allows_public_repositories: false,
            network_configuration_id: configuration.id,
        }));
        result.runnerGroup = "created";
    } else if (group.network_configuration_id !== configuration.id) {
        ({ data: group } = await github.request("PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}", {
            org,
            runner_group_id: group.id,
            name,
            network_configuration_id: configuration.id,
        }));
        result.runnerGroup = "updated";
    } else {
        result.runnerGroup = "unchanged";
    }
    if (group.visibility !== "selected") {
        core.warning(`Runner group ${name} is visible to ${group.visibility} repositories; restrict it to this repository.`);
    }
    core.info(`Runner group ${name} (${group.id}): ${result.runnerGroup}.`);

    // 3. A GitHub-hosted runner in the group, so jobs that ask for the group get a machine in the subnet.
    const runners = await listAll(github, "GET /orgs/{org}/actions/hosted-runners", { org }, "runners");
    const runner = runners.find((r) => r.name === name);
    if (!runner) {
        await github.request("POST /orgs/{org}/actions/hosted-runners", {
            org,
            name,
            image: { id: image, source: "github" },
            size,
            runner_group_id: group.id,
            maximum_runners: maximumRunners,
        });
        result.hostedRunner = "created";
    } else if (runner.runner_group_id !== group.id) {
        await github.request("PATCH /orgs/{org}/actions/hosted-runners/{hosted_runner_id}", {
            org,
            hosted_runner_id: runner.id,
            runner_group_id: group.id,
        });
        result.hostedRunner = "updated";
    } else {
        result.hostedRunner = "unchanged";
    }
    core.info(`Hosted runner ${name}: ${result.hostedRunner}.`);
    return result;
}

module.exports = { ensureRunnerNetwork };
