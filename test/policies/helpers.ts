/**
 * Shared helpers for the policy tests: recorded resources, validation args (with stack tags and
 * `notApplicable`), and running one policy with its config the way the evaluator does.
 */
import assert from "node:assert/strict";
import {
    allPolicies,
    isResourcePolicy,
    makeResourceArgs,
    makeStackArgs,
    resolvePolicyConfig,
    runResourcePolicy,
    runStackPolicy,
    type RecordedResource,
    type RunContext,
} from "../../plan/analyzer";
import type { PackPolicy } from "../../policies/lib/policy";

export const STACK = "test";
export const PROJECT = "entra-postgres";

/** The URN Pulumi gives a top-level resource of the test stack. */
export function urnOf(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

/**
 * A recorded resource. `propertyDependencies` name resources by their logical name (or full URN); the
 * resource's `dependencies` are their union plus `dependsOn`.
 */
export function res(
    type: string,
    name: string,
    props: Record<string, unknown>,
    links: { deps?: Record<string, string[]>; dependsOn?: string[]; parent?: string; custom?: boolean } = {},
): RecordedResource {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [property, urns] of Object.entries(links.deps ?? {})) {
        propertyDependencies[property] = urns;
    }
    const dependencies = [...new Set([...Object.values(propertyDependencies).flat(), ...(links.dependsOn ?? [])])];
    return {
        urn: urnOf(type, name),
        type,
        name,
        props,
        dependencies,
        propertyDependencies,
        custom: links.custom ?? true,
        ...(links.parent !== undefined ? { parent: links.parent } : {}),
    };
}

export function policyNamed(name: string): PackPolicy {
    const policy = allPolicies.find((p) => p.name === name);
    assert.ok(policy, `no policy named ${name}`);
    return policy;
}

export interface CheckOptions {
    /** The policy's config properties, merged over its schema defaults (and validated) as the engine does. */
    config?: Record<string, unknown>;
    stackTags?: Record<string, string>;
}

export interface CheckResult {
    violations: { message: string; urn?: string }[];
    /** True when the policy declared itself not applicable to every resource (or to the stack). */
    notApplicable: boolean;
}

/** The run context of one policy: its resolved config properties and the stack tags. */
export function contextFor(policy: PackPolicy, options: CheckOptions = {}): RunContext {
    const resolved = resolvePolicyConfig(allPolicies, options.config ? { [policy.name]: options.config } : {});
    return { config: resolved.get(policy.name)!.properties, stackTags: options.stackTags };
}

/** Runs one policy: a resource policy on each resource, a stack policy once on all of them. */
export async function check(policyName: string, resources: RecordedResource[], options: CheckOptions = {}): Promise<CheckResult> {
    const policy = policyNamed(policyName);
    const context = contextFor(policy, options);
    if (isResourcePolicy(policy)) {
        const runs = await Promise.all(resources.map((r) => runResourcePolicy(policy, r, context)));
        return {
            violations: runs.flatMap((r) => r.violations),
            notApplicable: runs.length > 0 && runs.every((r) => r.notApplicable !== undefined),
        };
    }
    const run = await runStackPolicy(policy, resources, context);
    return { violations: run.violations, notApplicable: run.notApplicable !== undefined };
}

/** Validation args for direct calls, with test defaults. */
export function resourceArgs(resource: RecordedResource, options: CheckOptions = {}) {
    return makeResourceArgs(resource, { config: options.config, stackTags: options.stackTags });
}

export function stackArgs(resources: RecordedResource[], options: CheckOptions = {}) {
    return makeStackArgs(resources, { config: options.config, stackTags: options.stackTags });
}

/** One documented behaviour of a policy. */
export interface PolicyCase {
    title: string;
    resources: RecordedResource[];
    config?: Record<string, unknown>;
    stackTags?: Record<string, string>;
    expect: "pass" | "fail" | "not-applicable";
    /** For failures: a fragment every violation message must contain (the setting and the fix). */
    message?: RegExp;
    /** For failures: the URN a violation must be reported against. */
    urn?: string;
    /** For failures: exact number of violations, when it matters. */
    count?: number;
}

/** Cases by policy name. */
export type CaseTable = Record<string, PolicyCase[]>;

export async function assertCase(policyName: string, c: PolicyCase): Promise<void> {
    const result = await check(policyName, c.resources, { config: c.config, stackTags: c.stackTags });
    const shown = JSON.stringify(result.violations, null, 1);
    switch (c.expect) {
        case "pass":
            assert.equal(result.notApplicable, false, `${policyName} should apply`);
            assert.deepEqual(result.violations, [], `${policyName} should pass: ${shown}`);
            break;
        case "not-applicable":
            assert.equal(result.notApplicable, true, `${policyName} should not apply: ${shown}`);
            assert.deepEqual(result.violations, []);
            break;
        case "fail":
            assert.ok(result.violations.length > 0, `${policyName} should report a violation`);
            if (c.count !== undefined) {
                assert.equal(result.violations.length, c.count, shown);
            }
            for (const v of result.violations) {
                if (c.message) {
                    assert.match(v.message, c.message);
                }
            }
            if (c.urn !== undefined) {
                assert.ok(result.violations.some((v) => v.urn === c.urn), `expected a violation on ${c.urn}: ${shown}`);
            }
            break;
    }
}
