/**
 * The pack's policies in pack order, and its name. The single list both the pack (index.ts) and the
 * offline evaluator (evaluate.ts) run.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { computePolicies } from "./compute";
import { connectionPolicies } from "./connections";
import { entraPolicies } from "./entra";
import { firewallPolicies } from "./firewall";
import { networkPolicies } from "./network";
import { observabilityPolicies } from "./observability";
import { parameterPolicies } from "./parameters";
import { privateNetworkPolicies } from "./privateNetwork";
import { serverPolicies } from "./server";
import type { PackPolicy } from "./lib/policy";

export const PACK_NAME = "entra-postgres-policies";

/** Level of a policy that states none (every policy here states its own). Pulumi's default. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

/** Resource and stack policies, in pack order. */
export const allPolicies: readonly PackPolicy[] = [
    ...serverPolicies,
    ...parameterPolicies,
    ...firewallPolicies,
    ...observabilityPolicies,
    ...computePolicies,
    ...networkPolicies,
    ...privateNetworkPolicies,
    ...entraPolicies,
    ...connectionPolicies,
];
