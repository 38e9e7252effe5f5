/**
 * Safe reading of resource properties, whoever hands them over.
 *
 * During `pulumi preview` the policy runtime wraps props in a proxy that throws on any read of a value that
 * is not known yet (the ids of resources not created, outputs of other resources). Offline, the same
 * unknowns arrive as `undefined`. Policies here never read those proxies directly: they take a plain copy in
 * which every unknown value is `undefined` *with its key kept*, so "the property is set, to something we
 * cannot see yet" stays distinguishable from "the property is not set" and a rule can decide on presence.
 */

/**
 * The sentinels the Pulumi engine sends for unknown values, one per kind (boolean, number, string, array,
 * asset, archive, object); the same strings as `@pulumi/policy`'s proxy module, which does not export them.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * True for a value not known during preview: the engine's placeholder strings, or the `Unknown` object the
 * Pulumi runtime (and so its mocks) deserializes them to.
 */
export function isUnknownSentinel(value: unknown): boolean {
    if (typeof value === "string") {
        return UNKNOWN_SENTINELS.has(value);
    }
    return value !== null && typeof value === "object" && ownValue(value, "__pulumiUnknown") === true;
}

const copies = new WeakMap<object, unknown>();

/**
 * A plain deep copy of `props` that is safe to read anywhere: unknown values become `undefined` (their keys
 * stay), and nothing is read through the engine's throwing proxy (own-property descriptors bypass its `get`
 * trap). Copies are cached per props object, so every policy of a run shares one.
 */
export function plainProps<T>(props: unknown): T {
    if (props === null || typeof props !== "object") {
        return {} as T;
    }
    const cached = copies.get(props);
    if (cached !== undefined) {
        return cached as T;
    }
    const copy = plainValue(props) as T;
    copies.set(props, copy);
    return copy;
}

function plainValue(value: unknown): unknown {
    if (isUnknownSentinel(value)) {
        return undefined;
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        const length = ownValue(value, "length");
        const out: unknown[] = [];
        for (let i = 0; i < (typeof length === "number" ? length : 0); i++) {
            out.push(plainValue(ownValue(value, String(i))));
        }
        return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
        out[key] = plainValue(ownValue(value, key));
    }
    return out;
}

function ownValue(target: object, key: string): unknown {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return descriptor && "value" in descriptor ? descriptor.value : undefined;
}

/** True when `obj` has `key` as an own property (its value may be unknown, i.e. `undefined`). */
export function hasKey(obj: unknown, key: string): boolean {
    return obj !== null && typeof obj === "object" && Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * What a policy knows about one (possibly nested) setting:
 * - `known: false`: the setting is present but its value is unknown at preview; no decision possible.
 * - `known: true, declared: false`: the setting (or an object on its path) is not set: Azure's default applies.
 * - `known: true, declared: true`: the value as declared.
 */
export type Setting<T> =
    | { readonly known: false }
    | { readonly known: true; readonly declared: false }
    | { readonly known: true; readonly declared: true; readonly value: T };

/** Reads `root.path[0].path[1]...` as a {@link Setting}. `root` must be a {@link plainProps} copy. */
export function setting<T = unknown>(root: unknown, ...path: string[]): Setting<T> {
    let current: unknown = root;
    for (const key of path) {
        if (current === null || typeof current !== "object") {
            return { known: true, declared: false };
        }
        if (!hasKey(current, key)) {
            return { known: true, declared: false };
        }
        current = (current as Record<string, unknown>)[key];
        if (current === undefined) {
            return { known: false };
        }
    }
    return { known: true, declared: true, value: current as T };
}

/** The effective value: the declared one, or `azureDefault` when the setting is absent; `undefined` when unknown. */
export function effective<T>(s: Setting<T>, azureDefault: T): T | undefined {
    if (!s.known) {
        return undefined;
    }
    return s.declared ? s.value : azureDefault;
}

/** Elements of an array property; unknown or absent arrays give `[]`. */
export function arrayOf<T>(value: unknown): T[] {
    return Array.isArray(value) ? (value as T[]) : [];
}
