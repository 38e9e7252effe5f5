/**
 * Case-insensitive comparisons. Azure accepts enum values, service tags and parameter values in any case
 * ("Enabled"/"enabled", "TLSV1.2", "ON"), and the SDKs disagree ("User" vs "user"), so rules compare folded.
 */

/** `value` trimmed and lower-cased, or `undefined` when it is not a string. */
export function fold(value: unknown): string | undefined {
    return typeof value === "string" ? value.trim().toLowerCase() : undefined;
}

/** True when `value` is a string equal to any of `expected`, ignoring case and surrounding blanks. */
export function ciEquals(value: unknown, ...expected: string[]): boolean {
    const folded = fold(value);
    return folded !== undefined && expected.some((e) => e.trim().toLowerCase() === folded);
}

/** The last name of an ARM id after `/<collection>/` (`.../networkSecurityGroups/nsg-1` → `nsg-1`), folded. */
export function armName(id: unknown, collection: string): string | undefined {
    if (typeof id !== "string") {
        return undefined;
    }
    const match = new RegExp(`/${collection}/([^/]+)`, "i").exec(id);
    return match ? match[1].toLowerCase() : undefined;
}

/** Renders a value for a violation message: strings quoted, absent values named as such. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "not set";
    }
    return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}
