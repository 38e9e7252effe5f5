// The offline analyzer: the policy pack (policies/) run over recorded resources without the Pulumi CLI or a
// gRPC analyzer. policyConfig.ts reconciles a stack's policy config with the policies' defaults as the engine
// does; run.ts runs the enabled policies and reports one result per violation.
export { allPolicies } from "../../policies/catalog";
export {
    isResourcePolicy, isStackPolicy, loadPolicyConfig, resolvePolicyConfig, type PolicyPackConfig, type ResolvedPolicyConfig,
} from "./policyConfig";
export {
    evaluatePolicies, makeResourceArgs, makeStackArgs, policyProps, runResourcePolicy, runStackPolicy,
    type EvaluateOptions, type PolicyResult, type PolicyRun, type RecordedResource, type RunContext,
} from "./run";
