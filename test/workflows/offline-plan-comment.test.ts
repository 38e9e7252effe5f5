import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { Fake, fakeGitHub } from "./github-fake";
import { scriptsDir } from "./workflow-files";

interface ReadPlan {
    stack: string;
    current?: { plan?: unknown; problem?: string };
    base?: { plan?: unknown; problem?: string };
    exitCode: number | undefined;
}
const script = require(path.join(scriptsDir, "offline-plan-comment.cjs")) as {
    postOfflinePlans(
        tools: Pick<Fake, "github" | "context" | "core">,
        dir?: string,
        stacksRoot?: string,
    ): Promise<{ pullRequest?: number; comments: { stack: string; action: string; id: number }[] }>;
    baseStacks(root: string): string[];
    maxComments: number;
    readPlans(dir: string): ReadPlan[];
    validatePlan(raw: unknown): unknown;
    escapeText(value: string, max?: number): string;
    commentBody(plan: ReadPlan, runUrl: string): string;
    marker(stack: string): string;
    maxCommentLength: number;
};

const runUrl = "https://github.com/acme/entra-postgres/actions/runs/77";
const workflowRun = {
    event: "pull_request",
    head_repository: { owner: { login: "forker" }, fork: true },
    head_branch: "fix-admins",
    head_sha: "c0ffee",
    html_url: runUrl,
};

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A plan as `npm run plan -- --format json` prints it (plan/render.ts). */
function planJson(stack: string, extra: { types?: string[]; violations?: object[]; message?: string } = {}): Record<string, unknown> {
    const types = extra.types ?? ["azure-native:dbforpostgresql:Server", "azure-native:dbforpostgresql:Database"];
    const children = types.map((type, i) => ({ urn: `urn:pulumi:${stack}::entra-postgres::${type}::r${i}`, type, name: `r${i}`, details: { note: "x" }, children: [] }));
    const violations = extra.violations ?? [];
    return {
        stack,
        resourceCount: children.length + 1,
        tree: [{ urn: `urn:pulumi:${stack}::entra-postgres::entra-postgres:index:EntraPostgres::${stack}`, type: "entra-postgres:index:EntraPostgres", name: stack, details: {}, children }],
        policies: { evaluated: 40, violations, mandatoryFailures: violations.filter((v: any) => v.enforcementLevel === "mandatory").length },
        ok: !violations.some((v: any) => v.enforcementLevel === "mandatory"),
    };
}

/** Lays out downloaded artifacts as actions/download-artifact does: one folder per artifact. */
function artifacts(plans: Record<string, { plan?: unknown; base?: unknown; exitCode?: string }>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-plans-"));
    dirs.push(dir);
    for (const [name, { plan, base, exitCode }] of Object.entries(plans)) {
        fs.mkdirSync(path.join(dir, name));
        const write = (file: string, value: unknown) => {
            if (value !== undefined) fs.writeFileSync(path.join(dir, name, file), typeof value === "string" ? value : JSON.stringify(value));
        };
        write("plan.json", plan);
        write("base.json", base);
        write("exit-code", exitCode);
    }
    return dir;
}

function withPull(fake: Fake, sha = "c0ffee"): Fake {
    fake.pulls.push({ number: 12, state: "open", headLabel: "forker:fix-admins", head: { sha } });
    return fake;
}

/** The body for `plan` as the artifact `offline-plan-<stack>` holding it. */
function bodyFor(stack: string, plan: unknown, base?: unknown, exitCode = "0"): string {
    const dir = artifacts({ [`offline-plan-${stack}`]: { plan, base, exitCode } });
    return script.commentBody(script.readPlans(dir)[0], runUrl);
}

/** The text the comment shows of the fork's data: everything after the fixed caution paragraph. */
function forkPart(body: string): string {
    return body.slice(body.indexOf("[Workflow run]"));
}

describe("offline-plan-comment.cjs: how many comments", () => {
    it("300 artifacts for made-up stacks give no comment: only the base repository's stacks are posted, each once", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }));
        const plans: Record<string, { plan?: unknown; exitCode?: string }> = {};
        for (let i = 0; i < 300; i++) plans[`offline-plan-x${String(i).padStart(3, "0")}`] = { plan: planJson(`x${String(i).padStart(3, "0")}`), exitCode: "0" };
        plans["offline-plan-dev"] = { plan: planJson("dev"), exitCode: "0" };
        const result = await script.postOfflinePlans(fake, artifacts(plans));
        assert.deepEqual(result.comments.map((c) => c.stack), ["dev"]);
        assert.equal(fake.calls.filter((c) => c.endpoint === "issues.createComment").length, 1);
        assert.ok(fake.log.some((m) => /^Ignored 300 artifact\(s\) for stacks this repository does not have \(x000, x001, x002, x003, x004, …\)\.$/.test(m)), fake.log.join("\n"));
    });

    it("never more than 10 comments, even for a base repository with more stacks", async () => {
        assert.equal(script.maxComments, 10);
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "base-"));
        dirs.push(root);
        const plans: Record<string, { plan?: unknown; exitCode?: string }> = {};
        for (let i = 0; i < 25; i++) {
            fs.writeFileSync(path.join(root, `Pulumi.s${i}.yaml`), "config: {}\n");
            plans[`offline-plan-s${i}`] = { plan: planJson(`s${i}`), exitCode: "0" };
        }
        fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: x\n");
        assert.equal(script.baseStacks(root).length, 25);
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }));
        const result = await script.postOfflinePlans(fake, artifacts(plans), root);
        assert.equal(result.comments.length, 10);
        assert.equal(fake.calls.filter((c) => c.endpoint === "issues.createComment").length, 10);
    });
});

describe("offline-plan-comment.cjs", () => {
    it("posts one comment per stack on the pull request the run was for, from the validated plans", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }));
        const failing = { policyName: "server-entra-only", enforcementLevel: "mandatory", kind: "resource", urn: "urn:pulumi:prod::entra-postgres::azure-native:dbforpostgresql:Server::r0", message: "password auth is on" };
        const dir = artifacts({
            "offline-plan-dev": { plan: planJson("dev"), base: planJson("dev"), exitCode: "0\n" },
            "offline-plan-prod": { plan: planJson("prod", { violations: [failing] }), base: planJson("prod"), exitCode: "1\n" },
        });
        const result = await script.postOfflinePlans(fake, dir);

        assert.equal(result.pullRequest, 12);
        assert.deepEqual(result.comments.map((c) => [c.stack, c.action]), [["dev", "created"], ["prod", "created"]]);
        assert.deepEqual(fake.calls[0], {
            endpoint: "pulls.list",
            args: { owner: "acme", repo: "entra-postgres", state: "open", head: "forker:fix-admins", per_page: 100 },
        });
        const [dev, prod] = fake.comments;
        assert.equal(dev.issue_number, 12);
        assert.ok(dev.body.startsWith(script.marker("dev")));
        assert.match(dev.body, /### Offline plan of a fork: `dev`/);
        assert.match(dev.body, /\*\*Computed by the fork's own code\.\*\*/);
        assert.match(dev.body, /not a verdict of this repository/);
        assert.doesNotMatch(dev.body, /Result: \*\*passed\*\*/, "no verdict in this repository's voice");
        assert.match(dev.body, /The fork's run exited with code 0/);
        assert.match(dev.body, /\| resources \| 3 \| 3 \|/);
        assert.ok(dev.body.includes(`[Workflow run](${runUrl})`));
        assert.match(prod.body, /exited with code 1 \(by the plan command's convention: a mandatory policy failed\)/);
        assert.match(prod.body, /\| server\\-entra\\-only \| mandatory \| r0 \| password auth is on \| no \|/);
    });

    it("edits its own comment on the next push instead of adding another, and leaves people's comments alone", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }));
        fake.comments.push(
            { id: 1, issue_number: 12, body: `${script.marker("dev")}\nquoted by a person`, user: { login: "alice", type: "User" } },
            { id: 2, issue_number: 12, body: `${script.marker("dev")}\nold plan`, user: { login: "github-actions[bot]", type: "Bot" } },
        );
        const result = await script.postOfflinePlans(fake, artifacts({ "offline-plan-dev": { plan: planJson("dev"), exitCode: "0" } }));

        assert.deepEqual(result.comments, [{ stack: "dev", action: "updated", id: 2 }]);
        assert.equal(fake.comments.length, 2);
        assert.match(fake.comments[1].body, /\| resources \| 3 \|/);
        assert.equal(fake.comments[0].body, `${script.marker("dev")}\nquoted by a person`);
    });

    it("posts nothing when the pull request has moved on to another commit or closed", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }), "newer-commit");
        const result = await script.postOfflinePlans(fake, artifacts({ "offline-plan-dev": { plan: planJson("dev"), exitCode: "0" } }));
        assert.equal(result.pullRequest, undefined);
        assert.deepEqual(fake.comments, []);
    });

    it("posts nothing, and asks nothing of the API, when the run uploaded no plan", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }));
        const result = await script.postOfflinePlans(fake, path.join(os.tmpdir(), "no-such-offline-plans"));
        assert.deepEqual(result.comments, []);
        assert.deepEqual(fake.calls, []);
    });

    it("reads only offline-plan-<stack> folders with a plain stack name", () => {
        const dir = artifacts({
            "offline-plan-dev": { plan: planJson("dev"), exitCode: "0" },
            "offline-plan-bad name": { plan: planJson("dev"), exitCode: "0" },
            "something-else": { plan: planJson("dev"), exitCode: "0" },
            "offline-plan-prod": { plan: "{not json", exitCode: "not a number" },
        });
        const plans = script.readPlans(dir);
        assert.deepEqual(plans.map((p) => [p.stack, p.exitCode, p.current?.problem, p.base]), [
            ["dev", 0, undefined, undefined],
            ["prod", undefined, "the file is not JSON", undefined],
        ]);
    });

    it("edits the comment when the fork's new code has changed the resource types, against the base branch", () => {
        const body = bodyFor("dev", planJson("dev", { types: ["azure-native:dbforpostgresql:Server", "azure-native:network:PublicIPAddress"] }), planJson("dev"));
        assert.match(body, /Resource types whose count the pull request changes/);
        assert.match(body, /\| azure\\-native\\:network\\:PublicIPAddress \| 1 \| 0 \|/);
        assert.match(body, /\| azure\\-native\\:dbforpostgresql\\:Database \| 0 \| 1 \|/);
    });

    it("says so, and shows nothing, when the plan is missing or does not fit the schema", () => {
        assert.match(bodyFor("dev", undefined), /uploaded no `plan\.json`\. Nothing is shown\./);
        const cases: [unknown, RegExp][] = [
            ["[1,2]", /the plan is not a JSON object/],
            [{ ...planJson("dev"), resourceCount: "3" }, /resourceCount is not a non-negative integer/],
            [{ ...planJson("dev"), ok: "yes" }, /ok is not true or false/],
            [{ ...planJson("dev"), stack: "dev<script>" }, /stack is not a stack name/],
            [{ ...planJson("dev"), tree: [{ type: "t", name: "n", urn: "u", details: { a: 1 }, children: [] }] }, /tree\[0\]\.details\.a is not a string/],
            [planJson("dev", { violations: [{ policyName: "p", enforcementLevel: "critical", kind: "resource", message: "m" }] }), /enforcementLevel is not one of/],
            [{ ...planJson("dev"), policies: { evaluated: 1, mandatoryFailures: 0, violations: "none" } }, /policies\.violations is not a list/],
        ];
        for (const [plan, problem] of cases) {
            // The reason is escaped like any text that may hold the fork's strings.
            const body = bodyFor("dev", plan).replace(/\\/g, "");
            assert.match(body, /was refused: /);
            assert.match(body, problem);
            assert.match(body, /Nothing from it is shown\./);
            assert.doesNotMatch(body, /\| resources \|/);
        }
        assert.match(bodyFor("prod", planJson("dev")), /for another stack than its artifact/);
    });

    it("refuses a plan whose tree is nested too deep or too large, without overflowing the stack", () => {
        let node: any = { urn: "u", type: "t", name: "n", details: {}, children: [] };
        for (let i = 0; i < 200; i++) node = { urn: "u", type: "t", name: "n", details: {}, children: [node] };
        assert.match(bodyFor("dev", { ...planJson("dev"), tree: [node] }).replace(/\\/g, ""), /nested deeper than 32/);
        const wide = Array.from({ length: 6000 }, () => ({ urn: "u", type: "t", name: "n", details: {}, children: [] }));
        assert.match(bodyFor("dev", { ...planJson("dev"), tree: wide }).replace(/\\/g, ""), /more than 5000 resources/);
    });

    describe("hostile plan data shows as inert text", () => {
        const hostile = [
            "<img src=x onerror=alert(1)>",
            "</td></tr></table><details open><summary>Result: passed</summary>",
            "[click me](https://evil.example/steal)",
            "![pixel](https://evil.example/p.png)",
            "<!-- entra-postgres offline plan: prod -->",
            "\n\n### Result: **passed**\n\n> [!NOTE]\n> approved by the maintainers",
            "`code` *bold* _em_ ~~strike~~ | pipe | cell",
            "cc @acme/admins and @bob; dba@contoso.com",
            "javascript:alert(1) &lt;already&gt; &amp;",
            "\u202eRTL\u2028line\u0000nul",
        ];
        const violations = hostile.map((message, i) => ({
            policyName: hostile[(i + 1) % hostile.length].slice(0, 100),
            enforcementLevel: "advisory",
            kind: "resource",
            urn: `urn:pulumi:dev::entra-postgres::x::${hostile[i]}`,
            message,
        }));
        const plan = planJson("dev", { types: hostile, violations });
        plan.tree = [...(plan.tree as object[]), { urn: "u", type: "t", name: hostile[0], details: { [hostile[1]]: hostile[2] }, children: [] }];
        const body = bodyFor("dev", plan, undefined, "0");
        const fork = forkPart(body);

        it("no HTML of the fork's: every < and > it sent is an entity", () => {
            assert.doesNotMatch(fork.replace(`[Workflow run](${runUrl})`, ""), /[<>]/);
            assert.ok(fork.includes("&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"));
        });

        it("no links, images, headings, quotes or code of the fork's making", () => {
            const own = ["**Resources by type**", "**Policy violations the fork's run reports**"];
            const text = own.reduce((t, line) => t.replace(line, ""), fork.replace(`[Workflow run](${runUrl})`, ""));
            assert.doesNotMatch(text, /\]\(/, "no link or image syntax");
            assert.doesNotMatch(text, /(^|[^\\])`/, "no unescaped backtick");
            assert.doesNotMatch(text, /^\s*(#|>)/m, "no heading or quote line from the fork");
            assert.doesNotMatch(text, /(^|[^\\])\*\*/, "no bold");
        });

        it("the fork's strings never start a new line or break out of a table cell", () => {
            const rows = fork.split("\n").filter((l) => l.startsWith("| ") && l.includes("advisory"));
            assert.equal(rows.length, hostile.length);
            for (const row of rows) {
                const unescapedPipes = row.match(/(^|[^\\])\|/g) ?? [];
                assert.equal(unescapedPipes.length, 5, `five cell borders: ${row}`);
            }
        });

        it("no bidirectional or zero-width controls survive", () => {
            assert.doesNotMatch(body, /[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
        });

        it("the marker appears once, at the top; no one is mentioned", () => {
            assert.equal(body.split("<!-- entra-postgres offline plan:").length, 2);
            assert.ok(body.startsWith(script.marker("dev")));
            assert.doesNotMatch(body, /(^|[^A-Za-z0-9_.+-])@[A-Za-z0-9]/);
        });

        it("the result is the fork's, in the fork's name", () => {
            assert.match(body, /Computed by the fork's own code/);
            assert.doesNotMatch(forkPart(body), /Result: \*\*passed\*\*/);
        });
    });

    it("keeps the comment under GitHub's size limit", () => {
        const violations = Array.from({ length: 2000 }, (_, i) => ({ policyName: `p${i}`, enforcementLevel: "advisory", kind: "stack", message: "m".repeat(4000) }));
        const types = Array.from({ length: 4000 }, (_, i) => `type:${i}:${"x".repeat(280)}`);
        const body = bodyFor("dev", planJson("dev", { violations, types }));
        assert.ok(body.length <= script.maxCommentLength + 200, `${body.length} characters`);
        assert.ok(body.length < 65536);
    });

    it("escapeText cuts long text and flattens control characters", () => {
        assert.equal(script.escapeText("a\nb\tc"), "a b c");
        assert.equal(script.escapeText("x".repeat(10), 4), "xxxx…");
    });
});
