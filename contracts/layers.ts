/**
 * The rule that keeps the two layers of contract facts honest: a hand-written fact may add what the models cannot
 * show (mutability, a property fixed at creation, the spec's `integer`, a range or list stated only in a
 * description, a source note), but never state a type, enum, case, read-only flag, pattern, length or range the
 * derived fact states otherwise, never name a property the models do not have, and never fix at creation a
 * property the models make read-only or the spec makes updatable.
 */
import type { DerivedType, PropertyFact, TypeContract } from "./types";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Where one type's hand-written facts contradict its derived facts, as readable lines (empty when they agree). */
export function contradictions(token: string, hand: TypeContract, derived: DerivedType | undefined): string[] {
    if (!derived) return [`${token}: hand-written facts for a type with no derived facts`];
    const out: string[] = [];
    const say = (at: string, what: string) => out.push(`${token} ${at}: ${what}`);
    for (const [at, fact] of Object.entries(hand.properties) as [string, PropertyFact][]) {
        const model = derived.properties[at];
        if (!model) {
            say(at, "is not a property of the models");
            continue;
        }
        if (fact.type !== undefined && model.type !== undefined && fact.type !== model.type && !(fact.type === "integer" && model.type === "number")) {
            say(at, `type ${fact.type}, the models say ${model.type}`);
        }
        if (fact.enum && model.enum && !same([...fact.enum].sort(), [...model.enum].sort())) {
            say(at, `enum ${fact.enum.join(", ")}, the models say ${model.enum.join(", ")}`);
        }
        if (fact.extensible !== undefined && model.extensible !== undefined && fact.extensible !== model.extensible) {
            say(at, `extensible ${String(fact.extensible)}, the models say ${String(model.extensible)}`);
        }
        for (const value of Object.keys(fact.beyondSpec ?? {})) {
            if (model.enum?.includes(value)) say(at, `"${value}" is recorded beyond the spec, but the models list it: drop it`);
        }
        for (const value of Object.keys(fact.beyondModels ?? {})) {
            if (model.enum?.includes(value)) say(at, `"${value}" is recorded as lost by the models, but they list it: drop it`);
            if (model.enum?.some((v) => v !== value && v.toLowerCase() === value.toLowerCase())) say(at, `"${value}" is a listed value in another case`);
        }
        if (fact.readOnly !== undefined && fact.readOnly !== (model.readOnly ?? false)) {
            say(at, `readOnly ${String(fact.readOnly)}, the models say ${String(model.readOnly ?? false)}`);
        }
        if (fact.readOnly === undefined && model.readOnly && fact.mutability?.some((m) => m !== "read")) {
            say(at, `mutability ${fact.mutability.join(", ")} on a property the models make read-only`);
        }
        for (const key of ["pattern", "minLength", "maxLength", "minimum", "maximum"] as const) {
            if (fact[key] !== undefined && model[key] !== undefined && fact[key] !== model[key]) {
                say(at, `${key} ${String(fact[key])}, the models say ${String(model[key])}`);
            }
        }
        if (fact.fixedAtCreation && model.readOnly) say(at, "fixedAtCreation on a property the models make read-only");
        if (fact.fixedAtCreation && fact.mutability?.includes("update")) say(at, `fixedAtCreation on a property whose x-ms-mutability is ${fact.mutability.join(", ")}`);
        if (fact.openEnum && !model.enum) say(at, "openEnum on a property the models give no enum");
    }
    if (hand.apiVersion !== derived.apiVersion) out.push(`${token}: hand-written for api-version ${hand.apiVersion}, derived for ${derived.apiVersion}`);
    return out;
}
