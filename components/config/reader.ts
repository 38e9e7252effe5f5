import { guidPattern, identifierProblem, reservedRoleNameProblem } from "./names";
import { ConfigProblem, editDistance, nearestKey } from "./errors";
import { forbiddenKeyMessage, isForbiddenKey, withoutPrototypes } from "./safe";
import { namespace as stackNamespace } from "./settings";

/**
 * The reader every feature parser uses: it decodes values as Pulumi hands them over, checks their shape,
 * collects every problem under its full key, and suggests the nearest known key for a typo.
 */

export { guidPattern };

/**
 * Namespaces a stack file legitimately holds beside the project's: Pulumi's own (`pulumi:tags`, ESC's
 * `pulumi:template`) and the providers' configuration (`azure-native:location`, `postgresql:host`, …). None is
 * within `maxNamespaceDistance` of `entra-postgres` today; the list keeps it so if a provider with a closer name
 * is added.
 */
export const otherNamespaces: readonly string[] = ["pulumi", "azure-native", "azure", "azuread", "postgresql", "random", "command", "tls", "std"];

/** How many single-character edits away a namespace counts as a typo of the project's (`entra-postgre`, `entra_postgres`). */
export const maxNamespaceDistance = 3;

export type Json = unknown;
export type Obj = Record<string, Json>;

export class Reader {
    readonly problems: ConfigProblem[] = [];
    /**
     * Paths of known keys that an object spelled differently (`admins[0].objectId` for `objectID`). The typo is
     * the one problem to report: "is required" for the intended key would only repeat it.
     */
    private readonly misspelled = new Set<string>();

    /** `namespace`: the Pulumi project whose settings are read, the prefix of every key (`entra-postgres:`). */
    constructor(readonly namespace: string = stackNamespace) {}

    fail(path: string, message: string): undefined {
        this.problems.push({ key: `${this.namespace}:${path}`, message });
        return undefined;
    }

    /**
     * The project's settings from raw stack config (keys with or without the namespace prefix; values as Pulumi
     * hands them over, JSON text for structured ones, or plain values), decoded into one object without a
     * prototype. Keys of other namespaces (`azure-native:location`) are left out; forbidden keys (safe.ts) and
     * keys not in `known` are refused, the latter naming the nearest known key.
     */
    settings(raw: Readonly<Record<string, unknown>>, known: readonly string[]): Obj {
        const prefix = `${this.namespace}:`;
        const top: Obj = Object.create(null);
        const fail = (path: string, message: string) => this.fail(path, message);
        for (const [key, value] of Object.entries(raw)) {
            const short = key.startsWith(prefix) ? key.slice(prefix.length) : key.includes(":") ? undefined : key;
            if (short === undefined) {
                this.lookalikeNamespace(key, known);
                continue;
            }
            if (isForbiddenKey(short)) {
                this.fail(short, forbiddenKeyMessage(short));
                continue;
            }
            top[short] = withoutPrototypes(decode(value), short, fail);
        }
        this.object(top, "", known);
        return top;
    }

    /**
     * Refuses `key` when its namespace is a near miss of this project's (`entra-postgre:protect`): Pulumi
     * accepts any namespace, so the setting would otherwise be ignored without a word and its default used.
     * The namespaces of providers and of Pulumi itself are never refused, however close.
     */
    private lookalikeNamespace(key: string, known: readonly string[]): void {
        const colon = key.indexOf(":");
        const ns = key.slice(0, colon);
        if (ns === this.namespace || otherNamespaces.includes(ns.toLowerCase()) || editDistance(ns, this.namespace) > maxNamespaceDistance) {
            return;
        }
        const name = key.slice(colon + 1);
        const top = name.split(/[.[]/)[0];
        const nearTop = known.includes(top) ? top : nearestKey(top, known);
        const fix = nearTop ? `${this.namespace}:${nearTop}${name.slice(top.length)}` : undefined;
        this.problems.push({
            key,
            message: `"${ns}" is not this project's namespace, so Pulumi would pass the setting on and the program would ignore it.` +
                (fix ? ` Did you mean "${fix}"? Rename the key in the stack file (or \`pulumi config rm '${key}'\` and set ${fix}).` : ` Use the ${this.namespace}: namespace; known keys: ${known.join(", ")}.`),
        });
    }

    /** Checks `value` is an object and refuses keys it does not know, naming the nearest known one. */
    object(value: Json, path: string, known: readonly string[]): Obj | undefined {
        if (value === undefined || value === null) {
            return {};
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            return this.fail(path, `must be an object with the keys ${known.join(", ")}.`);
        }
        const obj = value as Obj;
        for (const key of Object.keys(obj)) {
            if (!known.includes(key)) {
                const near = nearestKey(key, known);
                if (near !== undefined && !Object.hasOwn(obj, near)) {
                    this.misspelled.add(join(path, near));
                }
                this.fail(
                    join(path, key),
                    `unknown key "${key}".` + (near ? ` Did you mean "${near}" (${this.namespace}:${join(path, near)})?` : ` Known keys: ${known.join(", ")}.`),
                );
            }
        }
        return obj;
    }

    list(value: Json, path: string): Json[] {
        if (value === undefined || value === null) {
            return [];
        }
        if (!Array.isArray(value)) {
            this.fail(path, "must be a list (YAML sequence).");
            return [];
        }
        return value;
    }

    string(value: Json, path: string, opts: { required?: string; fallback?: string } = {}): string | undefined {
        if (value === undefined || value === null || value === "") {
            if (opts.required && !this.misspelled.has(path)) {
                this.fail(path, `is required. ${opts.required}`);
            }
            return opts.fallback;
        }
        if (typeof value !== "string") {
            return this.fail(path, `must be a string, not ${JSON.stringify(value)}.`);
        }
        return value;
    }

    oneOf<T extends string>(value: Json, path: string, allowed: readonly T[], fallback?: T): T | undefined {
        const text = this.string(value, path, { fallback, required: fallback === undefined ? `Set it to one of: ${allowed.join(", ")}.` : undefined });
        if (text === undefined) {
            return undefined;
        }
        if (!allowed.includes(text as T)) {
            // Case, then a typo, then a shortened value (`entra` for `entra-only`, when only one value starts so).
            const prefixed = text.length >= 3 ? allowed.filter((a) => a.toLowerCase().startsWith(text.toLowerCase())) : [];
            const near = allowed.find((a) => a.toLowerCase() === text.toLowerCase()) ?? nearestKey(text, allowed) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
            return this.fail(path, `"${text}" is not one of ${allowed.join(", ")}.` + (near ? ` Did you mean "${near}"?` : ""));
        }
        return text as T;
    }

    boolean(value: Json, path: string, fallback: boolean): boolean {
        if (value === undefined || value === null) {
            return fallback;
        }
        if (value === "true" || value === "false") {
            return value === "true";
        }
        if (typeof value !== "boolean") {
            this.fail(path, `must be true or false, not ${JSON.stringify(value)}.`);
            return fallback;
        }
        return value;
    }

    integer(value: Json, path: string, fallback: number | undefined, range?: readonly [number, number]): number | undefined {
        if (value === undefined || value === null) {
            return fallback;
        }
        const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== "number" || !Number.isInteger(n)) {
            return this.fail(path, `must be a whole number, not ${JSON.stringify(value)}.`);
        }
        if (range && (n < range[0] || n > range[1])) {
            return this.fail(path, `${n} is outside ${range[0]}–${range[1]}.`);
        }
        return n;
    }

    /** Whether a key was misspelled and reported as such (its own absence is then no further problem). */
    wasMisspelled(path: string): boolean {
        return this.misspelled.has(path);
    }

    /** `hint`: where to find the id, for the required message (the admin's type decides the `az` command). */
    guid(value: Json, path: string, required: boolean, hint = "e.g. from `az ad group show --group <name> --query id`"): string | undefined {
        const text = this.string(value, path, { required: required ? `Set it to the Entra object id (a GUID, ${hint}).` : undefined });
        if (text !== undefined && !guidPattern.test(text)) {
            return this.fail(path, `"${text}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).`);
        }
        return text?.toLowerCase();
    }

    /** A PostgreSQL role name, by the rules the role provider applies too (`components/config/names.ts`). */
    roleName(value: Json, path: string, what: string): string | undefined {
        const name = this.string(value, path, { required: `Set the ${what}.` });
        if (name === undefined) {
            return undefined;
        }
        const problem = identifierProblem(name) ?? reservedRoleNameProblem(name);
        return problem ? this.fail(path, `${problem}.`) : name;
    }
}

export function join(path: string, key: string): string {
    return path ? `${path}.${key}` : key;
}

/** Config values arrive as strings (`pulumi.runtime.allConfig()`); structured ones are JSON. */
export function decode(value: unknown): Json {
    if (typeof value !== "string") {
        return value;
    }
    const trimmed = value.trim();
    // A YAML `key: null` arrives as the text "null": the setting is absent, so its documented default applies.
    if (trimmed === "null") {
        return null;
    }
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    return value;
}
