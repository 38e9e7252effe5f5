// Keeps one open issue for a failing scheduled drift check, so drift is tracked and assigned, not just a red
// run in the Actions tab. Runs from `actions/github-script` after the drift jobs fail: a first failure opens the
// issue, later ones add a comment to it. Closing the issue is the human's step once the stacks are in sync.
"use strict";

const issueTitle = "Drift check failed";

function failureText(runUrl, when) {
    return [
        `The scheduled drift check failed on ${when}: [workflow run](${runUrl}).`,
        "",
        "Either a stack's resources no longer match its code (something changed them outside Pulumi), or the check " +
            "could not run (Azure sign-in, the runner's access to the server, the Pulumi backend). The run's summary " +
            "shows the `pulumi preview --refresh --expect-no-changes` output per stack.",
        "",
        "To resolve: deploy the code again to undo the change, or change the code to adopt it; then close this issue.",
    ].join("\n");
}

/** Opens the drift issue, or comments on the one already open. Returns what it did. */
async function reportDrift({ github, context, core }, now = new Date()) {
    const { owner, repo } = context.repo;
    const runUrl = `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`;
    const body = failureText(runUrl, now.toISOString().slice(0, 10));

    const open = await github.paginate(github.rest.issues.listForRepo, {
        owner,
        repo,
        state: "open",
        per_page: 100,
    });
    const existing = open.find(
        (issue) => issue.title === issueTitle && !issue.pull_request && issue.user && issue.user.type === "Bot",
    );
    if (existing) {
        await github.rest.issues.createComment({ owner, repo, issue_number: existing.number, body });
        core.warning(`Drift check failed again: commented on #${existing.number}.`);
        return { action: "commented", issue: existing.number };
    }
    const { data } = await github.rest.issues.create({ owner, repo, title: issueTitle, body });
    core.warning(`Drift check failed: opened #${data.number}.`);
    return { action: "opened", issue: data.number };
}

module.exports = { reportDrift, issueTitle };
