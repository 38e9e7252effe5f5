// Posts the offline plans of a pull request from a fork: one comment per stack of the base repository (never more
// than ten, whatever the fork uploaded), edited in place on every push.
//
// Runs from `actions/github-script` in the `workflow_run` that follows the "Pull request" workflow. The fork's
// own run cannot comment (its token is read-only), so it uploads each plan as an `offline-plan-<stack>` artifact
// (`plan.json` from `npm run plan -- --format json`, `base.json` with the base branch's plan, `exit-code`) and this
// script, running with the base repository's token, posts them.
//
// Everything in the artifacts was produced by code the fork controls, so none of it is trusted: the JSON is
// parsed and checked against a fixed schema (anything else is refused and not shown), only the checked fields
// are used, every string from it is escaped so that it shows as text (no Markdown, HTML, links or mentions of
// the fork's making), and the comment says plainly that the result was computed by the fork's own code. The pull
// request is found from the trusted `workflow_run` event (head repository, branch and commit), never from the
// artifacts.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

/** GitHub refuses comment bodies over 65,536 characters. */
const maxCommentLength = 60000;
/** Artifact files larger than this are refused unread. */
const maxFileBytes = 5 * 1024 * 1024;
const artifactPrefix = "offline-plan-";
const stackName = /^[A-Za-z0-9._-]{1,64}$/;
const enforcementLevels = ["advisory", "mandatory", "remediate", "disabled"];
const policyKinds = ["resource", "stack"];
/** Limits of the schema: a plan beyond them is refused. */
const limits = { nodes: 5000, depth: 32, details: 64, violations: 2000, text: 4000 };
/** At most this many rows of each table are shown. */
const shown = { types: 60, violations: 50 };
/**
 * At most this many comments per run, whatever the fork uploaded: one per stack of the base repository (its
 * `Pulumi.<stack>.yaml` files), and never more than this even if it had more stacks.
 */
const maxComments = 10;

/** The hidden first line that marks the comment of one stack, so the next run edits it instead of adding one. */
function marker(stack) {
    return `<!-- entra-postgres offline plan: ${stack} -->`;
}

// ---- validation ---------------------------------------------------------------------------------------------

class PlanError extends Error {}

function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function text(value, where, { optional = false, max = limits.text } = {}) {
    if (value === undefined && optional) return undefined;
    if (typeof value !== "string") throw new PlanError(`${where} is not a string`);
    if (value.length > max) throw new PlanError(`${where} is longer than ${max} characters`);
    return value;
}

function count(value, where) {
    if (!Number.isSafeInteger(value) || value < 0) throw new PlanError(`${where} is not a non-negative integer`);
    return value;
}

function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/**
 * Checks `raw` (parsed JSON) against the plan schema of `plan/render.ts` and returns a fresh object holding only
 * the checked fields. Throws a PlanError naming the first field that does not fit.
 */
function validatePlan(raw) {
    if (!isPlainObject(raw)) throw new PlanError("the plan is not a JSON object");
    const stack = text(own(raw, "stack"), "stack", { max: 64 });
    if (!stackName.test(stack)) throw new PlanError("stack is not a stack name");
    const resourceCount = count(own(raw, "resourceCount"), "resourceCount");
    const ok = own(raw, "ok");
    if (typeof ok !== "boolean") throw new PlanError("ok is not true or false");

    let nodes = 0;
    const node = (value, where, depth) => {
        if (depth > limits.depth) throw new PlanError(`the tree is nested deeper than ${limits.depth} levels`);
        if (!isPlainObject(value)) throw new PlanError(`${where} is not an object`);
        if (++nodes > limits.nodes) throw new PlanError(`the tree has more than ${limits.nodes} resources`);
        const details = own(value, "details");
        if (!isPlainObject(details)) throw new PlanError(`${where}.details is not an object`);
        const entries = Object.keys(details);
        if (entries.length > limits.details) throw new PlanError(`${where}.details has more than ${limits.details} entries`);
        const children = own(value, "children");
        if (!Array.isArray(children)) throw new PlanError(`${where}.children is not a list`);
        return {
            urn: text(own(value, "urn"), `${where}.urn`),
            type: text(own(value, "type"), `${where}.type`, { max: 300 }),
            name: text(own(value, "name"), `${where}.name`, { max: 300 }),
            details: Object.fromEntries(entries.map((k) => [text(k, `${where}.details key`, { max: 100 }), text(details[k], `${where}.details.${k}`)])),
            children: children.map((c, i) => node(c, `${where}.children[${i}]`, depth + 1)),
        };
    };
    const treeRaw = own(raw, "tree");
    if (!Array.isArray(treeRaw)) throw new PlanError("tree is not a list");
    const tree = treeRaw.map((n, i) => node(n, `tree[${i}]`, 1));

    const policies = own(raw, "policies");
    if (!isPlainObject(policies)) throw new PlanError("policies is not an object");
    const violationsRaw = own(policies, "violations");
    if (!Array.isArray(violationsRaw)) throw new PlanError("policies.violations is not a list");
    if (violationsRaw.length > limits.violations) throw new PlanError(`policies.violations has more than ${limits.violations} entries`);
    const violations = violationsRaw.map((v, i) => {
        const where = `policies.violations[${i}]`;
        if (!isPlainObject(v)) throw new PlanError(`${where} is not an object`);
        const enforcementLevel = own(v, "enforcementLevel");
        if (!enforcementLevels.includes(enforcementLevel)) throw new PlanError(`${where}.enforcementLevel is not one of ${enforcementLevels.join(", ")}`);
        const kind = own(v, "kind");
        if (!policyKinds.includes(kind)) throw new PlanError(`${where}.kind is not one of ${policyKinds.join(", ")}`);
        return {
            policyName: text(own(v, "policyName"), `${where}.policyName`, { max: 200 }),
            enforcementLevel,
            kind,
            urn: text(own(v, "urn"), `${where}.urn`, { optional: true }),
            message: text(own(v, "message"), `${where}.message`),
        };
    });
    return {
        stack,
        resourceCount,
        ok,
        tree,
        policies: {
            evaluated: count(own(policies, "evaluated"), "policies.evaluated"),
            mandatoryFailures: count(own(policies, "mandatoryFailures"), "policies.mandatoryFailures"),
            violations,
        },
    };
}

/** Reads and validates one JSON file of an artifact: `{ plan }`, `{ problem }`, or undefined when absent. */
function readPlanFile(file) {
    if (!fs.existsSync(file)) return undefined;
    const size = fs.statSync(file).size;
    if (size > maxFileBytes) return { problem: `the file is larger than ${maxFileBytes} bytes` };
    let raw;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return { problem: "the file is not JSON" };
    }
    try {
        return { plan: validatePlan(raw) };
    } catch (err) {
        if (err instanceof PlanError) return { problem: err.message };
        throw err;
    }
}

/** The stacks of the `offline-plan-<stack>` folders under `dir`, sorted; other names and unsafe stacks are skipped. */
function artifactStacks(dir) {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((name) => name.startsWith(artifactPrefix) && stackName.test(name.slice(artifactPrefix.length)))
        .map((name) => name.slice(artifactPrefix.length))
        .sort();
}

/**
 * Reads the `offline-plan-<stack>` folders under `dir` (only those of the stacks in `only`, when given: nothing else
 * is opened); folders with another name or an unsafe stack are skipped.
 */
function readPlans(dir, only) {
    return artifactStacks(dir)
        .filter((stack) => !only || only.includes(stack))
        .map((stack) => `${artifactPrefix}${stack}`)
        .map((name) => {
            const folder = path.join(dir, name);
            const codeFile = path.join(folder, "exit-code");
            const code = fs.existsSync(codeFile) && fs.statSync(codeFile).size < 16 ? fs.readFileSync(codeFile, "utf8").trim() : "";
            return {
                stack: name.slice(artifactPrefix.length),
                current: readPlanFile(path.join(folder, "plan.json")),
                base: readPlanFile(path.join(folder, "base.json")),
                exitCode: /^\d{1,3}$/.test(code) ? Number(code) : undefined,
            };
        });
}

// ---- rendering ----------------------------------------------------------------------------------------------

/**
 * A string from the fork as inert Markdown text on one line: HTML special characters become entities, Markdown
 * punctuation is backslash-escaped (no emphasis, code, links, images, headings, tables or HTML comments), `@` is
 * kept from mentioning anyone, line breaks and control characters become spaces, and it is cut at `max`.
 */
function escapeText(value, max = 300) {
    // Control characters, line and paragraph separators, and the bidirectional and zero-width controls that
    // make text display otherwise than it reads. Matching control characters is the point of this pattern.
    // eslint-disable-next-line no-control-regex -- the pattern exists to match control characters
    let s = String(value).replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g, " ").trim();
    if (s.length > max) s = `${s.slice(0, max)}…`;
    s = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    s = s.replace(/[\\`*_{}[\]()#+\-.!|~:=]/g, (c) => `\\${c}`);
    return s.replace(/@/g, "&#64;");
}

/** `@name` in text this script writes itself is not needed; kept for callers of the old API. */
function neutralizeMentions(value) {
    return String(value).replace(/(^|[^A-Za-z0-9_.+-])@(?=[A-Za-z0-9])/g, "$1@\u200b");
}

function flatten(tree) {
    const out = [];
    const walk = (nodes) => nodes.forEach((n) => { out.push(n); walk(n.children); });
    walk(tree);
    return out;
}

function typeCounts(plan) {
    const counts = new Map();
    for (const n of flatten(plan.tree)) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
    return counts;
}

function resultLine(plan) {
    if (plan.exitCode === undefined) return "The fork's run recorded no exit code.";
    const meaning = plan.exitCode === 0 ? "no mandatory policy failed" : plan.exitCode === 1 ? "a mandatory policy failed" : "the settings or the program are invalid";
    return `The fork's run exited with code ${plan.exitCode} (by the plan command's convention: ${meaning}).`;
}

/** The comment for one stack's plan. */
function commentBody(plan, runUrl) {
    const lines = [
        marker(plan.stack),
        `### Offline plan of a fork: \`${plan.stack}\``,
        "",
        "> [!CAUTION]",
        "> **Computed by the fork's own code.** This pull request comes from a fork, so its workflow gets no Azure " +
            "credentials. It ran `npm run plan` with the fork's version of the program, the policy pack and the plan " +
            "command, any of which the pull request may change. This repository only checked that the output has the " +
            "shape of a plan and shows it as plain text: it is not a verdict of this repository, and a review of the " +
            "changed code is what counts.",
        "",
        `${resultLine(plan)} [Workflow run](${runUrl})`,
        "",
    ];
    const current = plan.current;
    if (!current || current.problem !== undefined) {
        lines.push(
            current
                ? `The fork's \`plan.json\` was refused: ${escapeText(current.problem)}. Nothing from it is shown.`
                : "The fork's run uploaded no `plan.json`. Nothing is shown.",
        );
        return lines.join("\n");
    }
    const p = current.plan;
    if (p.stack !== plan.stack) {
        lines.push("The fork's `plan.json` is for another stack than its artifact. Nothing from it is shown.");
        return lines.join("\n");
    }
    const base = plan.base && plan.base.plan && plan.base.plan.stack === plan.stack ? plan.base.plan : undefined;
    lines.push(
        "| | fork | base branch |",
        "| --- | --- | --- |",
        `| resources | ${p.resourceCount} | ${base ? base.resourceCount : "not available"} |`,
        `| policies evaluated | ${p.policies.evaluated} | ${base ? base.policies.evaluated : "not available"} |`,
        `| mandatory failures | ${p.policies.mandatoryFailures} | ${base ? base.policies.mandatoryFailures : "not available"} |`,
        `| violations | ${p.policies.violations.length} | ${base ? base.policies.violations.length : "not available"} |`,
        "",
    );

    const counts = typeCounts(p);
    const baseCounts = base ? typeCounts(base) : new Map();
    const types = [...new Set([...counts.keys(), ...baseCounts.keys()])].sort();
    const changed = base ? types.filter((t) => (counts.get(t) ?? 0) !== (baseCounts.get(t) ?? 0)) : types;
    lines.push(base ? "**Resource types whose count the pull request changes**" : "**Resources by type**", "");
    if (changed.length === 0) {
        lines.push("None.", "");
    } else {
        lines.push(base ? "| type | fork | base branch |" : "| type | count |", base ? "| --- | --- | --- |" : "| --- | --- |");
        for (const t of changed.slice(0, shown.types)) {
            lines.push(base ? `| ${escapeText(t)} | ${counts.get(t) ?? 0} | ${baseCounts.get(t) ?? 0} |` : `| ${escapeText(t)} | ${counts.get(t)} |`);
        }
        if (changed.length > shown.types) lines.push(`| … ${changed.length - shown.types} more | | |`);
        lines.push("");
    }

    const names = new Map(flatten(p.tree).map((n) => [n.urn, n.name]));
    const baseKeys = new Set((base ? base.policies.violations : []).map((v) => `${v.policyName}\u0000${v.urn ?? ""}`));
    lines.push("**Policy violations the fork's run reports**", "");
    if (p.policies.violations.length === 0) {
        lines.push("None.");
    } else {
        lines.push(base ? "| policy | level | resource | message | also on base |" : "| policy | level | resource | message |");
        lines.push(base ? "| --- | --- | --- | --- | --- |" : "| --- | --- | --- | --- |");
        for (const v of p.policies.violations.slice(0, shown.violations)) {
            const resource = v.urn ? escapeText(names.get(v.urn) ?? v.urn.split("::").pop(), 120) : "(stack)";
            const row = `| ${escapeText(v.policyName, 100)} | ${v.enforcementLevel} | ${resource} | ${escapeText(v.message, 400)} |`;
            lines.push(base ? `${row} ${baseKeys.has(`${v.policyName}\u0000${v.urn ?? ""}`) ? "yes" : "no"} |` : row);
        }
        if (p.policies.violations.length > shown.violations) {
            lines.push("", `${p.policies.violations.length - shown.violations} more are in the run's \`${artifactPrefix}${plan.stack}\` artifact.`);
        }
    }
    let body = lines.join("\n");
    if (body.length > maxCommentLength) {
        body = `${body.slice(0, maxCommentLength).replace(/\n[^\n]*$/, "")}\n\n_Cut to fit a comment; the full plan is in the run's artifact._`;
    }
    return body;
}

/** The stacks of the base repository checked out at `root`: one per `Pulumi.<stack>.yaml`. */
function baseStacks(root) {
    return fs
        .readdirSync(root)
        .map((name) => /^Pulumi\.(.+)\.ya?ml$/.exec(name))
        .filter((match) => match !== null && stackName.test(match[1]))
        .map((match) => match[1])
        .sort();
}

/**
 * Finds the open pull request the run was for and posts or edits one comment per plan: only for the base
 * repository's stacks (an artifact named after any other stack is ignored), and at most {@link maxComments}.
 * Returns what it did, for the job log.
 */
async function postOfflinePlans({ github, context, core }, plansDir = process.env.PLANS_DIR || "offline-plans", stacksRoot = process.env.GITHUB_WORKSPACE || process.cwd()) {
    const run = context.payload.workflow_run;
    const { owner, repo } = context.repo;
    const stacks = baseStacks(stacksRoot);
    const ignored = artifactStacks(plansDir).filter((stack) => !stacks.includes(stack));
    if (ignored.length > 0) {
        core.warning(`Ignored ${ignored.length} artifact(s) for stacks this repository does not have (${ignored.slice(0, 5).join(", ")}${ignored.length > 5 ? ", …" : ""}).`);
    }
    const plans = readPlans(plansDir, stacks.slice(0, maxComments));
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

module.exports = {
    postOfflinePlans,
    baseStacks,
    maxComments,
    readPlans,
    readPlanFile,
    validatePlan,
    escapeText,
    commentBody,
    marker,
    neutralizeMentions,
    maxCommentLength,
    PlanError,
};
