import { createHash } from "node:crypto";

/**
 * Names of the children that a component declares per Entra identity (admins, roles, grants, default
 * privileges). A child's name is part of its URN, and the engine refuses two resources with one URN
 * ("Duplicate resource URN"); renaming the child of a deployed stack replaces it (for a role: DROP ROLE, then
 * CREATE ROLE). So a name must be unique for any set of valid identity and database names, and must not change
 * for the names the shipped stacks use.
 *
 * An identity name is used as it is when it is *plain*: lowercase letters and digits in `-`-separated words,
 * at most 40 characters, no word `by` (the separator of default-privilege names). Its slug is then the name
 * itself, and a name built from plain fragments, databases (no `-` in a database name) and fixed words
 * parses back one way only. Anything else (capitals, `@`, `.`, spaces, CJK, long names) gets its readable
 * slug followed by `--` and a hash of the exact values: `--` never occurs in a name built from plain
 * fragments, and two different values give different hashes.
 */

/** A URN-safe, readable fragment of a display name (`Prod DB Admins` → `prod-db-admins`). */
export function slug(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "principal";
}

const plainPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** True when `text` is its own slug and cannot be mistaken for a separator in a child name. */
export function isPlain(text: string): boolean {
    return text.length <= 40 && plainPattern.test(text) && !text.split("-").includes("by");
}

/** A fixed word of the name (`role`, a database, `tables`) or an identity's name (`{ identity }`). */
export type NamePart = string | { identity: string };

export interface ChildName {
    /** The name to give the child. */
    name: string;
    /** The name the child had before identities were hashed, when that differs (for an alias). */
    previous?: string;
}

/** The child name of `parts`, joined with `-`. */
export function childName(...parts: NamePart[]): ChildName {
    const legacy = parts.map((p) => (typeof p === "string" ? p : slug(p.identity))).join("-");
    if (parts.every((p) => typeof p === "string" || isPlain(p.identity))) {
        return { name: legacy };
    }
    const exact = JSON.stringify(parts.map((p) => (typeof p === "string" ? p : { identity: p.identity })));
    const hash = createHash("sha256").update(exact, "utf8").digest("hex").slice(0, 12);
    return { name: `${legacy}--${hash}`, previous: legacy };
}

/**
 * Child names within one component, with the alias that keeps a deployed child in place when its name
 * changed. `identities` are every identity name the component may use in a name. A previous name becomes an
 * alias only when it was unambiguous: each identity in it had a slug no other identity shares, without the
 * word `by`. Previous names built that way parse back one way only, so no alias points at another child's
 * name or at another child's previous name. (A stack where two identities shared a slug could never have been
 * deployed: the engine refused the duplicate URN.)
 */
export class ChildNames {
    private readonly slugCounts = new Map<string, number>();

    constructor(identities: Iterable<string>) {
        for (const identity of new Set(identities)) {
            const s = slug(identity);
            this.slugCounts.set(s, (this.slugCounts.get(s) ?? 0) + 1);
        }
    }

    /** The child's name, and the alias to its previous name when it had another one. */
    name(...parts: NamePart[]): { name: string; aliases: { name: string }[] } {
        const child = childName(...parts);
        const unambiguous = parts.every((p) => {
            if (typeof p === "string") {
                return true;
            }
            const s = slug(p.identity);
            return this.slugCounts.get(s) === 1 && !s.split("-").includes("by");
        });
        return { name: child.name, aliases: child.previous && unambiguous ? [{ name: child.previous }] : [] };
    }
}
