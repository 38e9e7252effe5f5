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
 * empty, surrounding spaces, invisible or direction-changing characters, more than 63 bytes of UTF-8.
 * Checked before any SQL because PostgreSQL silently truncates longer identifiers, which would create (or
 * drop) a role with a different name.
 */
export function identifierProblem(name: string): string | undefined {
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
