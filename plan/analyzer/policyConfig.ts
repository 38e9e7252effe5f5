/**
 * Policy-config reconciliation, offline: what the engine and `@pulumi/policy`'s analyzer do with a stack's
 * `--policy-pack-config` (`all`, per-policy level or `{ enforcementLevel, ...properties }`, `configSchema`
 * defaults, schema validation). Running the policies is in run.ts.
 */
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { PACK_ENFORCEMENT_LEVEL } from "../../policies/catalog";
import type { PackPolicy } from "../../policies/lib/policy";

/** The JSON of `policies/config/<stack>.json`, as given to `--policy-pack-config`. */
export type PolicyPackConfig = Record<string, unknown>;

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's reconciled config: its level and its properties (schema defaults + given values). */
export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function isResourcePolicy(policy: PackPolicy): policy is ResourceValidationPolicy {
    const validate = (policy as ResourceValidationPolicy).validateResource;
    return typeof validate === "function" || Array.isArray(validate);
}

export function isStackPolicy(policy: PackPolicy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/**
 * Reconciles a policy pack config with the policies' own levels and config schema defaults, the way the
 * Pulumi engine does: defaults first, then `all` (its level applies to every policy), then each policy's
 * entry (a level string, or an object with an optional `enforcementLevel` and properties merged over the
 * defaults). Names of no policy are ignored, as the engine ignores them. Throws, naming the policy and
 * setting, on an invalid level or properties that do not satisfy the policy's `configSchema`.
 */
export function resolvePolicyConfig(policies: readonly PackPolicy[], config: PolicyPackConfig = {}): Map<string, ResolvedPolicyConfig> {
    if (!isRecord(config)) {
        throw new Error("Policy pack config must be a JSON object of policy names to a level or an object.");
    }
    const resolved = new Map<string, ResolvedPolicyConfig>();
    for (const policy of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[key] = structuredClone(schema.default);
            }
        }
        resolved.set(policy.name, { enforcementLevel: policy.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL, properties });
    }

    const entries = Object.entries(config).map(([name, value]) => [name, parseEntry(name, value)] as const);
    const all = entries.find(([name]) => name === "all")?.[1];
    if (all?.enforcementLevel !== undefined) {
        for (const r of resolved.values()) {
            r.enforcementLevel = all.enforcementLevel;
        }
    }
    for (const [name, entry] of entries) {
        const target = resolved.get(name);
        if (name === "all" || target === undefined) {
            continue;
        }
        if (entry.enforcementLevel !== undefined) {
            target.enforcementLevel = entry.enforcementLevel;
        }
        Object.assign(target.properties, entry.properties);
    }

    const errors: string[] = [];
    for (const policy of policies) {
        const props = resolved.get(policy.name)!.properties;
        for (const key of policy.configSchema?.required ?? []) {
            if (props[key] === undefined) {
                errors.push(`${policy.name}: ${key} is required`);
            }
        }
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (props[key] !== undefined) {
                errors.push(...validateValue(props[key], schema, `${policy.name}.${key}`));
            }
        }
    }
    if (errors.length > 0) {
        throw new Error(`Invalid policy pack config:\n  ${errors.join("\n  ")}`);
    }
    return resolved;
}

function parseEntry(name: string, value: unknown): { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> } {
    if (typeof value === "string") {
        if (!isLevel(value)) {
            throw new Error(`Policy pack config "${name}": "${value}" is not an enforcement level (use ${LEVELS.join(", ")}).`);
        }
        return { enforcementLevel: value, properties: {} };
    }
    if (isRecord(value)) {
        const { enforcementLevel, ...properties } = value;
        if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
            throw new Error(`Policy pack config "${name}": enforcementLevel ${JSON.stringify(enforcementLevel)} is not one of ${LEVELS.join(", ")}.`);
        }
        return { enforcementLevel, properties };
    }
    throw new Error(`Policy pack config "${name}": must be an enforcement level string or an object, not ${JSON.stringify(value)}.`);
}

/** Checks a value against the parts of JSON schema the pack's config schemas use. */
function validateValue(value: unknown, schema: PolicyConfigJSONSchema, at: string): string[] {
    const errors: string[] = [];
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const typeOk = types.length === 0 || types.some((t) =>
        t === "integer" ? Number.isInteger(value)
            : t === "number" ? typeof value === "number" && Number.isFinite(value)
                : t === "array" ? Array.isArray(value)
                    : t === "object" ? isRecord(value)
                        : t === "null" ? value === null
                            : typeof value === t);
    if (!typeOk) {
        return [`${at} must be of type ${types.join(" or ")} (got ${JSON.stringify(value)})`];
    }
    if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        errors.push(`${at} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")} (got ${JSON.stringify(value)})`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) {
            errors.push(`${at} must be at least ${schema.minimum} (got ${value})`);
        }
        if (schema.maximum !== undefined && value > schema.maximum) {
            errors.push(`${at} must be at most ${schema.maximum} (got ${value})`);
        }
    }
    if (typeof value === "string" && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
        errors.push(`${at} must match ${schema.pattern} (got ${JSON.stringify(value)})`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) {
            errors.push(`${at} needs at least ${schema.minItems} item(s)`);
        }
        if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
            errors.push(`${at} must not repeat items`);
        }
        if (schema.items !== undefined && typeof schema.items === "object" && !Array.isArray(schema.items)) {
            const itemSchema = schema.items;
            value.forEach((item, i) => errors.push(...validateValue(item, itemSchema, `${at}[${i}]`)));
        }
    }
    return errors;
}

/** Reads `policies/config/<stack>.json`; `{}` when the stack has none. */
export function loadPolicyConfig(stack: string): PolicyPackConfig {
    if (!/^[A-Za-z0-9._-]+$/.test(stack) || stack.startsWith(".")) {
        throw new Error(`Stack name "${stack}" cannot name a policy config file: use letters, digits, ".", "_" and "-".`);
    }
    const file = path.join(__dirname, "..", "..", "policies", "config", `${stack}.json`);
    if (!fs.existsSync(file)) {
        return {};
    }
    const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (!isRecord(parsed)) {
        throw new Error(`${file} must hold a JSON object.`);
    }
    return parsed;
}
