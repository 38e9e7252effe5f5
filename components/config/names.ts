/**
 * The one validator of PostgreSQL role names (and the one GUID pattern), used by the stack settings (`components/config`) and by the
 * role provider (`components/roles`), so a name the settings accept is never refused at deploy time (and the reverse).
 */

/** An Entra object, tenant or client id: a GUID, any case. */
export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), counted in bytes of UTF-8, not in characters. */
export const maxIdentifierBytes = 63;

/**
 * Names no role may have, compared without regard to case.
 * - `public`, `none`: PostgreSQL's grammar refuses them as role names ("role name "none" is reserved"),
 *   postgres/postgres src/backend/parser/gram.y `RoleSpec` (commit f4e53e10b6ce0eedeb98caa4356facb47c7bb9cb).
 * - `current_user`, `current_role`, `session_user`, `user`: the same rule reads them as the current role, not
 *   as a name.
 * - `azure_superuser`, `azure_pg_admin`, `admin`, `administrator`, `root`, `guest`: Azure refuses them as the
 *   administrator login ("The administrator login name can't be azure_superuser, azure_pg_admin, admin,
 *   administrator, root, guest, or public. It can't start with pg_."), Learn: Create an Azure Database for
 *   PostgreSQL flexible server (quickstart-create-server); using them for any role would shadow Azure's own.
 */
export const reservedRoleNames: readonly string[] = [
    "public", "none", "current_user", "current_role", "session_user", "user",
    "azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest",
];

/**
 * Prefixes no role may start with. `pg_`: PostgreSQL reserves it for its predefined roles (`CreateRole`,
 * postgres/postgres src/backend/commands/user.c, commit 1dd468c348095010e07eeb844e2e344ad63a52ef:
 * "Role names starting with "pg_" are reserved."). `azure_`: Azure's own roles (`azure_pg_admin`,
 * `azure_superuser`) live there.
 */
export const reservedRolePrefixes: readonly string[] = ["pg_", "azure_"];

/**
 * Characters that are invisible or change how the text around them is displayed: control characters (Cc),
 * format characters (Cf: zero-width space and joiners U+200B–U+200D, marks U+200E/U+200F, bidirectional
 * embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, BOM U+FEFF, soft hyphen U+00AD), line and
 * paragraph separators, private-use, unassigned and lone surrogate code points, and every space other than
 * U+0020 (a no-break space looks like a space). With them a name can look exactly like another one.
 */
const invisible = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]|(?! )\p{Zs}|[\u115F\u1160\u3164\uFFA0\u2800]/u;

/** Describes a character for a message: `U+202E`. */
function codePoint(ch: string): string {
    return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why `name` cannot be a PostgreSQL identifier written as text (role, login), or `undefined` when it can:
 * {@link identifierShapeProblem}, then {@link lookalikeProblem}. What a new name must pass (the settings, the
 * components' arguments, a role the provider creates).
 */
export function identifierProblem(name: string): string | undefined {
    return identifierShapeProblem(name) ?? lookalikeProblem(name);
}

/**
 * Why `name` cannot name a role at all, or `undefined`: empty, surrounding spaces, invisible or direction-changing
 * characters, more than 63 bytes of UTF-8. Checked before any SQL because PostgreSQL silently truncates longer
 * identifiers, which would create (or drop) a role with a different name. The provider applies only this to a role
 * already in the state, so a role created before {@link lookalikeProblem} existed can still be read and dropped.
 */
export function identifierShapeProblem(name: string): string | undefined {
    if (name.length === 0) {
        return "is empty";
    }
    if (name.trim() !== name) {
        return `"${name}" has spaces at the start or end; remove them (the role would be named with them)`;
    }
    const hidden = invisible.exec(name);
    if (hidden) {
        return `${JSON.stringify(name)} contains the invisible or direction-changing character ${codePoint(hidden[0])}; type the name without it`;
    }
    const bytes = Buffer.byteLength(name, "utf8");
    if (bytes > maxIdentifierBytes) {
        return `"${name}" is ${bytes} bytes; PostgreSQL role names are at most ${maxIdentifierBytes} bytes (UTF-8) and a longer one would be silently truncated. Use a shorter name`;
    }
    return undefined;
}

/**
 * Scripts whose letters look like each other's (Latin `a`, Cyrillic `а` U+0430, Greek `α`...): a name may use one
 * of them, not two. Unicode Technical Standard #39, "Unicode Security Mechanisms" (https://www.unicode.org/reports/tr39/),
 * section 5.2 "Restriction-Level Detection": a "Highly Restrictive" identifier is single-script, or Latin with Han
 * and Japanese or Korean scripts, which look like none of these; so Han, Hiragana, Katakana, Hangul and Bopomofo
 * may accompany Latin, and every other script may stand alone.
 */
export const confusableScripts: readonly string[] = ["Latin", "Cyrillic", "Greek", "Armenian", "Cherokee", "Coptic", "Georgian"];

const scriptPatterns = confusableScripts.map((script) => [script, new RegExp(`\\p{Script=${script}}`, "u")] as const);

/**
 * Why `name` could be mistaken for another name that is not the same text, or `undefined`:
 * - not in Unicode normalization form NFC (`é` typed as `e` + U+0301): PostgreSQL compares bytes, so it would be a
 *   different role from the same-looking NFC name (Unicode Standard Annex #15, "Unicode Normalization Forms");
 * - compatibility characters, which NFKC folds (full-width `ａｄｍｉｎ`, styled `𝐚𝐝𝐦𝐢𝐧`, ligatures): they look like
 *   the plain letters;
 * - letters of two of {@link confusableScripts} (a Latin name with one Cyrillic letter).
 * The message gives the form to type instead. A principal whose Entra display name itself breaks these rules is
 * given a plain name here with its `objectId` (Azure then does not look the name up).
 */
export function lookalikeProblem(name: string): string | undefined {
    const nfc = name.normalize("NFC");
    if (nfc !== name) {
        return `${JSON.stringify(name)} is not in Unicode form NFC (it uses combining marks where a single character exists), so it would be a different name from the same-looking ${JSON.stringify(nfc)}; type it as ${JSON.stringify(nfc)}`;
    }
    const nfkc = name.normalize("NFKC");
    if (nfkc !== name) {
        const odd = [...name].find((ch) => ch.normalize("NFKC") !== ch)!;
        return `${JSON.stringify(name)} contains ${codePoint(odd)} "${odd}", a full-width, styled or compatibility form of "${odd.normalize("NFKC")}" that looks like it; type it as ${JSON.stringify(nfkc)}`;
    }
    const scripts = new Map<string, string>();
    for (const ch of name) {
        const script = scriptPatterns.find(([, pattern]) => pattern.test(ch))?.[0];
        if (script && !scripts.has(script)) scripts.set(script, ch);
    }
    if (scripts.size > 1) {
        const found = [...scripts].map(([script, ch]) => `${script} (${codePoint(ch)} "${ch}")`).join(" and ");
        return `${JSON.stringify(name)} mixes letters of ${found}, which look alike: it could pass for another name. Type it in one script`;
    }
    return undefined;
}

/** Why `name` is reserved, or `undefined`. */
export function reservedRoleNameProblem(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (lower.startsWith("pg_")) {
        return `"${name}" is reserved: names starting with "pg_" are what PostgreSQL reserves for its own roles. Choose another name`;
    }
    if (reservedRoleNames.includes(lower) || reservedRolePrefixes.some((p) => lower.startsWith(p))) {
        return `"${name}" is reserved (${reservedRoleNames.join(", ")}, ${reservedRolePrefixes.map((p) => `${p}*`).join(", ")}). Choose another name`;
    }
    return undefined;
}

/**
 * Why `name` cannot be a role name, or `undefined` when it can: {@link identifierProblem}, then
 * {@link reservedRoleNameProblem}. The role provider prefixes it with `roleName`; the settings with the key.
 */
export function roleNameProblem(name: unknown): string | undefined {
    if (typeof name !== "string" || name.length === 0) {
        return "roleName must be a non-empty string";
    }
    const problem = identifierProblem(name) ?? reservedRoleNameProblem(name);
    return problem ? `roleName ${problem}` : undefined;
}

/**
 * {@link roleNameProblem} without {@link lookalikeProblem}: what a role already in a stack's state must pass to be
 * read, refreshed or dropped (it may predate the look-alike rule; the server still names it exactly).
 */
export function existingRoleNameProblem(name: unknown): string | undefined {
    if (typeof name !== "string" || name.length === 0) {
        return "roleName must be a non-empty string";
    }
    const problem = identifierShapeProblem(name) ?? reservedRoleNameProblem(name);
    return problem ? `roleName ${problem}` : undefined;
}
