import type { PolicyResult } from "./analyzer";
import type { Placeholder } from "./placeholders";

/** The shapes of a plan and of its diff against a base plan, as `--format json` writes them. */

export type Effect = "in place" | "restart" | "replace" | "refused";

export interface InputChange {
    /** Dotted input path (`storage.storageSizeGB`). */
    path: string;
    before?: string;
    after?: string;
    effect: Effect;
    /** Why, when not plainly in place. */
    why?: string;
}

export interface SettingChange {
    key: string;
    before?: string;
    after?: string;
}

export interface ResourceChange {
    name: string;
    type: string;
    /** The strongest effect of its input changes. */
    effect: Effect;
    inputs: InputChange[];
    /** The reviewer's details that changed (also for a base plan without inputs). */
    details: { key: string; before?: string; after?: string }[];
    /** Data loss or downtime, when the resource is replaced or deleted. */
    consequence?: string;
    /** Set when `pulumi up` stops at it: protected, or refused. */
    stopped?: string;
    /** The changed stack settings that lead to it, when the plan can tell. */
    causes?: string[];
}

/** What changed against a base plan (`--base`). */
export interface PlanDiff {
    baseStack: string;
    /** The stack settings that differ (secrets as `[secret]`), when both plans carry them. */
    settings: SettingChange[];
    added: { name: string; type: string }[];
    removed: { name: string; type: string; consequence?: string; stopped?: string; causes?: string[] }[];
    /** Resources kept in place under a new name (an alias). */
    renamed: { from: string; to: string; type: string }[];
    changed: ResourceChange[];
    /** Said when the base plan is from a version that did not carry resource inputs. */
    note?: string;
}

export interface PlanNode {
    urn: string;
    type: string;
    name: string;
    /** The few properties a reviewer cares about, as display text. */
    details: Record<string, string>;
    /** URNs the resource was known by before (its aliases). */
    aliases?: string[];
    /** Every input as the engine receives it (plan/inputs.ts): secrets `[secret]`, values Azure computes unknown. */
    inputs?: Record<string, unknown>;
    /** The resource's `protect` option, when set. */
    protect?: boolean;
    /** The resource's `ignoreChanges` and `replaceOnChanges` options, when set. */
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    /** Input name → URNs of the resources its value comes from, when any (what a replacement propagates along). */
    propertyDependencies?: Record<string, string[]>;
    children: PlanNode[];
}

/** A violation, with the stack setting that controls it. */
export type PlanViolation = PolicyResult & { setting: string };

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
    /** The stack's settings as written, one per leaf (plan/inputs.ts, `planSettings`), secrets `[secret]`. */
    settings?: Record<string, string>;
    /** Settings still holding the shipped sample values. */
    placeholders?: Placeholder[];
    diff?: PlanDiff;
    /** True when no mandatory policy failed. */
    ok: boolean;
}

