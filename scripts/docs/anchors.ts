/**
 * The coverage table of docs/policy-pack.md (`anchors:table`), generated from policies/sources.json: every anchor
 * rule the pack was compared with (Azure Policy built-ins, checkov, PSRule for Azure, trivy, CIS), what it checks,
 * the verdict and why, the policies that cite it, and the file and commit it was read at, linked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { code, replaceBlock, row } from "./markers";

export const ANCHOR_SOURCE = "policies/sources.json";

export type RuleSet = "azure-policy" | "checkov" | "psrule" | "trivy" | "cis";
export type Verdict = "covered" | "partly" | "not-applicable" | "not-covered";

/** A file read to settle a verdict, besides the rule's own. */
export interface RelatedFile {
    repository: string;
    path: string;
    commit: string;
    read: string;
}

/** One anchor rule as policies/sources.json records it. */
export interface AnchorRule {
    source: RuleSet;
    id: string;
    displayName: string;
    repository: string;
    path: string;
    commit: string;
    checks: string;
    verdict: Verdict;
    reason: string;
    policies: string[];
    related?: RelatedFile[];
}

export const RULE_SET_NAMES: Readonly<Record<RuleSet, string>> = {
    "azure-policy": "Azure Policy",
    checkov: "checkov",
    psrule: "PSRule for Azure",
    trivy: "trivy",
    cis: "CIS 3.0.0",
};

export const VERDICTS: readonly Verdict[] = ["covered", "partly", "not-applicable", "not-covered"];

/** The anchor rules of policies/sources.json, in file order. */
export function readAnchors(root: string): AnchorRule[] {
    return (JSON.parse(fs.readFileSync(path.join(root, ANCHOR_SOURCE), "utf8")) as { rules: AnchorRule[] }).rules;
}

/** The GitHub address of a file at a commit (path segments escaped: some hold spaces). */
export function fileUrl(file: { repository: string; path: string; commit: string }): string {
    return `https://github.com/${file.repository}/blob/${file.commit}/${file.path.split("/").map(encodeURIComponent).join("/")}`;
}

/** A verdict as the table shows it. */
export const verdictText = (verdict: Verdict) => verdict.replace("-", " ");

/** The summary line and the table, one row per rule. */
export function renderAnchorTable(rules: readonly AnchorRule[]): string {
    const counts = VERDICTS.map((v) => `${rules.filter((r) => r.verdict === v).length} ${verdictText(v)}`);
    const lines = [
        `${rules.length} rules: ${counts.join(", ")}.`,
        "",
        row(["Rule set", "Rule", "Display name", "What it checks", "Verdict", "Policies", "Why", "Read at"]),
        row(["---", "---", "---", "---", "---", "---", "---", "---"]),
    ];
    for (const r of rules) {
        const read = [r, ...(r.related ?? [])]
            .map((f) => `[${path.posix.basename(f.path)} @ ${f.commit.slice(0, 8)}](${fileUrl(f)})`)
            .join(", ");
        lines.push(row([
            RULE_SET_NAMES[r.source],
            code(r.id),
            r.displayName.trim(),
            r.checks,
            verdictText(r.verdict),
            r.policies.length > 0 ? r.policies.map(code).join(", ") : "none",
            r.reason,
            read,
        ]));
    }
    return lines.join("\n");
}

/** `page` (docs/policy-pack.md) with the coverage table regenerated between its markers. */
export function renderAnchorBlock(page: string, rules: readonly AnchorRule[]): string {
    return replaceBlock(page, "docs/policy-pack.md", "anchors:table", ANCHOR_SOURCE, renderAnchorTable(rules));
}
