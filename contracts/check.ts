import { isSecretWireValue } from "../plan/engine/sdkInternals";
import type { NamespaceContract, PropertyFact, SpecRef, TypeContract } from "./types";

/**
 * Azure's contracts as data: the facts derived from Azure's generated SDK models (contracts/azure/derived/, by
 * `npm run contracts:derive`) refined by hand-written facts the models cannot show (contracts/azure/<namespace>.json,
 * each citing its spec file and commit or Learn page). This module checks a resource's inputs against them;
 * test/contracts records every resource the program declares across stack variants and runs every input through
 * `checkResource`, and the simulated Azure (e2e/providers/azure/validate.ts) refuses a request that breaks them.
 */

export * from "./types";
export { contractsDir, derivedDir, loadContracts, loadDerived, loadHandWritten, mergeFact, mergeType } from "./load";
export { azureNativeReplacements, createOnlyFacts, createOnlyProperties, forceNewMapEntry, pathParameters, refusedOnUpdate, replacedOnChange, replaceRule } from "./mutability";
export type { CreateOnlyFact, CreateOnlyReason } from "./mutability";

/** Pulumi type token → its contract (and the namespace file holding it). */
export function contractIndex(contracts: readonly NamespaceContract[]): Map<string, { namespace: NamespaceContract; contract: TypeContract }> {
    const index = new Map<string, { namespace: NamespaceContract; contract: TypeContract }>();
    for (const namespace of contracts) {
        for (const [token, contract] of Object.entries(namespace.types)) {
            if (index.has(token)) {
                throw new Error(`${token} has contracts in two namespace files`);
            }
            index.set(token, { namespace, contract });
        }
    }
    return index;
}

/** What a violation breaks: the simulated Azure answers each kind with the error Azure gives for it. */
export type ViolationKind =
    | "unknown" | "type" | "readOnly" | "enumCase" | "enum" | "enumExtensible" | "pattern" | "length" | "range" | "items"
    | "forbidden" | "required" | "createMutability";

export interface Violation {
    readonly type: string;
    readonly name: string;
    readonly path: string;
    readonly message: string;
    readonly kind: ViolationKind;
}

/** A secret in Pulumi's wire format (signature from the SDK, testing/sdkInternals.ts) gives the value it holds. */
function unwrapSecret(value: unknown): unknown {
    if (isSecretWireValue(value)) {
        return (value as Record<string, unknown>).value;
    }
    return value;
}

/**
 * Every sent value with its contract path (`a.b`, `list[].c`); `tags` and every map the contract calls a dictionary
 * are one value.
 */
export function sentValues(props: Record<string, unknown>, contract?: TypeContract): { path: string; value: unknown }[] {
    const out: { path: string; value: unknown }[] = [];
    const walk = (raw: unknown, at: string) => {
        const value = unwrapSecret(raw);
        if (value === undefined || value === null) {
            return;
        }
        if (at === "tags" || contract?.properties[at]?.dictionary) {
            out.push({ path: at, value });
            return;
        }
        if (Array.isArray(value)) {
            out.push({ path: at, value });
            value.forEach((item) => walk(item, `${at}[]`));
            return;
        }
        if (typeof value === "object") {
            for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
                walk(child, at ? `${at}.${key}` : key);
            }
            return;
        }
        out.push({ path: at, value });
    };
    walk(props, "");
    return out;
}

function typeOf(value: unknown): string {
    if (Array.isArray(value)) {
        return "array";
    }
    if (typeof value === "number") {
        return Number.isInteger(value) ? "integer" : "number";
    }
    return typeof value;
}

/** A value of JSON type `actual` fits a fact's type: the models' `number` takes any number, the spec's `integer` a whole one. */
function fits(actual: string, expected: PropertyFact["type"], value: unknown): boolean {
    if (!expected || actual === expected) return true;
    if (expected === "number" && actual === "integer") return true;
    return expected === "object" && typeof value === "object" && !Array.isArray(value);
}

/** Values at `path` (several when it crosses arrays), as `parentPresent` pairs for required checks. */
function lookup(props: unknown, segments: readonly string[]): { parentPresent: boolean; value: unknown }[] {
    const [head, ...rest] = segments;
    const node = unwrapSecret(props);
    if (node === undefined || node === null || typeof node !== "object") {
        return [];
    }
    const isArray = head.endsWith("[]");
    const key = isArray ? head.slice(0, -2) : head;
    const child = unwrapSecret((node as Record<string, unknown>)[key]);
    if (rest.length === 0) {
        return [{ parentPresent: true, value: child }];
    }
    if (isArray) {
        return Array.isArray(child) ? child.flatMap((item) => lookup(item, rest)) : [];
    }
    return lookup(child, rest);
}

/**
 * Checks one resource's inputs against its type's contract: every sent path is a property of the models, no read-only
 * property is sent, types fit, enums match with their exact case, patterns, lengths, ranges and item counts hold,
 * required properties are present, and nothing the spec allows only on update is sent at creation (unless a
 * deviation with its reason is recorded).
 */
export function checkResource(
    resource: { type: string; name: string; props: Record<string, unknown> },
    contract: TypeContract,
): Violation[] {
    const violations: Violation[] = [];
    const fail = (at: string, kind: ViolationKind, message: string) => violations.push({ type: resource.type, name: resource.name, path: at, kind, message });
    const deviation = (at: string) => Object.keys(contract.deviations ?? {}).some((prefix) => at === prefix || at.startsWith(`${prefix}.`));
    const where = `${contract.resourceType} ${contract.apiVersion}`;

    for (const { path: at, value } of sentValues(resource.props, contract)) {
        const fact = contract.properties[at];
        if (!fact) {
            if (!Array.isArray(value)) {
                fail(at, "unknown", `is not a property of ${where} in Azure's models.`);
            }
            continue;
        }
        if (fact.readOnly) {
            fail(at, "readOnly", `is read-only (${fact.definition ?? at}); Azure computes it and a request must not carry it.`);
            continue;
        }
        if (fact.mutability && !fact.mutability.includes("create") && !deviation(at)) {
            fail(at, "createMutability", `can only be set on ${fact.mutability.filter((m) => m !== "read").join("/") || "read"} per the spec, but it is sent on create.`);
        }
        if (!fits(typeOf(value), fact.type, value)) {
            fail(at, "type", `is a ${typeOf(value)}; ${where} takes ${fact.type === "integer" ? "an integer" : `a ${fact.type}`}.`);
            continue;
        }
        if (typeof value === "string") {
            checkString(at, value, fact, fail);
        }
        if (typeof value === "number") {
            if (fact.minimum !== undefined && value < fact.minimum) fail(at, "range", `${value} is below the minimum ${fact.minimum}.`);
            if (fact.maximum !== undefined && value > fact.maximum) fail(at, "range", `${value} is above the maximum ${fact.maximum}.`);
            if (fact.exclusiveMinimum !== undefined && value <= fact.exclusiveMinimum) fail(at, "range", `${value} is not above ${fact.exclusiveMinimum}.`);
            if (fact.exclusiveMaximum !== undefined && value >= fact.exclusiveMaximum) fail(at, "range", `${value} is not below ${fact.exclusiveMaximum}.`);
        }
        if (Array.isArray(value)) {
            if (fact.minItems !== undefined && value.length < fact.minItems) fail(at, "items", `has ${value.length} items; at least ${fact.minItems} are required.`);
            if (fact.maxItems !== undefined && value.length > fact.maxItems) fail(at, "items", `has ${value.length} items; at most ${fact.maxItems} are allowed.`);
        }
    }

    for (const required of contract.required ?? []) {
        for (const found of lookupParents(resource.props, required)) {
            if (found.value === undefined || found.value === null) {
                fail(required, "required", "is required and missing.");
            }
        }
    }
    return violations;
}

function checkString(at: string, value: string, fact: PropertyFact, fail: (at: string, kind: ViolationKind, message: string) => void): void {
    if (fact.enum && !fact.enum.includes(value) && !(fact.beyondSpec && value in fact.beyondSpec)) {
        const other = fact.enum.find((e) => e.toLowerCase() === value.toLowerCase());
        if (other) {
            fail(at, "enumCase", `"${value}" is "${other}" in another case; the values are exact: ${fact.enum.join(", ")}.`);
        } else if (fact.openEnum) {
            // A known value is not required (see the fact's source).
        } else if (fact.extensible) {
            fail(at, "enumExtensible", `"${value}" is not one of the known values (${fact.enum.join(", ")}); the enum is extensible, so record the source that allows it under beyondSpec.`);
        } else {
            fail(at, "enum", `"${value}" is not one of the allowed values (${fact.enum.join(", ")}).`);
        }
    }
    if (fact.pattern && !new RegExp(fact.pattern, "u").test(value)) {
        fail(at, "pattern", `"${value}" does not match the pattern ${fact.pattern}.`);
    }
    if (fact.minLength !== undefined && value.length < fact.minLength) {
        fail(at, "length", `"${value}" is shorter than the minLength ${fact.minLength}.`);
    }
    if (fact.maxLength !== undefined && value.length > fact.maxLength) {
        fail(at, "length", `"${value}" is longer than the maxLength ${fact.maxLength}.`);
    }
    if (fact.forbidden?.includes(value)) {
        fail(at, "forbidden", `"${value}" is a value the spec disallows.`);
    }
    if (fact.base64MaxBytes !== undefined && Buffer.from(value, "base64").length > fact.base64MaxBytes) {
        fail(at, "length", `decodes to ${Buffer.from(value, "base64").length} bytes; the spec allows at most ${fact.base64MaxBytes}.`);
    }
}

/** For `a.b.c`: each `a.b` object present, with its `c`. A top-level path is always checked. */
function lookupParents(props: Record<string, unknown>, requiredPath: string): { value: unknown }[] {
    const segments = requiredPath.split(".");
    if (segments.length === 1 && !segments[0].endsWith("[]")) {
        return [{ value: unwrapSecret(props[segments[0]]) }];
    }
    return lookup(props, segments).filter((r) => r.parentPresent);
}

/** The spec reference of a fact (its own file or the type's). */
export function specOf(namespace: NamespaceContract, contract: TypeContract, fact?: PropertyFact): SpecRef | undefined {
    return namespace.specs[fact?.spec ?? contract.spec];
}
