/**
 * Loads the two layers of Azure's contract facts and merges them:
 *
 * - derived (contracts/azure/derived/<namespace>.json): written by `npm run contracts:derive` from Azure's generated
 *   SDK models at the api-version azure-native calls; every property the request body can carry, with its type,
 *   enum and case, read-only flag, pattern, lengths and range;
 * - hand-written (contracts/azure/<namespace>.json): only what the models cannot show (`x-ms-mutability`, the spec's
 *   `integer`, values the spec or Learn states and the models lost or never had), each citing its source.
 *
 * test/contracts/layers.test.ts proves the hand-written layer never contradicts the derived one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DerivedNamespace, DerivedType, NamespaceContract, PropertyFact, TypeContract } from "./types";

export const contractsDir = path.join(__dirname, "azure");
export const derivedDir = path.join(contractsDir, "derived");

const readAll = <T>(dir: string): T[] => fs.readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as T);

/** The hand-written namespace files. */
export function loadHandWritten(dir = contractsDir): NamespaceContract[] {
    return readAll<NamespaceContract>(dir);
}

/** The derived namespace files. */
export function loadDerived(dir = derivedDir): DerivedNamespace[] {
    return readAll<DerivedNamespace>(dir);
}

/** One path's fact: the derived one, refined by the hand-written one (which the layers test keeps consistent). */
export function mergeFact(derived: PropertyFact | undefined, hand: PropertyFact | undefined): PropertyFact {
    const merged: Record<string, unknown> = { ...derived, ...hand };
    if (derived?.type === "number" && hand?.type === undefined) merged.type = "number";
    if (hand?.beyondModels) {
        merged.enum = [...(derived?.enum ?? hand.enum ?? []), ...Object.keys(hand.beyondModels).filter((v) => !(derived?.enum ?? []).includes(v))];
    }
    if (derived?.definition && hand?.definition && derived.definition !== hand.definition) {
        merged.definition = `${derived.definition} (spec: ${hand.definition})`;
    }
    return merged as PropertyFact;
}

/** A type's merged contract. */
export function mergeType(derived: DerivedType | undefined, hand: TypeContract | undefined): TypeContract {
    if (!derived && !hand) throw new Error("nothing to merge");
    const properties: Record<string, PropertyFact> = {};
    for (const at of new Set([...Object.keys(derived?.properties ?? {}), ...Object.keys(hand?.properties ?? {})])) {
        properties[at] = mergeFact(derived?.properties[at], hand?.properties[at]);
    }
    const required = [...new Set([...(derived?.required ?? []), ...(hand?.required ?? [])])].sort();
    return {
        ...hand,
        resourceType: derived?.resourceType ?? hand!.resourceType,
        apiVersion: derived?.apiVersion ?? hand!.apiVersion,
        spec: hand?.spec ?? "",
        required,
        properties,
        oracles: derived?.oracles,
    };
}

/**
 * Every namespace's merged contract (derived facts refined by hand-written ones), by namespace. The hand-written
 * file gives the namespace its `about` and `specs`.
 */
export function loadContracts(dir = contractsDir, derived = path.join(dir, "derived")): NamespaceContract[] {
    const hand = new Map(loadHandWritten(dir).map((n) => [n.namespace, n]));
    const models = new Map((fs.existsSync(derived) ? loadDerived(derived) : []).map((n) => [n.namespace, n]));
    return [...new Set([...hand.keys(), ...models.keys()])].sort().map((namespace) => {
        const h = hand.get(namespace);
        const d = models.get(namespace);
        const tokens = new Set([...Object.keys(h?.types ?? {}), ...Object.keys(d?.types ?? {})]);
        return {
            namespace,
            about: h?.about ?? d!.about,
            specs: h?.specs ?? {},
            types: Object.fromEntries([...tokens].sort().map((token) => [token, mergeType(d?.types[token], h?.types[token])])),
        };
    });
}
