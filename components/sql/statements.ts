/**
 * SQL for grants and databases managed through the deployer's own Entra sign-in. Identifiers are quoted with
 * node-postgres's `escapeIdentifier` (doubles `"` and wraps the name), privilege keywords come only from
 * {@link grantLevels}; nothing a user typed reaches SQL unquoted.
 */
export type GrantLevel = "read" | "write" | "admin";

/** Privileges per level and object type in schema `public` (the same model as `levelPrivileges` in access.ts). */
export const grantLevels: Readonly<Record<GrantLevel, { database: string[]; schema: string[]; table: string[]; sequence: string[] }>> = {
    read: { database: ["CONNECT"], schema: ["USAGE"], table: ["SELECT"], sequence: ["SELECT"] },
    write: { database: ["CONNECT"], schema: ["USAGE"], table: ["SELECT", "INSERT", "UPDATE", "DELETE"], sequence: ["SELECT", "USAGE"] },
    admin: { database: ["CONNECT"], schema: ["USAGE", "CREATE"], table: [], sequence: [] },
};

/** What one grant resource gives one role in one database. */
export interface GrantSpec {
    database: string;
    roleName: string;
    level: GrantLevel;
    /** Roles whose future tables and sequences in `public` the role gets privileges on (default privileges). */
    owners: string[];
}

/** Double-quotes an identifier (node-postgres's escapeIdentifier; kept here so the provider serializes alone). */
export function quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

/** The statements that give `spec`, in order (run in one transaction, in `spec.database`). */
export function grantStatements(spec: GrantSpec): string[] {
    const p = grantLevels[spec.level];
    const role = quoteIdent(spec.roleName);
    const out = [
        `GRANT ${p.database.join(", ")} ON DATABASE ${quoteIdent(spec.database)} TO ${role}`,
        `GRANT ${p.schema.join(", ")} ON SCHEMA public TO ${role}`,
    ];
    for (const [kind, plural] of [["table", "TABLES"], ["sequence", "SEQUENCES"]] as const) {
        if (p[kind].length === 0) continue;
        out.push(`GRANT ${p[kind].join(", ")} ON ALL ${plural} IN SCHEMA public TO ${role}`);
        for (const owner of spec.owners.filter((o) => o !== spec.roleName)) {
            out.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(owner)} IN SCHEMA public GRANT ${p[kind].join(", ")} ON ${plural} TO ${role}`);
        }
    }
    return out;
}

/** The statements that take back what {@link grantStatements} gave (the privileges of that level only). */
export function revokeStatements(spec: GrantSpec): string[] {
    const p = grantLevels[spec.level];
    const role = quoteIdent(spec.roleName);
    const out: string[] = [];
    for (const [kind, plural] of [["table", "TABLES"], ["sequence", "SEQUENCES"]] as const) {
        if (p[kind].length === 0) continue;
        for (const owner of spec.owners.filter((o) => o !== spec.roleName)) {
            out.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(owner)} IN SCHEMA public REVOKE ${p[kind].join(", ")} ON ${plural} FROM ${role}`);
        }
        out.push(`REVOKE ${p[kind].join(", ")} ON ALL ${plural} IN SCHEMA public FROM ${role}`);
    }
    out.push(`REVOKE ${p.schema.join(", ")} ON SCHEMA public FROM ${role}`);
    out.push(`REVOKE ${p.database.join(", ")} ON DATABASE ${quoteIdent(spec.database)} FROM ${role}`);
    return out;
}

/** `CREATE DATABASE` owned by the session user (the deployer), UTF8 with the given collation. */
export function createDatabaseStatement(database: string, collation: string): string {
    const locale = `'${collation.replace(/'/g, "''")}'`;
    return `CREATE DATABASE ${quoteIdent(database)} ENCODING 'UTF8' LC_COLLATE ${locale} LC_CTYPE ${locale} TEMPLATE template0`;
}
