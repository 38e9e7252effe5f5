import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Fake, fakeGitHub } from "./github-fake";
import { scriptsDir } from "./workflow-files";

const script = require(path.join(scriptsDir, "drift-issue.cjs")) as {
    reportDrift(tools: Pick<Fake, "github" | "context" | "core">, now?: Date): Promise<{ action: string; issue: number }>;
    issueTitle: string;
};

const runUrl = "https://github.com/acme/entra-postgres/actions/runs/4242";
const now = new Date("2026-11-23T05:30:00Z");
const bot = { login: "github-actions[bot]", type: "Bot" as const };

describe("drift-issue.cjs", () => {
    it("opens an issue on the first failure, linking the run", async () => {
        const fake = fakeGitHub();
        const result = await script.reportDrift(fake, now);

        assert.equal(result.action, "opened");
        assert.equal(fake.issues.length, 1);
        const [issue] = fake.issues;
        assert.equal(issue.title, "Drift check failed");
        assert.ok(issue.body.includes(`failed on 2026-11-23: [workflow run](${runUrl})`));
        assert.match(issue.body, /pulumi preview --refresh --expect-no-changes/);
        assert.ok(fake.log.some((m) => m.includes(`opened #${issue.number}`)));
    });

    it("comments on the issue already open instead of opening another", async () => {
        const fake = fakeGitHub();
        fake.issues.push({ number: 7, title: script.issueTitle, body: "earlier", state: "open", user: bot });
        const result = await script.reportDrift(fake, now);

        assert.deepEqual(result, { action: "commented", issue: 7 });
        assert.equal(fake.issues.length, 1);
        assert.equal(fake.comments.length, 1);
        assert.equal(fake.comments[0].issue_number, 7);
        assert.ok(fake.comments[0].body.includes(runUrl));
    });

    it("ignores a closed issue, a person's issue and a pull request of the same title", async () => {
        const fake = fakeGitHub();
        fake.issues.push(
            { number: 3, title: script.issueTitle, body: "", state: "closed", user: bot },
            { number: 4, title: script.issueTitle, body: "", state: "open", user: { login: "alice", type: "User" } },
            { number: 5, title: script.issueTitle, body: "", state: "open", user: bot, pull_request: {} },
        );
        const result = await script.reportDrift(fake, now);
        assert.equal(result.action, "opened");
        assert.ok(![3, 4, 5].includes(result.issue));
    });
});
