import { isSecretWireValue, unknownMarker } from "./sdkInternals";

/**
 * Values as they travel between the SDK and the engine (pulumi/pulumi sdk/nodejs/runtime/rpc.ts): a secret is
 * an object carrying the secret signature, a value not known yet is the unknown marker.
 */

export { unknownValue } from "../../components/roles/inputs";

/** Whether a wire value is, or contains, a secret. */
export function containsSecret(value: unknown): boolean {
    if (value === null || typeof value !== "object") {
        return false;
    }
    if (isSecretWireValue(value)) {
        return true;
    }
    return Object.values(value as Record<string, unknown>).some(containsSecret);
}

/** Dotted paths of the secrets in a wire value (a secret's own path, not what lies inside it). */
export function secretPaths(value: unknown, path: string): string[] {
    if (value === null || typeof value !== "object") {
        return [];
    }
    if (isSecretWireValue(value)) {
        return [path];
    }
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
        secretPaths(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
}

/** Replaces the SDK's unknown markers by `undefined`, collecting their dotted paths in `paths`. */
export function withoutUnknowns<T>(value: T, path: string, paths: string[]): T {
    if (value === unknownMarker) {
        paths.push(path);
        return undefined as T;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => withoutUnknowns(v, `${path}[${i}]`, paths)) as T;
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutUnknowns(v, path ? `${path}.${k}` : k, paths)])) as T;
    }
    return value;
}
