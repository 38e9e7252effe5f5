// Posts the offline plans of a pull request from a fork: one comment per stack, edited in place on every push.
//
// Runs from `actions/github-script` in the `workflow_run` that follows the "Pull request" workflow. The fork's
// own run cannot comment (its token is read-only), so it uploads each plan as an `offline-plan-<stack>` artifact
// (`plan.md`, `exit-code`) and this script, running with the base repository's token, posts them. Everything in
// the artifacts was produced by the fork's code: it is only ever comment text, and the pull request is found
// from the trusted `workflow_run` event (head repository, branch and commit), never from the artifacts.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

/** GitHub refuses comment bodies over 65,536 characters; the header and the note fit in the rest. */
const maxPlanLength = 60000;
const artifactPrefix = "offline-plan-";
const stackName = /^[A-Za-z0-9._-]{1,64}$/;

/** The hidden first line that marks the comment of one stack, so the next run edits it instead of adding one. */
function marker(stack) {
    return `<!-- entra-postgres offline plan: ${stack} -->`;
}

/** Reads the `offline-plan-<stack>` folders under `dir`; folders with another name or an unsafe stack are skipped. */
function readPlans(dir) {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs
        .readdirSync(dir)
        .filter((name) => name.startsWith(artifactPrefix) && stackName.test(name.slice(artifactPrefix.length)))
        .sort()
        .map((name) => {
            const folder = path.join(dir, name);
            const read = (file) => {
                const full = path.join(folder, file);
                return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
            };
            const code = read("exit-code").trim();
            return {
                stack: name.slice(artifactPrefix.length),
                plan: read("plan.md"),
                exitCode: /^\d+$/.test(code) ? Number(code) : undefined,
            };
        });
}

/** Keeps `@name` from notifying anyone (the text comes from the fork); addresses like `a@b.com` stay as they are. */
function neutralizeMentions(text) {
    return text.replace(/(^|[^A-Za-z0-9_.+-])@(?=[A-Za-z0-9])/g, "$1@\u200b");
}

/** The comment for one stack's plan. */
function commentBody(plan, runUrl) {
    const lines = [
        marker(plan.stack),
        `### Offline plan: \`${plan.stack}\``,
        "",
        "This pull request comes from a fork, so its workflow gets no Azure credentials and no `pulumi preview` runs. " +
            `Below is \`npm run plan -- --stack ${plan.stack} --format markdown\`: the program run under mocks with the ` +
            `\`${plan.stack}\` stack's config and checked by the policy pack. Values only Azure knows show as unknown. ` +
            `[Workflow run](${runUrl})`,
        "",
    ];
    if (plan.exitCode === 0) {
        lines.push("Result: **passed** (no mandatory policy failed).");
    } else if (plan.exitCode === undefined) {
        lines.push("Result: **unknown**: the plan step did not record an exit code; see the workflow run.");
    } else {
        lines.push(
            `Result: **failed** (exit code ${plan.exitCode}): a mandatory policy failed, or the program did not run; see the workflow run.`,
        );
    }
    lines.push("");
    let text = neutralizeMentions(plan.plan.trim());
    if (text === "") {
        text = "_The plan command printed nothing._";
    } else if (text.length > maxPlanLength) {
        text = `${text.slice(0, maxPlanLength)}\n\n_Truncated: the full plan is in the run's \`${artifactPrefix}${plan.stack}\` artifact._`;
    }
    lines.push(text);
    return lines.join("\n");
}

/**
 * Finds the open pull request the run was for and posts or edits one comment per plan.
 * Returns what it did, for the job log.
 */
async function postOfflinePlans({ github, context, core }, plansDir = process.env.PLANS_DIR || "offline-plans") {
    const run = context.payload.workflow_run;
    const { owner, repo } = context.repo;
    const plans = readPlans(plansDir);
    if (plans.length === 0) {
        core.info("The run uploaded no offline plan: nothing to post.");
        return { pullRequest: undefined, comments: [] };
    }

    const head = `${run.head_repository.owner.login}:${run.head_branch}`;
    const pulls = await github.paginate(github.rest.pulls.list, { owner, repo, state: "open", head, per_page: 100 });
    const pull = pulls.find((p) => p.head.sha === run.head_sha);
    if (!pull) {
        core.info(`No open pull request from ${head} is at ${run.head_sha} any more: nothing to post.`);
        return { pullRequest: undefined, comments: [] };
    }

    const runUrl = run.html_url;
    const existing = await github.paginate(github.rest.issues.listComments, {
        owner,
        repo,
        issue_number: pull.number,
        per_page: 100,
    });
    const comments = [];
    for (const plan of plans) {
        const body = commentBody(plan, runUrl);
        const mine = existing.find(
            (c) => c.user && c.user.type === "Bot" && typeof c.body === "string" && c.body.startsWith(marker(plan.stack)),
        );
        if (mine) {
            await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
            comments.push({ stack: plan.stack, action: "updated", id: mine.id });
        } else {
            const { data } = await github.rest.issues.createComment({ owner, repo, issue_number: pull.number, body });
            comments.push({ stack: plan.stack, action: "created", id: data.id });
        }
        core.info(`Offline plan of ${plan.stack} posted on #${pull.number}.`);
    }
    return { pullRequest: pull.number, comments };
}

module.exports = { postOfflinePlans, readPlans, commentBody, marker, neutralizeMentions, maxPlanLength };
