import type { PolicyResult } from "./analyzer";
import type { Placeholder } from "./placeholders";
import type { RecordedRegistration } from "./engine/recorder";
import { details, unknownText } from "./details";

export { details, unknownText } from "./details";

export interface PlanNode {
    urn: string;
    type: string;
    name: string;
    /** The few properties a reviewer cares about, as display text. */
    details: Record<string, string>;
    /** URNs the resource was known by before (its aliases). */
    aliases?: string[];
    children: PlanNode[];
}

/** A violation, with the stack setting that controls it. */
export type PlanViolation = PolicyResult & { setting: string };

/** What changed against a base plan (`--base`). */
export interface PlanDiff {
    baseStack: string;
    added: { name: string; type: string }[];
    removed: { name: string; type: string }[];
    /** Resources kept in place under a new name (an alias). */
    renamed: { from: string; to: string; type: string }[];
    changed: { name: string; type: string; settings: { key: string; before?: string; after?: string }[] }[];
}

export interface Plan {
    stack: string;
    resourceCount: number;
    tree: PlanNode[];
    policies: {
        evaluated: number;
        violations: PlanViolation[];
        mandatoryFailures: number;
        /** The policy config file used, or `null` when the stack has none (every policy at its default). */
        configFile?: string | null;
        /** Default enforcement levels, counted, when no config file exists. */
        defaults?: Record<string, number>;
    };
    /** Warnings for the reviewer: placeholders, unreadable secrets or environments, missing policy config. */
    notes?: string[];
    /** Settings still holding the shipped sample values. */
    placeholders?: Placeholder[];
    diff?: PlanDiff;
    /** True when no mandatory policy failed. */
    ok: boolean;
}

/** The component tree (components, then their children) with each node's details. */
export function buildTree(resources: RecordedRegistration[]): PlanNode[] {
    const nodes = new Map<string, PlanNode>();
    for (const r of resources) {
        nodes.set(r.urn, { urn: r.urn, type: r.type, name: r.name, details: details(r), ...(r.aliases?.length ? { aliases: r.aliases } : {}), children: [] });
    }
    const roots: PlanNode[] = [];
    for (const r of resources) {
        const parent = r.parent ? nodes.get(r.parent) : undefined;
        (parent ? parent.children : roots).push(nodes.get(r.urn)!);
    }
    return roots;
}

export interface PlanExtras {
    notes?: string[];
    placeholders?: Placeholder[];
    policyConfigFile?: string | null;
    policyDefaults?: Record<string, number>;
    /** Applied to every display string (stands secrets back in as `[secret]`). */
    redact?: (text: string) => string;
    settingFor?: (policyName: string) => string;
}

export function buildPlan(stack: string, resources: RecordedRegistration[], violations: PolicyResult[], evaluated: number, extras: PlanExtras = {}): Plan {
    const redact = extras.redact ?? ((t: string) => t);
    const mandatoryFailures = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const tree = buildTree(resources);
    const clean = (nodes: PlanNode[]) => {
        for (const node of nodes) {
            node.details = Object.fromEntries(Object.entries(node.details).map(([k, v]) => [k, redact(v)]));
            node.name = redact(node.name);
            clean(node.children);
        }
    };
    clean(tree);
    return {
        stack,
        resourceCount: resources.length,
        tree,
        policies: {
            evaluated,
            violations: violations.map((v) => ({ ...v, message: redact(v.message), setting: extras.settingFor?.(v.policyName) ?? "" })),
            mandatoryFailures,
            ...(extras.policyConfigFile !== undefined ? { configFile: extras.policyConfigFile } : {}),
            ...(extras.policyDefaults ? { defaults: extras.policyDefaults } : {}),
        },
        notes: extras.notes ?? [],
        placeholders: extras.placeholders ?? [],
        ok: mandatoryFailures === 0,
    };
}

export function flattenTree(nodes: PlanNode[]): PlanNode[] {
    return nodes.flatMap((n) => [n, ...flattenTree(n.children)]);
}

/** A resource's identity across URN formats: its own type and name (names are unique per type here). */
function identity(node: { type: string; name: string }): string {
    return `${node.type}::${node.name}`;
}

/** What `plan` changes against `base` (the plan JSON of the base branch). */
export function diffPlans(base: Plan, plan: Plan): PlanDiff {
    const before = new Map(flattenTree(base.tree).map((n) => [identity(n), n]));
    const after = new Map(flattenTree(plan.tree).map((n) => [identity(n), n]));
    const diff: PlanDiff = { baseStack: base.stack, added: [], removed: [], renamed: [], changed: [] };
    const claimed = new Set<string>();
    for (const [key, node] of after) {
        let old = before.get(key);
        if (!old) {
            const alias = node.aliases?.map((urn) => `${node.type}::${urn.split("::").pop()}`).find((k) => before.has(k));
            if (alias) {
                old = before.get(alias)!;
                claimed.add(alias);
                diff.renamed.push({ from: old.name, to: node.name, type: node.type });
            }
        } else {
            claimed.add(key);
        }
        if (!old) {
            diff.added.push({ name: node.name, type: node.type });
            continue;
        }
        const keys = [...new Set([...Object.keys(old.details), ...Object.keys(node.details)])];
        const settings = keys.filter((k) => old!.details[k] !== node.details[k]).map((k) => ({ key: k, before: old!.details[k], after: node.details[k] }));
        if (settings.length > 0) {
            diff.changed.push({ name: node.name, type: node.type, settings });
        }
    }
    for (const [key, node] of before) {
        if (!claimed.has(key)) {
            diff.removed.push({ name: node.name, type: node.type });
        }
    }
    return diff;
}

function shortType(type: string): string {
    return type.replace(/^azure-native:/, "").replace(/^pulumi-nodejs:dynamic\//, "").replace(/^postgresql:index\/\w+:/, "postgresql:");
}

function shortUrn(urn: string | undefined): string {
    return urn ? urn.split("::").pop() ?? urn : "stack";
}

/**
 * Text for a terminal: control characters (which could move the cursor or recolour the screen) are shown as
 * escapes, so what is printed is what the settings hold.
 */
export function escapeText(text: string): string {
    return text.replace(/[\p{Cc}\p{Cf}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/**
 * Any user-supplied text for a GitHub Markdown table cell: HTML is escaped as entities, and every character
 * Markdown gives a meaning inside a line (emphasis, links, images, code, cell borders, autolinks through `:`,
 * `.` and `@`, mentions) is backslash-escaped, so a name renders as the text it is and never as markup, a
 * link or a mention. (`-` only means something at the start of a line, where user text never stands.)
 */
export function escapeMarkdown(text: string): string {
    return escapeText(text)
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/[\\`*_{}[\]()#+.!|~:@]/g, (c) => `\\${c}`)
        .replace(/\r?\n/g, " ");
}

/** Text inside a Mermaid label (a quoted string): quotes and angle brackets as Mermaid entities. */
function escapeMermaid(text: string): string {
    return escapeText(text).replace(/[^\p{L}\p{N} _.,:@/()-]/gu, (c) => `#${c.codePointAt(0)};`);
}

function changeLines(diff: PlanDiff, format: (s: string) => string): string[] {
    const lines: string[] = [];
    for (const r of diff.added) lines.push(`+ ${format(r.name)} [${shortType(r.type)}]`);
    for (const r of diff.removed) lines.push(`- ${format(r.name)} [${shortType(r.type)}]`);
    for (const r of diff.renamed) lines.push(`~ ${format(r.from)} → ${format(r.to)} [${shortType(r.type)}] (kept in place by an alias)`);
    for (const r of diff.changed) {
        lines.push(`~ ${format(r.name)} [${shortType(r.type)}]`);
        for (const s of r.settings) {
            lines.push(`    ${format(s.key)}: ${format(s.before ?? "(none)")} → ${format(s.after ?? "(none)")}`);
        }
    }
    return lines;
}

function notesOf(plan: Plan): string[] {
    const notes = [...(plan.notes ?? [])];
    for (const p of plan.placeholders ?? []) {
        notes.push(`${p.key} still holds ${p.what} (${p.value}): replace it with your tenant's value before deploying.`);
    }
    if (plan.policies.configFile === null) {
        const counts = Object.entries(plan.policies.defaults ?? {}).map(([level, n]) => `${n} ${level}`).join(", ");
        notes.push(`No policies/config/${plan.stack}.json: every policy runs at the pack's default enforcement and properties (${counts}). Add the file to set this stack's enforcement.`);
    }
    return notes;
}

export function renderText(plan: Plan): string {
    const lines = [`Plan for stack ${escapeText(plan.stack)}: ${plan.resourceCount} resources (offline, Azure mocked; unknown values shown as ${unknownText})`, ""];
    for (const note of notesOf(plan)) {
        lines.push(`NOTE: ${escapeText(note)}`);
    }
    if (notesOf(plan).length > 0) lines.push("");
    if (plan.diff) {
        const changes = changeLines(plan.diff, escapeText);
        lines.push(`Changes against the base plan: ${plan.diff.added.length} added, ${plan.diff.removed.length} removed, ${plan.diff.renamed.length} renamed, ${plan.diff.changed.length} changed`);
        lines.push(...changes.map((l) => `  ${l}`), "");
    }
    const walk = (nodes: PlanNode[], indent: string) => {
        for (const node of nodes) {
            lines.push(`${indent}${escapeText(node.name)}  [${shortType(node.type)}]`);
            for (const [key, value] of Object.entries(node.details)) {
                lines.push(`${indent}    ${key}: ${escapeText(value)}`);
            }
            walk(node.children, `${indent}  `);
        }
    };
    walk(plan.tree, "");
    lines.push("", policySummary(plan));
    for (const v of plan.policies.violations) {
        lines.push(`  ${v.enforcementLevel.toUpperCase()} ${v.policyName} (${escapeText(shortUrn(v.urn))}): ${escapeText(v.message)}${v.setting ? ` [change: ${escapeText(v.setting)}]` : ""}`);
    }
    return `${lines.join("\n")}\n`;
}

function policySummary(plan: Plan): string {
    const { evaluated, violations, mandatoryFailures } = plan.policies;
    return `Policies: ${evaluated} evaluated, ${violations.length} violation(s), ${mandatoryFailures} mandatory — ${plan.ok ? "PASS" : "FAIL"}`;
}

/** Tables longer than this are folded into `<details>`. */
export const foldAfterRows = 15;

function table(header: string[], rows: string[][], summary: string): string[] {
    const out = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
    return rows.length > foldAfterRows ? ["<details>", `<summary>${summary} (${rows.length} rows)</summary>`, "", ...out, "", "</details>"] : out;
}

/** The resource tree as a Mermaid flowchart, which GitHub renders. */
export function mermaidGraph(plan: Plan): string[] {
    const lines = ["```mermaid", "flowchart LR"];
    let n = 0;
    const walk = (nodes: PlanNode[], parent?: string) => {
        for (const node of nodes) {
            const id = `n${n++}`;
            lines.push(`  ${id}["${escapeMermaid(node.name)}<br/><small>${escapeMermaid(shortType(node.type))}</small>"]`);
            if (parent) lines.push(`  ${parent} --> ${id}`);
            walk(node.children, id);
        }
    };
    walk(plan.tree);
    lines.push("```");
    return lines;
}

export function renderMarkdown(plan: Plan): string {
    const lines = [
        `### Offline plan: \`${escapeMarkdown(plan.stack).replace(/\\/g, "")}\` ${plan.ok ? "✅" : "❌"}`,
        "",
        `${plan.resourceCount} resources. Run without Azure credentials: the real program with Azure mocked; values Azure computes show as _${unknownText}_.`,
        "",
    ];
    const notes = notesOf(plan);
    if (notes.length > 0) {
        lines.push("> [!WARNING]", ...notes.map((note) => `> - ${escapeMarkdown(note)}`), "");
    }
    if (plan.diff) {
        const d = plan.diff;
        lines.push(`#### Changes against the base plan (${d.added.length} added, ${d.removed.length} removed, ${d.renamed.length} renamed, ${d.changed.length} changed)`, "");
        const rows: string[][] = [
            ...d.added.map((r) => ["added", escapeMarkdown(r.name), `\`${shortType(r.type)}\``, ""]),
            ...d.removed.map((r) => ["**removed**", escapeMarkdown(r.name), `\`${shortType(r.type)}\``, ""]),
            ...d.renamed.map((r) => ["renamed (alias)", `${escapeMarkdown(r.from)} → ${escapeMarkdown(r.to)}`, `\`${shortType(r.type)}\``, ""]),
            ...d.changed.map((r) => ["changed", escapeMarkdown(r.name), `\`${shortType(r.type)}\``,
                r.settings.map((s) => `${escapeMarkdown(s.key)}: ${escapeMarkdown(s.before ?? "(none)")} → ${escapeMarkdown(s.after ?? "(none)")}`).join("<br>")]),
        ];
        lines.push(...(rows.length > 0 ? table(["change", "resource", "type", "settings"], rows, "Changed resources") : ["No resource changes."]), "");
    }
    lines.push("<details>", "<summary>Resource graph</summary>", "", ...mermaidGraph(plan), "", "</details>", "");
    const rows: string[][] = [];
    const walk = (nodes: PlanNode[], depth: number) => {
        for (const node of nodes) {
            const info = Object.entries(node.details).map(([k, v]) => `${k}: ${escapeMarkdown(v)}`).join("<br>");
            rows.push([`${"&nbsp;&nbsp;".repeat(depth)}${escapeMarkdown(node.name)}`, `\`${shortType(node.type)}\``, info]);
            walk(node.children, depth + 1);
        }
    };
    walk(plan.tree, 0);
    lines.push(...table(["resource", "type", "details"], rows, "Resources"));
    lines.push("", `**${policySummary(plan)}**`, "");
    if (plan.policies.violations.length > 0) {
        lines.push(...table(["enforcement", "policy", "resource", "message", "setting to change"], plan.policies.violations.map((v) => [
            v.enforcementLevel, v.policyName, escapeMarkdown(shortUrn(v.urn)), escapeMarkdown(v.message), v.setting ? `\`${v.setting.replace(/`/g, "")}\`` : "",
        ]), "Policy violations"));
    }
    return `${lines.join("\n")}\n`;
}

export function renderJson(plan: Plan): string {
    return `${JSON.stringify(plan, null, 2)}\n`;
}
