/**
 * A stand-in for the `github`, `context` and `core` objects `actions/github-script` hands a script: enough of
 * the REST API for the comment and issue scripts, backed by in-memory pull requests, comments and issues.
 */

export interface FakePull {
    number: number;
    state: "open" | "closed";
    /** `owner:branch` of the head, as the `head` filter of "list pull requests" takes it. */
    headLabel: string;
    head: { sha: string };
}

export interface FakeComment {
    id: number;
    issue_number: number;
    body: string;
    user: { login: string; type: "Bot" | "User" };
}

export interface FakeIssue {
    number: number;
    title: string;
    body: string;
    state: "open" | "closed";
    user: { login: string; type: "Bot" | "User" };
    pull_request?: object;
}

/** An organization's hosted-compute network configuration (REST "Network configurations"). */
export interface FakeNetworkConfiguration {
    id: string;
    name: string;
    compute_service: string;
    network_settings_ids: string[];
}

/** An organization's runner group (REST "Self-hosted runner groups"), as far as the scripts use it. */
export interface FakeRunnerGroup {
    id: number;
    name: string;
    visibility: string;
    selected_repository_ids?: number[];
    network_configuration_id?: string;
    allows_public_repositories?: boolean;
    restricted_to_workflows?: boolean;
    selected_workflows?: string[];
}

/** A repository's deployment environment (REST "Deployment environments"), as far as the scripts use it. */
export interface FakeEnvironment {
    name: string;
    reviewers: { type: "User" | "Team"; id: number }[];
    prevent_self_review: boolean;
    deployment_branch_policy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
    branch_policies: { id: number; name: string; type: string }[];
    secrets: string[];
}

/** A GitHub-hosted runner of the organization (REST "GitHub-hosted runners"). */
export interface FakeHostedRunner {
    id: number;
    name: string;
    runner_group_id: number;
    image?: unknown;
    size?: string;
    maximum_runners?: number;
}

type Args = Record<string, unknown>;
type Endpoint = (args: Args) => Promise<{ data: unknown }>;

export interface Fake {
    github: {
        paginate: (endpoint: Endpoint, args: Args) => Promise<unknown[]>;
        rest: Record<string, Record<string, Endpoint>>;
        /** Octokit's `request("METHOD /route", params)`, for the routes the fake knows. */
        request: (route: string, args: Args) => Promise<{ data: unknown }>;
    };
    context: {
        repo: { owner: string; repo: string };
        payload: Record<string, unknown>;
        serverUrl: string;
        runId: number;
    };
    core: { info: (m: string) => void; warning: (m: string) => void };
    pulls: FakePull[];
    comments: FakeComment[];
    issues: FakeIssue[];
    networkConfigurations: FakeNetworkConfiguration[];
    runnerGroups: FakeRunnerGroup[];
    hostedRunners: FakeHostedRunner[];
    environments: FakeEnvironment[];
    /** Secrets of the repository itself and those the organization shares with it, by name. */
    repositorySecrets: string[];
    organizationSecrets: string[];
    teams: { id: number; slug: string }[];
    users: { id: number; login: string }[];
    /** Every API call: `issues.createComment`, with its arguments. */
    calls: { endpoint: string; args: Args }[];
    log: string[];
}

const bot = { login: "github-actions[bot]", type: "Bot" as const };

export function fakeGitHub(payload: Record<string, unknown> = {}): Fake {
    const fake: Fake = {
        pulls: [],
        comments: [],
        issues: [],
        networkConfigurations: [],
        runnerGroups: [],
        hostedRunners: [],
        environments: [],
        repositorySecrets: [],
        organizationSecrets: [],
        teams: [],
        users: [],
        calls: [],
        log: [],
        context: { repo: { owner: "acme", repo: "entra-postgres" }, payload, serverUrl: "https://github.com", runId: 4242 },
        core: { info: (m) => fake.log.push(m), warning: (m) => fake.log.push(m) },
        github: {
            paginate: async (endpoint, args) => (await endpoint(args)).data as unknown[],
            rest: {},
            request: async (route) => {
                throw new Error(`the fake does not know ${route}`);
            },
        },
    };
    let nextId = 1000;
    const endpoint = (name: string, handler: (args: Args) => unknown): Endpoint => async (args) => {
        fake.calls.push({ endpoint: name, args });
        return { data: handler(args) };
    };
    fake.github.rest = {
        pulls: {
            list: endpoint("pulls.list", (a) => fake.pulls.filter((p) => p.state === a.state && p.headLabel === a.head)),
        },
        issues: {
            listComments: endpoint("issues.listComments", (a) => fake.comments.filter((c) => c.issue_number === a.issue_number)),
            createComment: endpoint("issues.createComment", (a) => {
                const comment = { id: nextId++, issue_number: a.issue_number as number, body: a.body as string, user: bot };
                fake.comments.push(comment);
                return comment;
            }),
            updateComment: endpoint("issues.updateComment", (a) => {
                const comment = fake.comments.find((c) => c.id === a.comment_id);
                if (!comment) {
                    throw new Error(`no comment ${String(a.comment_id)}`);
                }
                comment.body = a.body as string;
                return comment;
            }),
            listForRepo: endpoint("issues.listForRepo", (a) => fake.issues.filter((i) => i.state === a.state)),
            create: endpoint("issues.create", (a) => {
                const issue = { number: nextId++, title: a.title as string, body: a.body as string, state: "open" as const, user: bot };
                fake.issues.push(issue);
                return issue;
            }),
        },
    };
    const page = <T>(items: T[], a: Args): T[] => {
        const size = Number(a.per_page ?? 30);
        const n = Number(a.page ?? 1);
        return items.slice((n - 1) * size, n * size);
    };
    const find = <T extends { id: unknown }>(items: T[], id: unknown, what: string): T => {
        const item = items.find((i) => i.id === id);
        if (!item) {
            throw Object.assign(new Error(`Not Found: ${what} ${String(id)}`), { status: 404 });
        }
        return item;
    };
    const routes: Record<string, (a: Args) => unknown> = {
        "GET /orgs/{org}/settings/network-configurations": (a) => ({
            total_count: fake.networkConfigurations.length,
            network_configurations: page(fake.networkConfigurations, a),
        }),
        "POST /orgs/{org}/settings/network-configurations": (a) => {
            const item = { id: `NC${nextId++}`, name: a.name as string, compute_service: (a.compute_service as string) ?? "none", network_settings_ids: a.network_settings_ids as string[] };
            fake.networkConfigurations.push(item);
            return item;
        },
        "PATCH /orgs/{org}/settings/network-configurations/{network_configuration_id}": (a) => {
            const item = find(fake.networkConfigurations, a.network_configuration_id, "network configuration");
            Object.assign(item, Object.fromEntries(Object.entries(a).filter(([k]) => ["name", "compute_service", "network_settings_ids"].includes(k))));
            return item;
        },
        "GET /orgs/{org}/actions/runner-groups": (a) => ({ total_count: fake.runnerGroups.length, runner_groups: page(fake.runnerGroups, a) }),
        "POST /orgs/{org}/actions/runner-groups": (a) => {
            const item: FakeRunnerGroup = {
                id: nextId++,
                name: a.name as string,
                visibility: (a.visibility as string) ?? "all",
                selected_repository_ids: a.selected_repository_ids as number[] | undefined,
                network_configuration_id: a.network_configuration_id as string | undefined,
                allows_public_repositories: (a.allows_public_repositories as boolean | undefined) ?? false,
                restricted_to_workflows: (a.restricted_to_workflows as boolean | undefined) ?? false,
                selected_workflows: (a.selected_workflows as string[] | undefined) ?? [],
            };
            fake.runnerGroups.push(item);
            return item;
        },
        "PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}": (a) => {
            const item = find(fake.runnerGroups, a.runner_group_id, "runner group");
            const fields = ["name", "visibility", "network_configuration_id", "allows_public_repositories", "restricted_to_workflows", "selected_workflows"];
            Object.assign(item, Object.fromEntries(Object.entries(a).filter(([k]) => fields.includes(k))));
            return item;
        },
        "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories": (a) => {
            const item = find(fake.runnerGroups, a.runner_group_id, "runner group");
            const ids = item.selected_repository_ids ?? [];
            return { total_count: ids.length, repositories: page(ids.map((id) => ({ id })), a) };
        },
        "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories": (a) => {
            const item = find(fake.runnerGroups, a.runner_group_id, "runner group");
            item.selected_repository_ids = [...(a.selected_repository_ids as number[])];
            return undefined;
        },
        "GET /repos/{owner}/{repo}/actions/secrets": (a) => ({ total_count: fake.repositorySecrets.length, secrets: page(fake.repositorySecrets.map((name) => ({ name })), a) }),
        "GET /repos/{owner}/{repo}/actions/organization-secrets": (a) => ({ total_count: fake.organizationSecrets.length, secrets: page(fake.organizationSecrets.map((name) => ({ name })), a) }),
        "GET /orgs/{org}/teams/{team_slug}": (a) => {
            const team = fake.teams.find((t) => t.slug === a.team_slug);
            if (!team) throw Object.assign(new Error(`Not Found: team ${String(a.team_slug)}`), { status: 404 });
            return team;
        },
        "GET /users/{username}": (a) => {
            const user = fake.users.find((u) => u.login === a.username);
            if (!user) throw Object.assign(new Error(`Not Found: user ${String(a.username)}`), { status: 404 });
            return user;
        },
        "PUT /repos/{owner}/{repo}/environments/{environment_name}": (a) => {
            let item = fake.environments.find((e) => e.name === a.environment_name);
            if (!item) {
                item = { name: a.environment_name as string, reviewers: [], prevent_self_review: false, deployment_branch_policy: null, branch_policies: [], secrets: [] };
                fake.environments.push(item);
            }
            item.reviewers = (a.reviewers as FakeEnvironment["reviewers"] | undefined) ?? [];
            item.prevent_self_review = Boolean(a.prevent_self_review);
            item.deployment_branch_policy = (a.deployment_branch_policy as FakeEnvironment["deployment_branch_policy"]) ?? null;
            if (!item.deployment_branch_policy?.custom_branch_policies) item.branch_policies = [];
            return item;
        },
        "GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies": (a) => {
            const item = fake.environments.find((e) => e.name === a.environment_name);
            if (!item) throw Object.assign(new Error(`Not Found: environment ${String(a.environment_name)}`), { status: 404 });
            return { total_count: item.branch_policies.length, branch_policies: page(item.branch_policies, a) };
        },
        "POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies": (a) => {
            const item = fake.environments.find((e) => e.name === a.environment_name)!;
            const policy = { id: nextId++, name: a.name as string, type: (a.type as string) ?? "branch" };
            item.branch_policies.push(policy);
            return policy;
        },
        "DELETE /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}": (a) => {
            const item = fake.environments.find((e) => e.name === a.environment_name)!;
            item.branch_policies = item.branch_policies.filter((p) => p.id !== a.branch_policy_id);
            return undefined;
        },
        "GET /repos/{owner}/{repo}/environments/{environment_name}/secrets": (a) => {
            const item = fake.environments.find((e) => e.name === a.environment_name);
            const names = item?.secrets ?? [];
            return { total_count: names.length, secrets: page(names.map((name) => ({ name })), a) };
        },
        "GET /orgs/{org}/actions/hosted-runners": (a) => ({ total_count: fake.hostedRunners.length, runners: page(fake.hostedRunners, a) }),
        "POST /orgs/{org}/actions/hosted-runners": (a) => {
            const item = {
                id: nextId++,
                name: a.name as string,
                runner_group_id: a.runner_group_id as number,
                image: a.image,
                size: a.size as string,
                maximum_runners: a.maximum_runners as number,
            };
            fake.hostedRunners.push(item);
            return item;
        },
        "PATCH /orgs/{org}/actions/hosted-runners/{hosted_runner_id}": (a) => {
            const item = find(fake.hostedRunners, a.hosted_runner_id, "hosted runner");
            Object.assign(item, Object.fromEntries(Object.entries(a).filter(([k]) => ["name", "runner_group_id", "maximum_runners", "size"].includes(k))));
            return item;
        },
    };
    fake.github.request = async (route, args) => {
        const handler = routes[route];
        if (!handler) {
            throw new Error(`the fake does not know ${route}`);
        }
        fake.calls.push({ endpoint: route, args });
        return { data: structuredClone(handler(args)) };
    };
    return fake;
}
