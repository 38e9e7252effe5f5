/**
 * Entra principals the stack gives database access to: the server's Entra administrators and the database
 * roles created for Entra identities, with what identifies them even before their object ids are known.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { StackIndex } from "./graph";
import { fold } from "./text";
import { TYPES, type EntraAdminInputs, type EntraRoleInputs } from "./types";

export interface Principal {
    readonly resource: PolicyResource;
    /** An Entra administrator of the server, or a database role created as an admin. */
    readonly admin: boolean;
    /** Object id, folded; `undefined` while unknown. */
    readonly objectId?: string;
    /** URNs of the resources the object id comes from (e.g. the VM whose identity it is). */
    readonly objectIdSources: readonly string[];
    /** The PostgreSQL role name (admin `principalName`, role `roleName`); case-sensitive. */
    readonly roleName?: string;
    /** The principal type as declared. */
    readonly principalType?: string;
    /** The server, when it can be told. */
    readonly server?: PolicyResource;
}

/** The server an Entra role is created on: through its `serverFqdn` dependency or the FQDN's first label. */
export function serverOfRole(index: StackIndex, role: PolicyResource): PolicyResource | undefined {
    const linked = index.deps(role, "serverFqdn", TYPES.server);
    if (linked.length > 0) {
        return linked[0];
    }
    const fqdn = fold(index.props<EntraRoleInputs>(role).serverFqdn);
    const servers = index.servers();
    if (fqdn !== undefined) {
        return servers.find((s) => fqdn.split(".")[0] === fold(index.serverName(s)));
    }
    return servers.length === 1 ? servers[0] : undefined;
}

/** Every Entra administrator and Entra role of the stack. */
export function principals(index: StackIndex): Principal[] {
    const list: Principal[] = [];
    for (const admin of index.ofType(TYPES.entraAdmin)) {
        const p = index.props<EntraAdminInputs>(admin);
        list.push({
            resource: admin,
            admin: true,
            objectId: fold(p.objectId),
            objectIdSources: index.deps(admin, "objectId").map((d) => d.urn),
            roleName: typeof p.principalName === "string" ? p.principalName : undefined,
            principalType: typeof p.principalType === "string" ? p.principalType : undefined,
            server: index.serverFor(admin),
        });
    }
    for (const role of index.entraRoles()) {
        const p = index.props<EntraRoleInputs>(role);
        list.push({
            resource: role,
            admin: p.isAdmin === true,
            objectId: fold(p.objectId),
            objectIdSources: index.deps(role, "objectId").map((d) => d.urn),
            roleName: typeof p.roleName === "string" ? p.roleName : undefined,
            principalType: typeof p.principalType === "string" ? p.principalType : undefined,
            server: serverOfRole(index, role),
        });
    }
    return list;
}

/** True when two principals are the same Entra identity: equal object ids, or object ids from the same resource. */
export function sameIdentity(a: Principal, b: Principal): boolean {
    if (a.objectId !== undefined && b.objectId !== undefined) {
        return a.objectId === b.objectId;
    }
    return a.objectIdSources.some((urn) => b.objectIdSources.includes(urn));
}

/** True unless both principals are known to be on different servers. */
export function mayShareServer(a: Principal, b: Principal): boolean {
    return a.server === undefined || b.server === undefined || a.server.urn === b.server.urn;
}

/** Admin principal types as Azure names them. */
export type AdminPrincipalType = "User" | "Group" | "ServicePrincipal";

/**
 * Maps the spellings in use to Azure's admin principal types: the REST API's `user`/`group`/`servicePrincipal`
 * (any case) and the Entra role resource's `service`. `undefined` for anything else.
 */
export function adminPrincipalType(value: unknown): AdminPrincipalType | undefined {
    switch (fold(value)) {
        case "user":
            return "User";
        case "group":
            return "Group";
        case "serviceprincipal":
        case "service":
            return "ServicePrincipal";
        default:
            return undefined;
    }
}
