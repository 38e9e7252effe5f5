import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import { settings, type Setting } from "./config/settings";

/**
 * Secret settings kept secret in every resource input and stack output derived from them.
 *
 * The engine tells the program which top-level settings are secret (`config/secretKeys.ts`), not which value below
 * them, so every value under a secret setting counts as secret. The values reach resources through many components;
 * rather than thread a flag through each, `EntraPostgres` applies {@link secretInputs} to every resource it creates:
 * an input property that holds one of those values (equal to it, or containing it as a whole word, as a DNS zone
 * name contains the server's name) is sent as a secret, so Azure's copy in the state is encrypted as well (the
 * engine keeps an output secret when the input of the same name was). What the values decide rather than hold
 * (that a VM exists, the number of firewall rules) shows in the plan's shape; logical resource names and URNs are
 * never secret, so a name that names resources (a database, a role) stays visible there.
 */

/** Which model field holds each top-level setting's values (the model renames two; `lock` sits in dataSafety). */
const modelFields: Record<string, readonly (keyof StackConfig)[]> = {
    resourceGroupName: ["existingResourceGroup"],
    server: ["server", "dataSafety"],
    lock: ["dataSafety"],
};

/**
 * The values of enumerated settings (`public`, `mixed`, `User`, `read`, `ZoneRedundant`): a choice from a fixed,
 * published list, which the plan's shape shows anyway, and words too common to mark inputs by (`public` is also
 * PostgreSQL's default schema). They mark nothing.
 */
const vocabulary = new Set((settings as readonly Setting[]).flatMap((row) => (row.values ?? []).map(String)));

/** Values too short or too common to mark anything by (`1`, `on`); only exactly equal inputs are marked by them. */
const minContainedLength = 3;

/** The values under the secret settings of `config`: strings and numbers, from the validated model. */
export function secretLeaves(config: StackConfig): { strings: Set<string>; numbers: Set<number> } {
    const strings = new Set<string>();
    const numbers = new Set<number>();
    const walk = (value: unknown) => {
        if (typeof value === "string" && value !== "" && !vocabulary.has(value)) {
            strings.add(value);
        } else if (typeof value === "number") {
            numbers.add(value);
        } else if (Array.isArray(value)) {
            value.forEach(walk);
        } else if (value !== null && typeof value === "object") {
            Object.values(value).forEach(walk);
        }
    };
    for (const setting of config.secretSettings ?? []) {
        for (const field of modelFields[setting] ?? [setting as keyof StackConfig]) {
            walk(config[field]);
        }
    }
    return { strings, numbers };
}

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A test for "holds a secret value": equal to one, or containing one as a whole word. */
export function secretMatcher(config: StackConfig): ((value: unknown) => boolean) | undefined {
    const { strings, numbers } = secretLeaves(config);
    if (strings.size === 0 && numbers.size === 0) {
        return undefined;
    }
    const contained = [...strings].filter((s) => s.length >= minContainedLength).sort((a, b) => b.length - a.length);
    const word = contained.length > 0 ? new RegExp(`(^|[^A-Za-z0-9])(${contained.map(escape).join("|")})($|[^A-Za-z0-9])`) : undefined;
    const holds = (value: unknown): boolean => {
        if (typeof value === "string") {
            return strings.has(value) || (word?.test(value) ?? false) || holds(decodedBase64(value));
        }
        if (typeof value === "number") {
            return numbers.has(value);
        }
        if (Array.isArray(value)) {
            return value.some(holds);
        }
        if (value !== null && typeof value === "object" && !pulumi.Output.isInstance(value) && !pulumi.Resource.isInstance(value)) {
            return Object.values(value).some(holds);
        }
        return false;
    };
    return holds;
}

/** User data is base64 (the VM's cloud-init): its text is checked too. Undefined for anything else. */
function decodedBase64(value: string): string | undefined {
    if (value.length < 16 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
        return undefined;
    }
    const text = Buffer.from(value, "base64").toString("utf8");
    return /^[\t\n\r\x20-\x7e]*$/.test(text) ? text : undefined;
}

/** `value` as a secret when `holds` says it holds a secret value; Outputs are checked once known. */
export function secretIfHolding<T>(value: pulumi.Input<T>, holds: (value: unknown) => boolean): pulumi.Input<T> {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        return pulumi.output(value).apply((known) => (holds(known) ? pulumi.secret(known) : known)) as pulumi.Input<T>;
    }
    return holds(value) ? (pulumi.secret(value) as pulumi.Input<T>) : value;
}

/**
 * The transformation `EntraPostgres` gives its children (inherited by theirs): every top-level input property that
 * holds a secret value is sent as a secret (components register no inputs of their own). Properties the SDK
 * reserves (`__provider` of a dynamic resource: its serialized code) are left alone.
 */
export function secretInputs(config: StackConfig): pulumi.ResourceTransformation | undefined {
    const holds = secretMatcher(config);
    if (!holds) {
        return undefined;
    }
    return (args) => {
        const props: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(args.props)) {
            props[key] = key.startsWith("__") ? value : secretIfHolding(value as pulumi.Input<unknown>, holds);
        }
        return { props, opts: args.opts };
    };
}
