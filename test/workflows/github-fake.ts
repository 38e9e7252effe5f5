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

type Args = Record<string, unknown>;
type Endpoint = (args: Args) => Promise<{ data: unknown }>;

export interface Fake {
    github: { paginate: (endpoint: Endpoint, args: Args) => Promise<unknown[]>; rest: Record<string, Record<string, Endpoint>> };
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
        calls: [],
        log: [],
        context: { repo: { owner: "acme", repo: "entra-postgres" }, payload, serverUrl: "https://github.com", runId: 4242 },
        core: { info: (m) => fake.log.push(m), warning: (m) => fake.log.push(m) },
        github: { paginate: async (endpoint, args) => (await endpoint(args)).data as unknown[], rest: {} },
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
    return fake;
}
