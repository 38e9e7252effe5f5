/**
 * Runs every policy of the pack over recorded resources, offline: no Pulumi CLI, no gRPC analyzer.
 *
 * It does what the engine and `@pulumi/policy`'s analyzer do with a stack's `--policy-pack-config`:
 * reconciles the config with each policy's defaults (policyConfig.ts: `all`, per-policy level or `{ enforcementLevel,
 * ...properties }`, `configSchema` defaults, schema validation), runs each enabled resource policy on every
 * resource and each enabled stack policy once on all of them, honours `notApplicable`, and reports one
 * result per violation. Nothing here loads `@pulumi/policy` or `@pulumi/azure-native` at run time.
 */
import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { allPolicies } from "../../policies/catalog";
import type { PackPolicy } from "../../policies/lib/policy";
import { isResourcePolicy, isStackPolicy, loadPolicyConfig, resolvePolicyConfig, type PolicyPackConfig } from "./policyConfig";

/** A resource as the program registered it, recorded under mocks. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** Inputs as registered; values unknown at preview are `undefined`. */
    props: Record<string, unknown>;
    /** Parent URN. */
    parent?: string;
    /** URNs of every resource this one depends on. */
    dependencies: string[];
    /** For each input property, the URNs of the resources its value came from. */
    propertyDependencies: Record<string, string[]>;
    /** Provider reference (`<provider urn>::<id>`). */
    provider?: string;
    protect?: boolean;
    custom: boolean;
}

export interface PolicyResult {
    policyName: string;
    /** The level the violation is reported at; `remediate` is reported as `mandatory`, as the engine does. */
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    kind: "resource" | "stack";
    /** The resource in violation (always set for resource policies). */
    urn?: string;
    message: string;
}

export interface EvaluateOptions {
    /** Policy pack config; when absent and `stack` is given, `policies/config/<stack>.json`. */
    config?: PolicyPackConfig;
    stackTags?: Record<string, string>;
    stack?: string;
}

/** Thrown by `notApplicable()`; the run records nothing for that policy and resource. */
class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

/** The outcome of one policy on one resource (or the stack). */
export interface PolicyRun {
    /** Set when the policy declared itself not applicable. */
    notApplicable?: string;
    violations: { message: string; urn?: string }[];
}

/** Context of a run: stack tags and the policy's config properties. */
export interface RunContext {
    stackTags?: Record<string, string> | ReadonlyMap<string, string>;
    config?: Record<string, unknown>;
}

function tagMap(tags: RunContext["stackTags"]): ReadonlyMap<string, string> {
    return tags instanceof Map ? tags : new Map(Object.entries((tags ?? {}) as Record<string, string>));
}

function typeOf(resourceClass: unknown): string | undefined {
    const t = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof t === "string" && t.length > 0 ? t : undefined;
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

const policyViews = new WeakMap<object, Record<string, unknown>>();

/**
 * Props as `@pulumi/policy` hands them to a policy: every secret replaced by the value it holds (its
 * deserialize.ts, `deserializeProperty`, case `specialSecretSig`), unknowns kept as they are. Recordings keep
 * the wire form, secrets marked (plan/engine/wire.ts). The secret signature comes from the SDK
 * (plan/engine/sdkInternals.ts), loaded here when a policy first runs, so that loading the pack and this analyzer
 * loads no SDK. Values are read by own-property descriptor (as policies/lib/props.ts does), never through a
 * proxy's `get`; what holds no secret is handed over as it is.
 */
export function policyProps(props: Record<string, unknown>): Record<string, unknown> {
    let view = policyViews.get(props);
    if (view === undefined) {
        const { secretWireValue } = require("../engine/sdkInternals") as typeof import("../engine/sdkInternals");
        const marker = secretWireValue(undefined) as Record<string, unknown>;
        const sigKey = Object.keys(marker).find((k) => k !== "value")!;
        const own = (o: object, k: string): unknown => Object.getOwnPropertyDescriptor(o, k)?.value;
        const reveal = (value: unknown): unknown => {
            if (value === null || typeof value !== "object") {
                return value;
            }
            if (own(value, sigKey) === marker[sigKey]) {
                return reveal(own(value, "value"));
            }
            const out: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
            let changed = false;
            for (const key of Object.keys(value)) {
                const before = own(value, key);
                out[key] = reveal(before);
                changed ||= out[key] !== before;
            }
            return changed ? out : value;
        };
        view = reveal(props) as Record<string, unknown>;
        policyViews.set(props, view);
    }
    return view;
}

function providerOf(reference: string | undefined): ResourceValidationArgs["provider"] {
    if (reference === undefined) {
        return undefined;
    }
    const urn = reference.split("::").slice(0, -1).join("::") || reference;
    const [, , qualifiedType = "", name = ""] = urn.split("::");
    return { urn, type: qualifiedType.split("$").pop() ?? "", name, props: {} };
}

/** Builds the argument bag a resource policy receives. */
export function makeResourceArgs(resource: RecordedResource, context: RunContext = {}): ResourceValidationArgs {
    const config = { ...(context.config ?? {}) };
    const props = policyProps(resource.props);
    const args: ResourceValidationArgs = {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: {
            protect: resource.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            ...(resource.parent !== undefined ? { parent: resource.parent } : {}),
        },
        stackTags: tagMap(context.stackTags),
        isType: (resourceClass) => typeOf(resourceClass) === resource.type,
        asType: ((resourceClass: unknown) => (typeOf(resourceClass) === resource.type ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable,
    };
    const provider = providerOf(resource.provider);
    if (provider !== undefined) {
        args.provider = provider;
    }
    return args;
}

/** Builds the argument bag a stack policy receives, with parents and dependencies resolved to resources. */
export function makeStackArgs(resources: readonly RecordedResource[], context: RunContext = {}): StackValidationArgs {
    const config = { ...(context.config ?? {}) };
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((r) => {
        const props = policyProps(r.props);
        const resource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: makeResourceArgs(r).opts,
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => typeOf(resourceClass) === r.type,
            asType: ((resourceClass: unknown) => (typeOf(resourceClass) === r.type ? props : undefined)) as PolicyResource["asType"],
        };
        const provider = providerOf(r.provider);
        if (provider !== undefined) {
            resource.provider = provider;
        }
        byUrn.set(r.urn, resource);
        return { recorded: r, resource };
    });
    const resolve = (urns: readonly string[] | undefined) =>
        (urns ?? []).map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    for (const { recorded, resource } of built) {
        const parent = recorded.parent === undefined ? undefined : byUrn.get(recorded.parent);
        if (parent !== undefined) {
            resource.parent = parent;
        }
        resource.dependencies = resolve(recorded.dependencies);
        for (const [property, urns] of Object.entries(recorded.propertyDependencies ?? {})) {
            resource.propertyDependencies[property] = resolve(urns);
        }
    }
    return {
        resources: built.map((b) => b.resource),
        stackTags: tagMap(context.stackTags),
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable,
    };
}

function collector(): { report: ReportViolation; violations: PolicyRun["violations"] } {
    const violations: PolicyRun["violations"] = [];
    const report: ReportViolation = (message, urn) => {
        violations.push(urn === undefined ? { message } : { message, urn });
    };
    return { report, violations };
}

function failure(policy: PackPolicy, where: string, error: unknown): Error {
    const detail = error instanceof Error ? error.message : String(error);
    return new Error(`Policy ${policy.name} failed on ${where}: ${detail}`, { cause: error });
}

/** Runs one resource policy on one resource. Errors other than `notApplicable` propagate, naming the policy. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, resource: RecordedResource, context: RunContext = {}): Promise<PolicyRun> {
    const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    const { report, violations } = collector();
    const reasons: string[] = [];
    for (const validation of validations) {
        // The analyzer's fast path: a validation tagged with one type is not called for other types.
        const only = typeOf(validation);
        if (only !== undefined && only !== resource.type) {
            reasons.push(`Policy only applies to resources of type '${only}'`);
            continue;
        }
        try {
            await validation(makeResourceArgs(resource, context), (message) => report(message, resource.urn));
        } catch (error) {
            if (error instanceof NotApplicable) {
                reasons.push(error.reason ?? "Policy does not apply");
                continue;
            }
            throw failure(policy, resource.urn, error);
        }
    }
    return reasons.length === validations.length && validations.length > 0 && violations.length === 0
        ? { notApplicable: reasons[0], violations }
        : { violations };
}

/** Runs one stack policy on all resources. */
export async function runStackPolicy(policy: StackValidationPolicy, resources: readonly RecordedResource[], context: RunContext = {}): Promise<PolicyRun> {
    const only = typeOf(policy.validateStack);
    if (only !== undefined && !resources.some((r) => r.type === only)) {
        return { notApplicable: `Policy only applies to resources of type '${only}'`, violations: [] };
    }
    const { report, violations } = collector();
    try {
        await policy.validateStack(makeStackArgs(resources, context), report);
    } catch (error) {
        if (error instanceof NotApplicable) {
            return { notApplicable: error.reason ?? "Policy does not apply", violations };
        }
        throw failure(policy, "the stack", error);
    }
    return { violations };
}

function reportedLevel(level: EnforcementLevel): PolicyResult["enforcementLevel"] {
    // The analyzer reports violations of remediate-level policies (which found nothing to fix) as mandatory.
    return level === "remediate" ? "mandatory" : level;
}

/**
 * Runs every enabled policy of the pack over `resources` with the stack's enforcement config and returns
 * one result per violation: resource policies resource by resource (in pack order for each), then stack
 * policies in pack order. Disabled policies are skipped.
 */
export async function evaluatePolicies(resources: RecordedResource[], options: EvaluateOptions): Promise<PolicyResult[]> {
    const config = options.config ?? (options.stack !== undefined ? loadPolicyConfig(options.stack) : {});
    const resolved = resolvePolicyConfig(allPolicies, config);
    const enabled = allPolicies.filter((p) => resolved.get(p.name)!.enforcementLevel !== "disabled");
    const contextOf = (p: PackPolicy): RunContext => ({ stackTags: options.stackTags, config: resolved.get(p.name)!.properties });
    const levelOf = (p: PackPolicy) => reportedLevel(resolved.get(p.name)!.enforcementLevel);

    const results: PolicyResult[] = [];
    const resourcePolicies = enabled.filter(isResourcePolicy);
    for (const resource of resources) {
        for (const policy of resourcePolicies) {
            const run = await runResourcePolicy(policy, resource, contextOf(policy));
            for (const v of run.violations) {
                results.push({ policyName: policy.name, enforcementLevel: levelOf(policy), kind: "resource", urn: resource.urn, message: v.message });
            }
        }
    }
    for (const policy of enabled.filter(isStackPolicy)) {
        const run = await runStackPolicy(policy, resources, contextOf(policy));
        for (const v of run.violations) {
            results.push({ policyName: policy.name, enforcementLevel: levelOf(policy), kind: "stack", ...(v.urn !== undefined ? { urn: v.urn } : {}), message: v.message });
        }
    }
    return results;
}
