import * as fs from "node:fs";
import * as path from "node:path";
import { isSecretWireValue } from "../plan/engine/sdkInternals";

/**
 * Azure's contracts as data: one file per provider namespace in `contracts/azure/`, each fact written by hand
 * from the Azure REST API spec (Azure/azure-rest-api-specs) at the path and commit the file names. This module
 * loads them and checks a resource's inputs against them; test/contracts records every resource the program
 * declares across stack variants and runs every input through `checkResource`.
 */

export interface SpecRef {
    readonly path: string;
    readonly commit: string;
}

export interface PropertyFact {
    /** JSON type the spec gives the property. */
    readonly type?: "string" | "integer" | "boolean" | "array" | "object";
    /** Enum values, with their exact case. */
    readonly enum?: readonly string[];
    /** `x-ms-enum.modelAsString`: the service may accept values beyond the list, but never a known one in another case. */
    readonly extensible?: boolean;
    /** Values outside the spec's enum the program may send, each with the source that allows it. */
    readonly beyondSpec?: Readonly<Record<string, string>>;
    readonly pattern?: string;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly minimum?: number;
    readonly maximum?: number;
    /** Values the spec disallows (e.g. reserved user names). */
    readonly forbidden?: readonly string[];
    /** A base64 value whose decoded bytes may not exceed this. */
    readonly base64MaxBytes?: number;
    /** `readOnly: true` in the spec: Azure computes it, a request must never carry it. */
    readonly readOnly?: boolean;
    /** `x-ms-mutability` (of the property or of the object holding it). */
    readonly mutability?: readonly ("create" | "update" | "read")[];
    readonly secret?: boolean;
    /** Key of `specs` when the fact comes from another file than the type's. */
    readonly spec?: string;
    /** Where in the spec file the fact is. */
    readonly definition?: string;
    readonly note?: string;
    /** Set when the fact could not be confirmed from the spec; says why. */
    readonly unconfirmed?: string;
}

export interface TypeContract {
    readonly resourceType: string;
    readonly apiVersion: string;
    /** Key of the namespace file's `specs`. */
    readonly spec: string;
    /** Paths that must be present whenever their parent is. */
    readonly required?: readonly string[];
    readonly properties: Readonly<Record<string, PropertyFact>>;
    /** Known departures from a fact, keyed by path prefix, each with the reason it is kept. */
    readonly deviations?: Readonly<Record<string, string>>;
    readonly unconfirmed?: string;
}

export interface NamespaceContract {
    readonly namespace: string;
    readonly about: string;
    readonly specs: Readonly<Record<string, SpecRef>>;
    readonly types: Readonly<Record<string, TypeContract>>;
}

export const contractsDir = path.join(__dirname, "azure");

/** Every namespace file, by namespace. */
export function loadContracts(dir = contractsDir): NamespaceContract[] {
    return fs.readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as NamespaceContract);
}

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

export interface Violation {
    readonly type: string;
    readonly name: string;
    readonly path: string;
    readonly message: string;
}

/** A secret in Pulumi's wire format (signature from the SDK, testing/sdkInternals.ts) gives the value it holds. */
function unwrapSecret(value: unknown): unknown {
    if (isSecretWireValue(value)) {
        return (value as Record<string, unknown>).value;
    }
    return value;
}

/** Inputs that are maps keyed by the caller (tag names, identities' ARM ids): each is checked as one value. */
const mapPaths = ["tags", "identity.userAssignedIdentities"];

/** Every sent value with its contract path (`a.b`, `list[].c`); maps (`mapPaths`) are one value. */
export function sentValues(props: Record<string, unknown>): { path: string; value: unknown }[] {
    const out: { path: string; value: unknown }[] = [];
    const walk = (raw: unknown, at: string) => {
        const value = unwrapSecret(raw);
        if (value === undefined || value === null) {
            return;
        }
        if (mapPaths.includes(at)) {
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
 * Checks one recorded resource's inputs against its type's contract: every sent path is a recorded fact, no
 * read-only property is sent, enums match with their exact case, patterns, lengths and ranges hold, required
 * properties are present, and nothing the spec allows only on update is sent at creation (unless a deviation
 * with its reason is recorded).
 */
export function checkResource(
    resource: { type: string; name: string; props: Record<string, unknown> },
    contract: TypeContract,
): Violation[] {
    const violations: Violation[] = [];
    const fail = (at: string, message: string) => violations.push({ type: resource.type, name: resource.name, path: at, message });
    const deviation = (at: string) => Object.keys(contract.deviations ?? {}).some((prefix) => at === prefix || at.startsWith(`${prefix}.`));

    for (const { path: at, value } of sentValues(resource.props)) {
        const fact = contract.properties[at];
        if (!fact) {
            if (!Array.isArray(value)) {
                fail(at, `is sent but has no recorded fact for ${contract.resourceType} ${contract.apiVersion}. Record it from the spec.`);
            }
            continue;
        }
        if (fact.readOnly) {
            fail(at, `is read-only in the spec (${fact.definition ?? at}); Azure computes it and a request must not carry it.`);
            continue;
        }
        if (fact.mutability && !fact.mutability.includes("create") && !deviation(at)) {
            fail(at, `can only be set on ${fact.mutability.filter((m) => m !== "read").join("/") || "read"} per the spec, but the program sends it on create.`);
        }
        if (fact.type && typeOf(value) !== fact.type && !(fact.type === "object" && typeof value === "object")) {
            fail(at, `is a ${typeOf(value)}; the spec says ${fact.type}.`);
            continue;
        }
        if (typeof value === "string") {
            if (fact.enum && !fact.enum.includes(value) && !(fact.beyondSpec && value in fact.beyondSpec)) {
                const other = fact.enum.find((e) => e.toLowerCase() === value.toLowerCase());
                if (other) {
                    fail(at, `"${value}" is "${other}" in another case; the spec's values are exact: ${fact.enum.join(", ")}.`);
                } else {
                    fail(at, `"${value}" is not one of the spec's values (${fact.enum.join(", ")})${fact.extensible ? "; the enum is extensible, so record the source that allows it under beyondSpec" : ""}.`);
                }
            }
            if (fact.pattern && !new RegExp(fact.pattern, "u").test(value)) {
                fail(at, `"${value}" does not match the spec's pattern ${fact.pattern}.`);
            }
            if (fact.minLength !== undefined && value.length < fact.minLength) {
                fail(at, `"${value}" is shorter than the spec's minLength ${fact.minLength}.`);
            }
            if (fact.maxLength !== undefined && value.length > fact.maxLength) {
                fail(at, `"${value}" is longer than the spec's maxLength ${fact.maxLength}.`);
            }
            if (fact.forbidden?.includes(value)) {
                fail(at, `"${value}" is a value the spec disallows.`);
            }
            if (fact.base64MaxBytes !== undefined && Buffer.from(value, "base64").length > fact.base64MaxBytes) {
                fail(at, `decodes to ${Buffer.from(value, "base64").length} bytes; the spec allows at most ${fact.base64MaxBytes}.`);
            }
        }
        if (typeof value === "number") {
            if (fact.minimum !== undefined && value < fact.minimum) {
                fail(at, `${value} is below the spec's minimum ${fact.minimum}.`);
            }
            if (fact.maximum !== undefined && value > fact.maximum) {
                fail(at, `${value} is above the spec's maximum ${fact.maximum}.`);
            }
        }
    }

    for (const required of contract.required ?? []) {
        for (const found of lookupParents(resource.props, required)) {
            if (found.value === undefined || found.value === null) {
                fail(required, "is required by the spec and missing.");
            }
        }
    }
    return violations;
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
