/** PostgreSQL's identifier limit (NAMEDATALEN - 1), counted in bytes of UTF-8, not in characters. */
export const maxRoleNameBytes = 63;

/**
 * Why `name` cannot be a role name, or `undefined` when it can. Checked before any SQL because PostgreSQL
 * silently truncates longer identifiers, which would create (or drop) a role with a different name.
 */
export function roleNameProblem(name: unknown): string | undefined {
    if (typeof name !== "string" || name.length === 0) {
        return "roleName must be a non-empty string";
    }
    const bytes = Buffer.byteLength(name, "utf8");
    if (bytes > maxRoleNameBytes) {
        return (
            `roleName "${name}" is ${bytes} bytes in UTF-8; PostgreSQL role names are limited to ` +
            `${maxRoleNameBytes} bytes and would be silently truncated. Use a shorter name.`
        );
    }
    if (name.includes("\u0000")) {
        return "roleName must not contain a NUL character";
    }
    if (name.startsWith("pg_")) {
        return `roleName "${name}" starts with "pg_", which PostgreSQL reserves for its own roles`;
    }
    if (name === "public" || name === "none") {
        return `roleName "${name}" is reserved by PostgreSQL`;
    }
    return undefined;
}
