/**
 * Which input changes Azure cannot apply in place, from Azure's own data: the `x-ms-mutability` of each property
 * in the REST spec at the api-version azure-native 3.28 calls, as contracts/azure/*.json records it. A property
 * whose mutability has `create` and not `update` is create-only.
 *
 * What azure-native does with a create-only property decides what the simulator does:
 *
 * - a create-only property of the resource itself (after `properties` is flattened: `administratorLogin`,
 *   `availabilityZone`) is `ForceNew`: azure-native's diff asks for a replacement (pulumi/pulumi-azure-native
 *   provider/pkg/gen/properties.go, `forceNew` and `propChangeForcesRecreate`: "hasCreate && !hasUpdate";
 *   provider/pkg/provider/diff.go, `calculateDetailedDiff`, which also replaces on every path parameter);
 * - a create-only property of a nested type (`backup.geoRedundantBackup`) is not: "a non-updatable property at a
 *   subtype level (a property of a property of a resource) does not mandate the replacement of the whole
 *   resource" (properties.go, `forceNew`, `forceNewSetOnReferencedType`). azure-native sends the update, and
 *   Azure refuses it: the simulator answers 400 (see `createOnlyChange`).
 *
 * The contracts record mutability where it was read; `location` of most types is not recorded yet, so
 * resources.ts keeps it by hand with its source until the facts carry it. The adapter below is the one place
 * that reads them: a per-type function of contracts/check.ts derived from the SDK models can replace its body.
 */
import { loadContracts } from "../../../contracts/check";

let index: Map<string, string[]> | undefined;

/** Create-only property paths of a Pulumi type token (`backup.geoRedundantBackup`), from the contracts' `mutability`. */
export function createOnlyProperties(typeToken: string): string[] {
    if (!index) {
        index = new Map();
        for (const namespace of loadContracts()) {
            for (const [token, contract] of Object.entries(namespace.types)) {
                const paths = Object.entries(contract.properties)
                    .filter(([, fact]) => fact.mutability?.includes("create") && !fact.mutability.includes("update"))
                    .map(([path]) => path);
                index.set(token, paths);
            }
        }
    }
    return index.get(typeToken) ?? [];
}

/** Create-only properties of the resource itself: azure-native replaces the resource when one changes. */
export function replacedOnChange(typeToken: string): string[] {
    return createOnlyProperties(typeToken).filter((p) => !p.includes("."));
}

/** Create-only properties of nested types: azure-native sends an update, which Azure refuses. */
export function refusedOnUpdate(typeToken: string): string[] {
    return createOnlyProperties(typeToken).filter((p) => p.includes("."));
}

function at(value: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** The first nested create-only property an update changes, if any (absent on both sides is no change). */
export function createOnlyChange(typeToken: string, olds: Record<string, unknown>, news: Record<string, unknown>): string | undefined {
    return refusedOnUpdate(typeToken).find((p) => JSON.stringify(at(olds, p) ?? null) !== JSON.stringify(at(news, p) ?? null));
}
