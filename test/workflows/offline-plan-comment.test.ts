import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { Fake, fakeGitHub } from "./github-fake";
import { scriptsDir } from "./workflow-files";

interface Plan {
    stack: string;
    plan: string;
    exitCode: number | undefined;
}
const script = require(path.join(scriptsDir, "offline-plan-comment.cjs")) as {
    postOfflinePlans(
        tools: Pick<Fake, "github" | "context" | "core">,
        dir?: string,
    ): Promise<{ pullRequest?: number; comments: { stack: string; action: string; id: number }[] }>;
    readPlans(dir: string): Plan[];
    commentBody(plan: Plan, runUrl: string): string;
    marker(stack: string): string;
    maxPlanLength: number;
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

/** Lays out downloaded artifacts as actions/download-artifact does: one folder per artifact. */
function artifacts(plans: Record<string, { plan?: string; exitCode?: string }>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-plans-"));
    dirs.push(dir);
    for (const [name, { plan, exitCode }] of Object.entries(plans)) {
        fs.mkdirSync(path.join(dir, name));
        if (plan !== undefined) {
            fs.writeFileSync(path.join(dir, name, "plan.md"), plan);
        }
        if (exitCode !== undefined) {
            fs.writeFileSync(path.join(dir, name, "exit-code"), exitCode);
        }
    }
    return dir;
}

function withPull(fake: Fake, sha = "c0ffee"): Fake {
    fake.pulls.push({ number: 12, state: "open", headLabel: "forker:fix-admins", head: { sha } });
    return fake;
}

describe("offline-plan-comment.cjs", () => {
    it("posts one comment per stack on the pull request the run was for", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }));
        const dir = artifacts({
            "offline-plan-dev": { plan: "## dev\n| resource | auth |\n", exitCode: "0\n" },
            "offline-plan-prod": { plan: "## prod\nmandatory: server-entra-only FAILED\n", exitCode: "1\n" },
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
        assert.match(dev.body, /### Offline plan: `dev`/);
        assert.match(dev.body, /Result: \*\*passed\*\*/);
        assert.match(dev.body, /\| resource \| auth \|/);
        assert.ok(dev.body.includes(`[Workflow run](${runUrl})`));
        assert.match(prod.body, /Result: \*\*failed\*\* \(exit code 1\)/);
        assert.match(prod.body, /server-entra-only FAILED/);
    });

    it("edits its own comment on the next push instead of adding another, and leaves people's comments alone", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }));
        fake.comments.push(
            { id: 1, issue_number: 12, body: `${script.marker("dev")}\nquoted by a person`, user: { login: "alice", type: "User" } },
            { id: 2, issue_number: 12, body: `${script.marker("dev")}\nold plan`, user: { login: "github-actions[bot]", type: "Bot" } },
        );
        const result = await script.postOfflinePlans(fake, artifacts({ "offline-plan-dev": { plan: "new plan", exitCode: "0" } }));

        assert.deepEqual(result.comments, [{ stack: "dev", action: "updated", id: 2 }]);
        assert.equal(fake.comments.length, 2);
        assert.match(fake.comments[1].body, /new plan/);
        assert.equal(fake.comments[0].body, `${script.marker("dev")}\nquoted by a person`);
    });

    it("posts nothing when the pull request has moved on to another commit or closed", async () => {
        const fake = withPull(fakeGitHub({ workflow_run: workflowRun }), "newer-commit");
        const result = await script.postOfflinePlans(fake, artifacts({ "offline-plan-dev": { plan: "x", exitCode: "0" } }));
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
            "offline-plan-dev": { plan: "p", exitCode: "0" },
            "offline-plan-bad name": { plan: "p", exitCode: "0" },
            "something-else": { plan: "p", exitCode: "0" },
            "offline-plan-prod": { plan: "q", exitCode: "not a number" },
        });
        assert.deepEqual(script.readPlans(dir), [
            { stack: "dev", plan: "p", exitCode: 0 },
            { stack: "prod", plan: "q", exitCode: undefined },
        ]);
    });

    it("says so when the plan is empty or its exit code is missing", () => {
        const body = script.commentBody({ stack: "dev", plan: "  \n", exitCode: undefined }, runUrl);
        assert.match(body, /Result: \*\*unknown\*\*/);
        assert.match(body, /_The plan command printed nothing\._/);
    });

    it("keeps the comment under GitHub's size limit", () => {
        const body = script.commentBody({ stack: "dev", plan: "x".repeat(script.maxPlanLength * 2), exitCode: 0 }, runUrl);
        assert.ok(body.length < 65536, `${body.length} characters`);
        assert.match(body, /_Truncated: the full plan is in the run's `offline-plan-dev` artifact\._$/);
    });

    it("keeps text from the fork from notifying people, and leaves addresses intact", () => {
        const body = script.commentBody({ stack: "dev", plan: "cc @acme/admins and @bob; admin dba@contoso.com", exitCode: 0 }, runUrl);
        assert.ok(body.includes("cc @\u200bacme/admins and @\u200bbob;"));
        assert.ok(body.includes("admin dba@contoso.com"));
        assert.doesNotMatch(body, /(^|\s)@[a-z]/m);
    });
});
