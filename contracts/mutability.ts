/**
 * Create-only facts, for the update rules of the simulated Azure and the offline plan.
 *
 * A property is create-only when its `x-ms-mutability` in the REST spec lacks `update` (recorded as `mutability` in
 * the hand-written layer, contracts/azure/<namespace>.json, with the spec file and commit; `mutabilityRead` names
 * the definitions read, so a sent property without `mutability` has none in the spec and is updatable), and every
 * parameter of the resource's URL is (its name, its parent's name, its resource group).
 *
 * azure-native follows the same rule when it decides replace versus update (pulumi/pulumi-azure-native):
 * - provider/pkg/gen/properties.go (read at 000c531859797e289e572f526c7e15f5e2127833), `forceNew` and
 *   `propChangeForcesRecreate`: a property whose `x-ms-mutability` has `create` but not `update` is `ForceNew` on the
 *   resource; on a property of a referenced type it is `ForceNewSetOnReferencedType` (not a replacement of the whole
 *   resource); `forceNewMap` in provider/pkg/gen/replacement.go (read at 1b7112af33c62b247daed1028686bf279f4d5e69)
 *   adds some by hand: Network PrivateEndpoint `subnet`, PublicIPAddress `location`/`publicIPAddressVersion`/
 *   `publicIPPrefix`/`sku`, VirtualNetwork `location`, Resources ResourceGroup `location`;
 * - provider/pkg/provider/diff.go (read at 03707ff7fc10b70f7dd23ec847a3ce1e9264c124), `calculateDetailedDiff`: every
 *   PUT parameter in the path is a replace key, and every `ForceNew` property of the body, top-level or one level down
 *   (`prop.` of an object, `prop[].` of an array of objects); a change under a replace key is UPDATE_REPLACE, and a
 *   top-level `location` differing only in case and spaces is no change.
 */
import { loadContracts } from "./load";
import type { NamespaceContract, TypeContract } from "./types";

/** The pulumi-azure-native sources the replace rule above is read from (repository, path, commit). */
export const replaceRule = {
    repository: "pulumi/pulumi-azure-native",
    sources: [
        { path: "provider/pkg/gen/properties.go", commit: "000c531859797e289e572f526c7e15f5e2127833", what: "forceNew from x-ms-mutability" },
        { path: "provider/pkg/gen/replacement.go", commit: "1b7112af33c62b247daed1028686bf279f4d5e69", what: "forceNewMap: replacements added by hand" },
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
 * Properties of a type that cannot change in place: its path parameters, and every property whose `x-ms-mutability`
 * in the spec (at the api-version azure-native calls) has no `update`.
 */
export function createOnlyProperties(token: string, contracts?: readonly NamespaceContract[]): string[] {
    const contract = contractOf(token, contracts);
    const fromSpec = Object.entries(contract.properties)
        .filter(([, f]) => f.mutability && f.mutability.includes("create") && !f.mutability.includes("update"))
        .map(([at]) => at);
    return [...new Set([...pathParameters(token, contracts), ...fromSpec])].sort();
}
