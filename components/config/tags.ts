import { lookalikeProblem } from "./names";
import { Json, Reader } from "./reader";

/**
 * Tags by Azure's rules. Learn: "Use tags to organize your Azure resources and management hierarchy",
 * https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
 * (MicrosoftDocs/azure-docs articles/azure-resource-manager/management/tag-resources.md, commit
 * 000024f4b86c259a36d91c0de5e2db630bdb35b1): a tag name is at most 512 characters and a value at most 256;
 * names cannot contain `<`, `>`, `%`, `&`, `\`, `?` or `/`; a resource has at most 50 tags, and a Private DNS
 * zone and its virtual network links (which the stack tags with private access) only 15.
 * Names starting with `microsoft`, `azure` or `windows` are reserved for Azure's own use (compared without regard
 * to case).
 */
export const tagLimits = {
    nameLength: 512,
    valueLength: 256,
    forbiddenNameCharacters: ["<", ">", "%", "&", "\\", "?", "/"],
    reservedNamePrefixes: ["microsoft", "azure", "windows"],
    tagsPerResource: 50,
    /** Private DNS zones and links: the smallest limit among the resources the stack tags. */
    tagsPerPrivateDnsResource: 15,
} as const;

/**
 * The tags the program sets on every resource; a stack's `tags` cannot override them (a dev stack could
 * otherwise label its resources `stack: prod`). Tag names are case-insensitive in Azure, so `Stack` is the
 * same tag as `stack`.
 */
export const programTags: readonly string[] = ["managed-by", "project", "stack"];

/**
 * Why `name` cannot be a user tag name, or `undefined`. `reserved`: the tags the program sets itself
 * (default: this program's `programTags`; a program that sets none passes `[]`).
 */
export function tagNameProblem(name: string, reserved: readonly string[] = programTags): string | undefined {
    if (name.trim() === "") {
        return "a tag name cannot be empty";
    }
    if (reserved.includes(name.toLowerCase())) {
        return `"${name}" is set by the program on every resource (${reserved.join(", ")}) and cannot be overridden. Remove it or use another name`;
    }
    if (name.length > tagLimits.nameLength) {
        return `the tag name is ${name.length} characters; Azure allows at most ${tagLimits.nameLength}`;
    }
    const bad = tagLimits.forbiddenNameCharacters.find((c) => name.includes(c));
    if (bad) {
        return `"${name}" contains "${bad}"; Azure tag names cannot contain ${tagLimits.forbiddenNameCharacters.join(" ")}`;
    }
    const prefix = tagLimits.reservedNamePrefixes.find((p) => name.toLowerCase().startsWith(p));
    if (prefix) {
        return `"${name}" starts with "${prefix}", which Azure reserves (${tagLimits.reservedNamePrefixes.join(", ")}). Use another name`;
    }
    if (/[\p{Cc}\p{Cf}]/u.test(name)) {
        return `${JSON.stringify(name)} contains control or invisible characters`;
    }
    // Full-width `ｓｔａｃｋ`, a Cyrillic `ѕ` in `stack`, or `é` as e + U+0301 would pass for another name, a
    // program tag included (the reserved check compares the plain letters): config/names.ts, lookalikeProblem.
    return lookalikeProblem(name);
}

/** Why `value` cannot be a tag value, or `undefined`. */
export function tagValueProblem(value: string): string | undefined {
    if (value.length > tagLimits.valueLength) {
        return `the value is ${value.length} characters; Azure allows at most ${tagLimits.valueLength}`;
    }
    if (/[\p{Cc}\p{Cf}]/u.test(value)) {
        return `${JSON.stringify(value)} contains control or invisible characters`;
    }
    return undefined;
}

/**
 * The `tags` map by Azure's rules. `reserved`: the tags the program sets on every resource itself, which the
 * map cannot override and which count against the smallest per-resource limit (default: `programTags`).
 */
export function parseTags(r: Reader, value: Json, reserved: readonly string[] = programTags): Record<string, string> {
    if (value === undefined || value === null) {
        return {};
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        r.fail("tags", "must be a map of tag name to value.");
        return {};
    }
    const tags: Record<string, string> = {};
    const seen = new Map<string, string>();
    const entries = Object.entries(value);
    const maxTags = tagLimits.tagsPerPrivateDnsResource - reserved.length;
    if (entries.length > maxTags) {
        r.fail("tags", `has ${entries.length} tags; at most ${maxTags} fit beside the program's own on every resource (Azure Private DNS zones take 15). Remove some.`);
    }
    for (const [key, v] of entries) {
        const problem = tagNameProblem(key, reserved) ?? (typeof v === "string" ? tagValueProblem(v) : "must be a string");
        const same = seen.get(key.toLowerCase());
        if (problem) {
            r.fail(`tags.${key}`, `${problem}.`);
        } else if (same !== undefined) {
            r.fail(`tags.${key}`, `is the same tag as "${same}": Azure tag names are case-insensitive. Keep one.`);
        } else {
            seen.set(key.toLowerCase(), key);
            tags[key] = v as string;
        }
    }
    return tags;
}
