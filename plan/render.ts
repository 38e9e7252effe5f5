import type { PolicyResult } from "./analyzer";
import type { Placeholder } from "./placeholders";
import type { RecordedRegistration } from "./engine/recorder";
import { details, unknownText } from "./details";
import { effects } from "./changes";
import { planInputs } from "./inputs";
import type { Effect, Plan, PlanDiff, PlanNode } from "./types";

export { details, unknownText } from "./details";
export { diffPlans } from "./changes";
export type { Effect, InputChange, Plan, PlanDiff, PlanNode, PlanViolation, ResourceChange, SettingChange } from "./types";

/** The inputs that take a value from another resource, with those resources' URNs. */
function dependencies(r: RecordedRegistration): Record<string, string[]> | undefined {
    const entries = Object.entries(r.propertyDependencies ?? {}).filter(([, urns]) => urns.length > 0);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The component tree (components, then their children) with each node's details. */
export function buildTree(resources: RecordedRegistration[], redact: (text: string) => string = (t) => t): PlanNode[] {
    const nodes = new Map<string, PlanNode>();
    for (const r of resources) {
        nodes.set(r.urn, {
            urn: r.urn, type: r.type, name: r.name, details: details(r),
            ...(r.aliases?.length ? { aliases: r.aliases } : {}),
            inputs: planInputs(r, redact),
            ...(r.protect ? { protect: true } : {}),
            ...(r.ignoreChanges?.length ? { ignoreChanges: r.ignoreChanges } : {}),
            ...(r.replaceOnChanges?.length ? { replaceOnChanges: r.replaceOnChanges } : {}),
            ...(dependencies(r) ? { propertyDependencies: dependencies(r) } : {}),
            children: [],
        });
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
    /** The stack's settings, one per leaf (plan/inputs.ts, `planSettings`). */
    settings?: Record<string, string>;
    settingFor?: (policyName: string) => string;
}

export function buildPlan(stack: string, resources: RecordedRegistration[], violations: PolicyResult[], evaluated: number, extras: PlanExtras = {}): Plan {
    const redact = extras.redact ?? ((t: string) => t);
    const mandatoryFailures = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const tree = buildTree(resources, redact);
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
        ...(extras.settings ? { settings: extras.settings } : {}),
        placeholders: extras.placeholders ?? [],
        ok: mandatoryFailures === 0,
    };
}

export function flattenTree(nodes: PlanNode[]): PlanNode[] {
    return nodes.flatMap((n) => [n, ...flattenTree(n.children)]);
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

const effectMark: Record<Effect, string> = { "in place": "~", restart: "~", replace: "+-", refused: "!" };

/** The diff's headline: counts of each kind of change. */
function diffSummary(diff: PlanDiff): string {
    const count = (effect: Effect) => diff.changed.filter((c) => c.effect === effect).length;
    return `${diff.added.length} added, ${diff.removed.length} removed, ${diff.renamed.length} renamed, ${diff.changed.length} changed` +
        ` (${count("replace")} replaced, ${count("refused")} refused, ${count("restart")} restart, ${count("in place")} in place)`;
}

const arrow = (before: string | undefined, after: string | undefined) => `${before ?? "(none)"} → ${after ?? "(none)"}`;

function changeLines(diff: PlanDiff, format: (s: string) => string): string[] {
    const lines: string[] = [];
    if (diff.note) lines.push(`NOTE: ${format(diff.note)}`);
    if (diff.settings.length > 0) {
        lines.push("settings changed:", ...diff.settings.map((s) => `  ${format(s.key)}: ${format(arrow(s.before, s.after))}`));
    }
    const fate = (r: { consequence?: string; stopped?: string }) => [
        ...(r.consequence ? [`    ${format(r.consequence.replace(/^[^:]+/, (what) => what.toUpperCase()))}`] : []),
        ...(r.stopped ? [`    STOPPED: ${format(r.stopped)}`] : []),
    ];
    for (const r of diff.added) lines.push(`+ ${format(r.name)} [${shortType(r.type)}]`);
    for (const r of diff.removed) lines.push(`- ${format(r.name)} [${shortType(r.type)}]`, ...fate(r));
    for (const r of diff.renamed) lines.push(`~ ${format(r.from)} → ${format(r.to)} [${shortType(r.type)}] (kept in place by an alias)`);
    for (const r of [...diff.changed].sort((x, y) => effects.indexOf(y.effect) - effects.indexOf(x.effect))) {
        lines.push(`${effectMark[r.effect]} ${format(r.name)} [${shortType(r.type)}]: ${r.effect === "in place" ? "in place" : r.effect.toUpperCase()}`);
        for (const i of r.inputs) {
            lines.push(`    ${format(i.path)}: ${format(arrow(i.before, i.after))} (${i.effect}${i.why ? `: ${format(i.why)}` : ""})`);
        }
        if (r.inputs.length === 0) {
            lines.push(...r.details.map((d) => `    ${format(d.key)}: ${format(arrow(d.before, d.after))}`));
        }
        lines.push(...fate(r));
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
        lines.push(`Changes against the base plan: ${diffSummary(plan.diff)}`);
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
        lines.push(`#### Changes against the base plan (${diffSummary(d)})`, "");
        if (d.note) lines.push(`> [!NOTE]`, `> ${escapeMarkdown(d.note)}`, "");
        if (d.settings.length > 0) {
            lines.push(...table(["setting", "before → after"], d.settings.map((s) => [`\`${s.key.replace(/`/g, "")}\``, escapeMarkdown(arrow(s.before, s.after))]), "Changed settings"), "");
        }
        const fate = (r: { consequence?: string; stopped?: string }) =>
            [...(r.consequence ? [escapeMarkdown(r.consequence)] : []), ...(r.stopped ? [`**stopped:** ${escapeMarkdown(r.stopped)}`] : [])].join("<br>");
        const rows: string[][] = [
            ...d.added.map((r) => ["added", escapeMarkdown(r.name), `\`${shortType(r.type)}\``, ""]),
            ...d.removed.map((r) => [r.consequence ? "**removed**" : "removed", escapeMarkdown(r.name), `\`${shortType(r.type)}\``, fate(r)]),
            ...d.renamed.map((r) => ["renamed (alias)", `${escapeMarkdown(r.from)} → ${escapeMarkdown(r.to)}`, `\`${shortType(r.type)}\``, ""]),
            ...[...d.changed].sort((x, y) => effects.indexOf(y.effect) - effects.indexOf(x.effect)).map((r) => [
                r.effect === "in place" ? "changed in place" : `**${r.effect}**`, escapeMarkdown(r.name), `\`${shortType(r.type)}\``,
                [
                    ...(r.inputs.length > 0
                        ? r.inputs.map((i) => `${escapeMarkdown(i.path)}: ${escapeMarkdown(arrow(i.before, i.after))} (${i.effect}${i.why ? `: ${escapeMarkdown(i.why)}` : ""})`)
                        : r.details.map((s) => `${escapeMarkdown(s.key)}: ${escapeMarkdown(arrow(s.before, s.after))}`)),
                    ...(fate(r) ? [fate(r)] : []),
                ].join("<br>")]),
        ];
        lines.push(...(rows.length > 0 ? table(["change", "resource", "type", "inputs before → after"], rows, "Changed resources") : ["No resource changes."]), "");
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
