/**
 * Requests the simulated Azure refuses before it changes anything, as Azure would: every request body is checked
 * against the same contract facts the program is checked with (contracts/check.ts: the facts derived from Azure's
 * generated SDK models at the api-version azure-native calls, refined by the hand-written ones).
 *
 * The answer is Azure Resource Manager's error for the kind of fault (Microsoft Learn, "Troubleshoot common Azure
 * deployment errors", MicrosoftDocs/azure-docs articles/azure-resource-manager/troubleshooting/common-deployment-errors.md
 * at 0af0f2eff281c7aa9a7ce00a83daf73ed3f544af):
 * - `InvalidRequestContent` (400), "the deployment values either include values that aren't recognized, or required
 *   values are missing": a property the models do not have, a value of the wrong JSON type, a required property
 *   missing, a read-only property sent (resource providers differ here: some ignore read-only properties; the
 *   simulator refuses them so the program never depends on either);
 * - `InvalidParameter` (400), "one of the values you provided for a resource doesn't match the expected value": an
 *   enum value outside a fixed enum or a known value in another case (extensible enums too), a broken pattern,
 *   length, range or item count, a value the spec disallows.
 * A value outside an extensible enum passes: the models say the service may accept it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkResource, contractIndex, loadContracts, type TypeContract, type Violation, type ViolationKind } from "../../../contracts/check";
import { azureError, containsUnknown, reveal, unknownValue } from "../common";
import type { Spec } from "./resources";

const contracts = contractIndex(loadContracts());

export const armErrorSource = "Microsoft Learn, Troubleshoot common Azure deployment errors (MicrosoftDocs/azure-docs common-deployment-errors.md at 0af0f2eff281c7aa9a7ce00a83daf73ed3f544af)";

/** The ARM error code for each kind of fault; kinds absent here are not refused. */
const codes: Partial<Record<ViolationKind, "InvalidRequestContent" | "InvalidParameter">> = {
    unknown: "InvalidRequestContent",
    type: "InvalidRequestContent",
    required: "InvalidRequestContent",
    readOnly: "InvalidRequestContent",
    enumCase: "InvalidParameter",
    enum: "InvalidParameter",
    pattern: "InvalidParameter",
    length: "InvalidParameter",
    range: "InvalidParameter",
    items: "InvalidParameter",
    forbidden: "InvalidParameter",
};

/** The inputs without the values a preview does not know yet (and without the arrays and objects holding them). */
function known(value: unknown): unknown {
    if (value === unknownValue) return undefined;
    if (Array.isArray(value)) return value.map(known).filter((v) => v !== undefined);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, known(v)]).filter(([, v]) => v !== undefined));
    }
    return value;
}

export function contractFor(type: string): TypeContract {
    const entry = contracts.get(type);
    if (!entry) throw new Error(`The Azure simulator has no contract for ${type}; add it to scripts/contracts/targets.ts and run npm run contracts:derive.`);
    return entry.contract;
}

/** The faults Azure would refuse the request for, each with its ARM error code. */
export function refusals(type: string, inputs: Record<string, unknown>): (Violation & { code: string })[] {
    const plain = reveal(inputs) as Record<string, unknown>;
    const partial = containsUnknown(plain);
    const props = known(plain) as Record<string, unknown>;
    return checkResource({ type, name: String(type), props }, contractFor(type))
        .filter((v) => codes[v.kind] !== undefined && !(partial && v.kind === "required"))
        .map((v) => ({ ...v, code: codes[v.kind]! }));
}

/** ARM's message for a fault, naming the property path as Azure's errors name the JSON path. */
function message(type: string, v: Violation & { code: string }): string {
    const contract = contractFor(type);
    return `The request content for ${contract.resourceType} (api-version ${contract.apiVersion}) was invalid: property '${v.path}' ${v.message}`;
}

/** `check`: the faults as check failures, so a preview stops before anything is sent. */
export function validate(type: string, spec: Spec, news: Record<string, any>): pulumi.provider.CheckFailure[] {
    const failures: pulumi.provider.CheckFailure[] = [];
    for (const prop of spec.readOnly ?? []) {
        if (news[prop] !== undefined) failures.push({ property: prop, reason: `${prop} is read-only: Azure computes it.` });
    }
    for (const v of refusals(type, news)) {
        if (!failures.some((f) => f.property === v.path)) failures.push({ property: v.path, reason: `${v.code}: ${message(type, v)}` });
    }
    return failures;
}

/** `create` and `update`: the 400 Azure answers the PUT with, coded by the first fault and naming them all. */
export function refuse(type: string, inputs: Record<string, unknown>): void {
    const [first, ...rest] = refusals(type, inputs);
    if (first) {
        const more = rest.map((v) => ` Also: property '${v.path}' ${v.message}`).join("");
        throw azureError(400, first.code, `${message(type, first)}${more}`, armErrorSource);
    }
}
