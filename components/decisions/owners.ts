import type { AccessLevel } from "../config";

/** An identity as far as ownership is concerned: its role name and what it may do in which database. */
export interface OwnerCandidate {
    name: string;
    access: readonly { database: string; level: AccessLevel }[];
}

/**
 * Roles that create, and so own, objects in `database`: the deployer (it creates every database with
 * `CREATE DATABASE`, so it owns the database and, from PostgreSQL 15 on, schema `public` through
 * `pg_database_owner`; docs/roles-and-access.md, "Database ownership") and, after it, every identity with
 * `admin` there (only `admin` grants `CREATE` on `public`, see `levelPrivileges` in access.ts). The order is
 * the order of `identities`. Default privileges are set for the objects each of them creates.
 */
export function objectOwners(deployer: string, identities: readonly OwnerCandidate[], database: string): string[] {
    const owners = [deployer];
    for (const identity of identities) {
        if (identity.access.some((a) => a.database === database && a.level === "admin")) {
            owners.push(identity.name);
        }
    }
    return owners;
}

/**
 * The login that creates, and owns, every application database, whatever the auth mode: the deployer admin.
 * A database created through ARM would be owned by the password administrator on a mixed server
 * (cyrilgdn/terraform-provider-postgresql#500) and by `azuresu` on an Entra-only one
 * (hashicorp/terraform-provider-azurerm#27895); a non-superuser deployer could grant nothing there
 * (docs/roles-and-access.md, "Database ownership").
 */
export function databaseOwner(deployerLogin: string): string {
    return deployerLogin;
}
