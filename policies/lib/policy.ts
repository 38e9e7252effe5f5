/**
 * Building blocks shared by the policy modules: source citations, type-filtered validations, and the
 * `StackIndex` hand-off for stack policies.
 */
import type {
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidation,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { StackIndex } from "./graph";
import { plainProps } from "./props";

/** Any policy of the pack. */
export type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** An Azure Policy built-in definition: its GUID (a short id where only that is known) and display name. */
export interface AzurePolicyRef {
    readonly id: string;
    readonly displayName?: string;
}

/** The public rule sets a policy corresponds to. */
export interface PolicySources {
    readonly azurePolicy?: readonly AzurePolicyRef[];
    /** CIS Microsoft Azure Foundations Benchmark 3.0.0 recommendation numbers. */
    readonly cis?: readonly string[];
    readonly checkov?: readonly string[];
    /** Trivy / tfsec AVD ids. */
    readonly trivy?: readonly string[];
    /** PSRule for Azure rule names. */
    readonly psrule?: readonly string[];
    /** Where no public rule exists: the document the rule is derived from. */
    readonly basis?: string;
}

/**
 * The `description` (summary, then every source spelled out) and machine-readable `tags`
 * (`azure-policy:<guid>`, `cis-azure-3.0:<n>`, `checkov:<id>`, `trivy:<id>`, `psrule:<name>`) of a policy.
 */
export function cite(summary: string, sources: PolicySources): { description: string; tags: string[] } {
    const parts: string[] = [];
    const tags: string[] = [];
    for (const ref of sources.azurePolicy ?? []) {
        parts.push(ref.displayName === undefined ? `Azure Policy ${ref.id}` : `Azure Policy "${ref.displayName}" (${ref.id})`);
        tags.push(`azure-policy:${ref.id}`);
    }
    if (sources.cis?.length) {
        parts.push(`CIS Microsoft Azure Foundations 3.0.0 ${sources.cis.join(", ")}`);
        tags.push(...sources.cis.map((id) => `cis-azure-3.0:${id}`));
    }
    if (sources.checkov?.length) {
        parts.push(`checkov ${sources.checkov.join(", ")}`);
        tags.push(...sources.checkov.map((id) => `checkov:${id}`));
    }
    if (sources.trivy?.length) {
        parts.push(`trivy ${sources.trivy.join(", ")}`);
        tags.push(...sources.trivy.map((id) => `trivy:${id}`));
    }
    if (sources.psrule?.length) {
        parts.push(`PSRule for Azure ${sources.psrule.join(", ")}`);
        tags.push(...sources.psrule.map((id) => `psrule:${id}`));
    }
    if (sources.basis) {
        parts.push(sources.basis);
    }
    return { description: `${summary} Sources: ${parts.join("; ")}.`, tags };
}

/** A function tagged with the one resource type it applies to, which lets the runtime skip other types. */
type Typed<F> = F & { __pulumiType?: string };

/**
 * A resource validation for the given types only: other types are reported as not applicable, and with a
 * single type the runtime skips other resources without calling it. `validate` gets plain props.
 */
export function onTypes<P>(
    types: readonly string[],
    validate: (props: P, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    const fn: Typed<ResourceValidation> = (args, report) => {
        if (!types.includes(args.type)) {
            return args.notApplicable(`Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(" or ")}`);
        }
        validate(plainProps<P>(args.props), args, report);
    };
    if (types.length === 1) {
        fn.__pulumiType = types[0];
    }
    return fn;
}

/** A resource validation for types chosen by a predicate (e.g. dynamic resources under any module name). */
export function onMatchingTypes<P>(
    matches: (type: string) => boolean,
    what: string,
    validate: (props: P, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    return (args, report) => {
        if (!matches(args.type)) {
            return args.notApplicable(`Policy only applies to ${what}`);
        }
        validate(plainProps<P>(args.props), args, report);
    };
}

/**
 * A stack validation that is skipped (not applicable) when the stack has no resource of `type`, and
 * otherwise runs with a {@link StackIndex} over the stack.
 */
export function withStack(
    type: string,
    validate: (index: StackIndex, args: StackValidationArgs, report: ReportViolation) => void,
): StackValidation {
    const fn: Typed<StackValidation> = (args, report) => {
        if (!args.resources.some((r) => r.type === type)) {
            return args.notApplicable(`Policy only applies to stacks with resources of type '${type}'`);
        }
        validate(new StackIndex(args.resources), args, report);
    };
    fn.__pulumiType = type;
    return fn;
}
