/**
 * Create-only facts, for the update rules of the simulated Azure and the offline plan.
 *
 * A property is create-only when
 * - it is a parameter of the resource's URL (its name, its parent's name, its resource group, its scope);
 * - its `x-ms-mutability` in the REST spec lacks `update` (recorded as `mutability` in the hand-written layer,
 *   contracts/azure/<namespace>.json, with the spec file and commit; every type names in `mutabilityRead` the
 *   definitions read, so a sent property without `mutability` has none in the spec and is updatable);
 * - the spec says so in words only (`fixedAtCreation`, with the definition and the sentence: the VM's
 *   `osProfile.adminUsername`, a subnet's `defaultOutboundAccess`, a resource group's `location`);
 * - or pulumi-azure-native replaces the resource when it changes (`forceNewMap`, transcribed with its commit in
 *   contracts/azure-native/replacement.json).
 *
 * What azure-native does with each (pulumi/pulumi-azure-native):
 * - provider/pkg/gen/properties.go (read at 000c531859797e289e572f526c7e15f5e2127833), `forceNew` and
 *   `propChangeForcesRecreate`: a property whose `x-ms-mutability` has `create` but not `update` is `ForceNew` on the
 *   resource (after `properties` is flattened: `administratorLogin`, a workspace's `location`); on a property of a
 *   referenced type (`backup.geoRedundantBackup`) it is `ForceNewSetOnReferencedType`, which is not a replace key;
 *   failing that, a property `forceNewMap` names for the resource is `ForceNew`;
 * - provider/pkg/provider/diff.go (read at 03707ff7fc10b70f7dd23ec847a3ce1e9264c124 and in a later version with the
 *   same rule), `calculateDetailedDiff`: every PUT parameter in the path is a replace key, and every `ForceNew`
 *   property of the body, top-level or one level down; a change under a replace key is UPDATE_REPLACE, and a
 *   top-level `location` differing only in case and spaces is no change.
 * So a change to a create-only property either replaces the resource (`replacedOnChange`), or is sent as an update
 * that the spec says Azure cannot apply (`refusedOnUpdate`: a nested `x-ms-mutability` one, or one the spec fixes
 * in words only, which azure-native cannot know).
 */
import replacementData from "./azure-native/replacement.json";
import { loadContracts } from "./load";
import type { AzureNativeReplacements, NamespaceContract, PropertyFact, TypeContract } from "./types";

/** azure-native's hand-added replacements, as transcribed (contracts/azure-native/replacement.json). */
export const azureNativeReplacements: AzureNativeReplacements = replacementData;

/** The pulumi-azure-native sources the replace rule above is read from (repository, path, commit). */
export const replaceRule = {
    repository: "pulumi/pulumi-azure-native",
    sources: [
        { path: "provider/pkg/gen/properties.go", commit: "000c531859797e289e572f526c7e15f5e2127833", what: "forceNew from x-ms-mutability" },
        { path: azureNativeReplacements.path, commit: azureNativeReplacements.commit, what: "forceNewMap: replacements added by hand (contracts/azure-native/replacement.json)" },
        { path: "provider/pkg/provider/diff.go", commit: "03707ff7fc10b70f7dd23ec847a3ce1e9264c124", what: "path parameters and ForceNew properties are replace keys" },
    ],
} as const;

let cached: Map<string, TypeContract> | undefined;

function contractOf(token: string, contracts?: readonly NamespaceContract[]): TypeContract {
    const index = contracts
        ? new Map(contracts.flatMap((n) => Object.entries(n.types)))
        : (cached ??= new Map(loadContracts().flatMap((n) => Object.entries(n.types))));
    const contract = index.get(token);
    if (!contract) throw new Error(`${token} has no contract in contracts/azure/`);
    return contract;
}

/** The parameters of the resource's URL (name, parent name, resource group, scope): never changed in place. */
export function pathParameters(token: string, contracts?: readonly NamespaceContract[]): string[] {
    return Object.entries(contractOf(token, contracts).properties).filter(([, f]) => f.pathParameter).map(([at]) => at).sort();
}

/**
 * azure-native's `forceNewMap` entry for a type (top-level input names), found by the token's module and resource
 * name (`azure-native:network:PublicIPAddress` → Network, PublicIPAddress); undefined when the map has none.
 */
export function forceNewMapEntry(token: string, replacements: AzureNativeReplacements = azureNativeReplacements): readonly string[] | undefined {
    const [, module, resource] = token.split(":");
    const entries = Object.entries(replacements.forceNewMap).find(([name]) => name.toLowerCase() === module.toLowerCase())?.[1];
    return entries?.[resource]?.properties;
}

/** Why a property cannot change in place. */
export type CreateOnlyReason = "path parameter" | "x-ms-mutability" | "fixed at creation" | "forceNewMap";

export interface CreateOnlyFact {
    /** The contract path (`osProfile.adminUsername`); an object's path covers everything under it. */
    readonly path: string;
    readonly reasons: readonly CreateOnlyReason[];
    /**
     * What azure-native does when the value changes: `replace` (delete and create, or create and delete), or
     * `update` (it sends the change in place, which the spec says Azure cannot apply).
     */
    readonly onChange: "replace" | "update";
}

const createOnlyByMutability = (fact: PropertyFact) => Boolean(fact.mutability?.includes("create") && !fact.mutability.includes("update"));
const onTheResource = (at: string) => !at.includes(".") && !at.includes("[");

/** Every property of a type that cannot change in place, why, and what azure-native does when it changes. */
export function createOnlyFacts(
    token: string,
    contracts?: readonly NamespaceContract[],
    replacements: AzureNativeReplacements = azureNativeReplacements,
): CreateOnlyFact[] {
    const contract = contractOf(token, contracts);
    const reasons = new Map<string, CreateOnlyReason[]>();
    const add = (at: string, why: CreateOnlyReason) => reasons.set(at, [...(reasons.get(at) ?? []), why]);
    for (const [at, fact] of Object.entries(contract.properties)) {
        if (fact.pathParameter) add(at, "path parameter");
        if (createOnlyByMutability(fact)) add(at, "x-ms-mutability");
        if (fact.fixedAtCreation) add(at, "fixed at creation");
    }
    for (const at of forceNewMapEntry(token, replacements) ?? []) {
        if (!contract.properties[at]) throw new Error(`${token}: azure-native's forceNewMap names "${at}", which is not a property of the models`);
        add(at, "forceNewMap");
    }
    return [...reasons.keys()].sort().map((at) => {
        const why = reasons.get(at)!;
        const replaced = why.includes("path parameter") || why.includes("forceNewMap") || (why.includes("x-ms-mutability") && onTheResource(at));
        return { path: at, reasons: why, onChange: replaced ? "replace" : "update" };
    });
}

/**
 * Properties of a type that cannot change in place: its path parameters, every property whose `x-ms-mutability`
 * in the spec (at the api-version azure-native calls) has no `update`, every one the spec fixes at creation in
 * words, and every one azure-native's `forceNewMap` replaces the resource on.
 */
export function createOnlyProperties(token: string, contracts?: readonly NamespaceContract[]): string[] {
    return createOnlyFacts(token, contracts).map((f) => f.path);
}

/** Create-only properties whose change azure-native answers with a replacement of the resource. */
export function replacedOnChange(token: string, contracts?: readonly NamespaceContract[]): string[] {
    return createOnlyFacts(token, contracts).filter((f) => f.onChange === "replace").map((f) => f.path);
}

/** Create-only properties whose change azure-native sends as an update, which the spec says Azure cannot apply. */
export function refusedOnUpdate(token: string, contracts?: readonly NamespaceContract[]): string[] {
    return createOnlyFacts(token, contracts).filter((f) => f.onChange === "update").map((f) => f.path);
}
