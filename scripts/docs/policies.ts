/**
 * The policy pack's reference tables in docs/policy-pack.md, generated from the catalogue (policies/catalog.ts)
 * and the stacks' policy configs (policies/config/<stack>.json): every policy with its kind, what it checks, its
 * sources and its level by default and in each stack (`policies:table`), and every configurable property with
 * its default and each stack's value (`policies:properties`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { allPolicies, isResourcePolicy, loadPolicyConfig, resolvePolicyConfig, type ResolvedPolicyConfig } from "../../plan/analyzer";
import { code, replaceBlock, row } from "./markers";

const source = "policies/catalog.ts and policies/config/*.json";

/** The stacks with a policy config, by name. */
export function policyStacks(root: string): string[] {
    return fs
        .readdirSync(path.join(root, "policies", "config"))
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -".json".length))
        .sort();
}

/** What a policy checks and its sources: its description split at " Sources: " (the period after them dropped). */
export function splitDescription(description: string): { checks: string; sources: string } {
    const at = description.indexOf(" Sources: ");
    return at < 0 ? { checks: description, sources: "" } : { checks: description.slice(0, at), sources: description.slice(at + " Sources: ".length).replace(/\.$/, "") };
}

function resolved(stacks: readonly string[]): Map<string, Map<string, ResolvedPolicyConfig>> {
    return new Map(stacks.map((stack) => [stack, resolvePolicyConfig(allPolicies, loadPolicyConfig(stack))]));
}

/** Every policy in pack order: name, kind, checks, sources, default level and each stack's level. */
export function renderPolicyTable(stacks: readonly string[]): string {
    const configs = resolved(stacks);
    const lines = [row(["Policy", "Kind", "Checks", "Sources", "Default", ...stacks]), row(["---", "---", "---", "---", "---", ...stacks.map(() => "---")])];
    for (const policy of allPolicies) {
        const { checks, sources } = splitDescription(policy.description);
        const levels = stacks.map((stack) => configs.get(stack)!.get(policy.name)!.enforcementLevel);
        lines.push(row([code(policy.name), isResourcePolicy(policy) ? "resource" : "stack", checks, sources, policy.enforcementLevel ?? "", ...levels]));
    }
    return lines.join("\n");
}

/** Every configurable property of every policy: its meaning, the schema's default and each stack's value. */
export function renderPropertyTable(stacks: readonly string[]): string {
    const configs = resolved(stacks);
    const lines = [row(["Policy", "Property", "Meaning", "Default", ...stacks]), row(["---", "---", "---", "---", ...stacks.map(() => "---")])];
    for (const policy of allPolicies) {
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            const values = stacks.map((stack) => code(JSON.stringify(configs.get(stack)!.get(policy.name)!.properties[key])));
            lines.push(row([code(policy.name), code(key), schema.description ?? "", code(JSON.stringify(schema.default)), ...values]));
        }
    }
    return lines.join("\n");
}

/** docs/policy-pack.md with both tables regenerated between their markers. */
export function renderPolicyPage(page: string, stacks: readonly string[]): string {
    const withTable = replaceBlock(page, "docs/policy-pack.md", "policies:table", source, renderPolicyTable(stacks));
    return replaceBlock(withTable, "docs/policy-pack.md", "policies:properties", source, renderPropertyTable(stacks));
}
