/**
 * Stack settings arrive as JSON text and YAML, written by whoever can open a pull request. Copying them into
 * ordinary objects lets a key named `__proto__` replace the object's prototype (so settings appear that no
 * key set, and the unknown-key check never sees them), and reading a setting from an ordinary object finds
 * inherited members (`constructor`). So settings are copied into objects without a prototype, and these
 * keys are refused by name at every level.
 */
export const forbiddenKeys: readonly string[] = ["__proto__", "constructor", "prototype"];

export function isForbiddenKey(key: string): boolean {
    return forbiddenKeys.includes(key);
}

export function forbiddenKeyMessage(key: string): string {
    return `"${key}" is not a setting: keys named ${forbiddenKeys.join(", ")} are refused at every level. Remove it.`;
}

/**
 * A deep copy of `value` in which every object has no prototype and no forbidden key; each forbidden key is
 * reported through `fail` with its path (`server.__proto__`, `admins[0].constructor`).
 */
export function withoutPrototypes(value: unknown, path: string, fail: (path: string, message: string) => void): unknown {
    if (Array.isArray(value)) {
        return value.map((item, i) => withoutPrototypes(item, `${path}[${i}]`, fail));
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const copy: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value)) {
        const keyPath = path ? `${path}.${key}` : key;
        if (isForbiddenKey(key)) {
            fail(keyPath, forbiddenKeyMessage(key));
            continue;
        }
        copy[key] = withoutPrototypes((value as Record<string, unknown>)[key], keyPath, fail);
    }
    return copy;
}
