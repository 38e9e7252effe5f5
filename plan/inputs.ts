import type { RecordedRegistration } from "./engine/recorder";
import { configKey } from "./engine/configEncoding";
import { unknownText } from "./details";

/**
 * The inputs of a resource as the plan's JSON carries them, for a later `--base` diff: every input the engine
 * receives, with each secret (at the depth it was made secret) shown as `[secret]` and each value not known
 * before deploy as the unknown marker. A dynamic provider's serialized code (`__provider`) is left out.
 */
export const secretText = "[secret]";

export function planInputs(r: RecordedRegistration, redact: (text: string) => string): Record<string, unknown> {
    const secret = new Set(r.secretPaths ?? r.secretKeys);
    const unknown = new Set(r.unknownPaths);
    const walk = (value: unknown, path: string): unknown => {
        if (secret.has(path)) return secretText;
        if (unknown.has(path)) return unknownText;
        if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
        }
        return typeof value === "string" ? redact(value) : value;
    };
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(r.props)) {
        if (key === "__provider") continue;
        const shown = walk(value, key);
        if (shown !== undefined) out[key] = shown;
    }
    return out;
}

/**
 * A value's leaves as display text, by dotted path (`storage.storageSizeGB`, `securityRules[0].access`). A list
 * of plain values is one leaf (`["10.20.0.0/16"]`): its order is its meaning.
 */
export function leaves(value: unknown, path = "", out: Map<string, string> = new Map()): Map<string, string> {
    if (Array.isArray(value) && value.some((v) => v !== null && typeof v === "object")) {
        value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
    } else if (value !== undefined && value !== null) {
        out.set(path, typeof value === "string" ? value : JSON.stringify(value));
    }
    return out;
}

/**
 * The stack's settings as written in its file, one line per leaf (`entra-postgres:server.storageGb` → `32`), with
 * every `secure:` value as `[secret]` (`redact` turns the stand-ins back), for the diff's list of changed settings.
 */
export function planSettings(config: Record<string, unknown>, redact: (text: string) => string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        for (const [path, text] of leaves(value, configKey(key))) out[path] = redact(text);
    }
    return out;
}
