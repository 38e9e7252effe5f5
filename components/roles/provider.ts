import type * as pulumi from "@pulumi/pulumi";
import type { PoolClient } from "pg";
import type { PrincipalKind } from "../config/model";
import { withServer, type ServerTarget } from "./connection";
import { permanentError, sqlState } from "./errors";
import { providerTextMigrates } from "./providerText";
import {
    requireValidInputs,
    resolveInputs,
    stateFromProps,
    type EntraRoleState,
    type ResolvedInputs,
} from "./inputs";

/**
 * Version of this provider's code, kept in each role's state. A role created by another version shows as an
 * update, so an upgrade is visible in the preview and re-checks every role with the new code.
 */
export const entraRoleProviderVersion = "1.0.0";

/** Inputs whose change means another role (or another server): replaced, the old one deleted first. */
export const replaceOnChange = ["serverFqdn", "roleName", "objectId", "principalType", "cloud", "isAdmin", "isMfa"] as const;

/** Inputs that only change how the provider connects: updated in place. */
export const updateOnChange = ["adminLogin", "port", "caCertificate", "dangerouslyDisableTlsVerification"] as const;

/**
 * The statements the provider runs, all with bound parameters. Exported so the benchmark's baseline runs
 * exactly these; module-level strings are serialized with the provider by value.
 */
export const roleSql = {
    /**
     * $1 role name: does a role of that name exist, and the Entra principal it is, if it is one. The first
     * column of pgaadauth_list_principals is taken by position and aliased `role_name`: Learn's "Manage
     * Microsoft Entra roles" page (MicrosoftDocs/azure-databases-docs articles/postgresql/security/
     * security-manage-entra-users.md at 112cdf30) declares it `rolename`, earlier versions of the page `rolname`,
     * and filtering on the wrong name fails with SQLSTATE 42703. The other columns keep their names.
     */
    lookup:
        "select exists (select 1 from pg_catalog.pg_roles where rolname = $1::text) as role_exists, " +
        "(select row_to_json(p) from pgaadauth_list_principals(false) as p(role_name) where p.role_name = $1::text limit 1) as principal",
    /** $1 name, $2 object id, $3 type, $4 isAdmin, $5 isMfa. */
    createWithOid: "select * from pgaadauth_create_principal_with_oid($1, $2, $3, $4, $5)",
    /** $1 name, $2 isAdmin, $3 isMfa: Azure resolves the name in the tenant. */
    createByName: "select * from pgaadauth_create_principal($1, $2, $3)",
    /** $1 role name: the DROP ROLE statement, with the name quoted by the server. */
    dropStatement: "select format('DROP ROLE %I', $1::text) as statement",
} as const;

/** A role as `pgaadauth_list_principals` reports it. */
interface LivePrincipal {
    roleName: string;
    objectId: string;
    principalType: PrincipalKind;
    isAdmin: boolean;
    isMfa: boolean;
}

/** Whether a role of that name exists at all, and the Entra principal it is, if it is one. */
interface RoleLookup {
    exists: boolean;
    principal?: LivePrincipal;
}

/**
 * Creates, reads, updates and deletes Microsoft Entra roles through Azure's `pgaadauth_*` functions,
 * logged in as an Entra administrator with a token. Callable directly (tests, benchmarks).
 */
export const entraRoleProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
        const { inputs, failures } = resolveInputs(news, true);
        const defined = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined));
        return { inputs: { ...news, ...defined }, failures };
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const before = stateFromProps(olds);
        const after = resolveInputs(news, true).inputs;
        const differs = (key: keyof ResolvedInputs): boolean => {
            switch (key) {
                case "serverFqdn":
                    return String(before.serverFqdn).toLowerCase() !== String(after.serverFqdn).toLowerCase();
                case "objectId":
                    // Without an objectId input the object id is whatever Azure resolved the name to.
                    return after.objectId !== undefined && before.objectId !== after.objectId;
                case "caCertificate":
                    return pemText(before.caCertificate) !== pemText(after.caCertificate);
                default:
                    return before[key] !== after[key];
            }
        };
        const replaces = replaceOnChange.filter(differs);
        const updates: string[] = updateOnChange.filter(differs);
        if (before.providerVersion !== entraRoleProviderVersion) updates.push("providerVersion");
        // The state's provider text is what refresh and delete run: a pinned text replaces any other one.
        if (providerTextMigrates(olds, news)) updates.push("__provider");
        return {
            changes: replaces.length > 0 || updates.length > 0,
            replaces: [...replaces],
            // Role names are unique per server: the new role can only be created once the old one is gone.
            deleteBeforeReplace: replaces.length > 0,
        };
    },

    async create(raw: Record<string, unknown>) {
        const inputs = requireValidInputs(raw);
        const live = await withServer(targetOf(inputs), `create role "${inputs.roleName}"`, (client) => createOrAdopt(client, inputs));
        return { id: resourceId(inputs), outs: stateOf(inputs, live, entraRoleProviderVersion) };
    },

    async read(id: string, props?: Record<string, unknown>) {
        if (!props || typeof props.roleName !== "string" || typeof props.serverFqdn !== "string" || typeof props.adminLogin !== "string") {
            throw permanentError(
                `EntraRole "${id}" cannot be read from its id alone: the provider needs the server, admin login and ` +
                    `role name. Declare the role in the program instead; an existing role with the same object id and ` +
                    `type is adopted on create.`,
            );
        }
        const state = stateFromProps(props);
        const found = await withServer(targetOf(state), `read role "${state.roleName}"`, (client) => lookupRole(client, state.roleName));
        if (!found.principal) {
            // Dropped out of band (or no longer an Entra principal): report it gone so the engine recreates it.
            return {};
        }
        return { id, props: stateOf(state, found.principal, state.providerVersion) };
    },

    async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const before = stateFromProps(olds);
        const inputs = requireValidInputs(news);
        const found = await withServer(targetOf(inputs), `check role "${inputs.roleName}"`, (client) => lookupRole(client, inputs.roleName));
        if (!found.principal) {
            throw permanentError(
                `Role "${inputs.roleName}" is no longer an Entra principal on ${inputs.serverFqdn}. Run \`pulumi refresh\` ` +
                    `so the engine recreates it.`,
            );
        }
        assertSameIdentity(found.principal, { ...inputs, objectId: inputs.objectId ?? before.objectId }, "update");
        return { outs: stateOf(inputs, found.principal, entraRoleProviderVersion) };
    },

    async delete(_id: string, props: Record<string, unknown>) {
        const state = stateFromProps(props);
        // Same checks as create (a name over 63 bytes would be truncated by the server and name another role).
        requireValidInputs({ ...state, objectId: undefined }, true);
        await withServer(targetOf(state), `drop role "${state.roleName}"`, async (client) => {
            const found = await lookupRole(client, state.roleName);
            if (!found.exists) return;
            if (!found.principal) {
                throw permanentError(
                    `Refusing to drop role "${state.roleName}" on ${state.serverFqdn}: it is no longer a Microsoft Entra ` +
                        `principal, so it is not the role this stack created. Remove the resource from the stack with ` +
                        `\`pulumi state delete\`, or set retainOnDelete: true.`,
                );
            }
            assertSameIdentity(found.principal, state, "delete");
            await dropRole(client, state.roleName, state.adminLogin);
        });
    },
};

function targetOf(inputs: ResolvedInputs): ServerTarget {
    return {
        host: inputs.serverFqdn,
        port: inputs.port,
        user: inputs.adminLogin,
        // Azure installs the pgaadauth_* functions in `postgres` only.
        database: "postgres",
        cloud: inputs.cloud,
        caCertificate: inputs.caCertificate,
        verifyTls: !inputs.dangerouslyDisableTlsVerification,
    };
}

function resourceId(inputs: ResolvedInputs): string {
    return `${inputs.serverFqdn.toLowerCase()}/${inputs.roleName}`;
}

function stateOf(inputs: ResolvedInputs, live: LivePrincipal, providerVersion: string): EntraRoleState {
    // Only defined values: the engine's property bags cannot hold `undefined`.
    const defined = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined)) as ResolvedInputs;
    return {
        ...defined,
        objectId: live.objectId,
        principalType: live.principalType,
        isAdmin: live.isAdmin,
        isMfa: live.isMfa,
        providerVersion,
    };
}

function pemText(pem: string | undefined): string {
    return (pem ?? "").replace(/\r\n/g, "\n").trim();
}

/** Creates the role, or adopts it when it already exists as the same Entra identity. Safe to run again. */
async function createOrAdopt(client: PoolClient, inputs: ResolvedInputs): Promise<LivePrincipal> {
    const existing = await lookupRole(client, inputs.roleName);
    if (existing.principal) {
        assertSameIdentity(existing.principal, inputs, "adopt");
        return existing.principal;
    }
    if (existing.exists) throw notAnEntraPrincipal(inputs);
    try {
        if (inputs.objectId) {
            await client.query(roleSql.createWithOid, [
                inputs.roleName,
                inputs.objectId,
                inputs.principalType,
                inputs.isAdmin,
                inputs.isMfa,
            ]);
        } else {
            await client.query(roleSql.createByName, [inputs.roleName, inputs.isAdmin, inputs.isMfa]);
        }
    } catch (err) {
        // Created by someone else since the lookup: treat it like a role that existed before.
        if (sqlState(err) === "42710") {
            const raced = await lookupRole(client, inputs.roleName);
            if (raced.principal) {
                assertSameIdentity(raced.principal, inputs, "adopt");
                return raced.principal;
            }
            if (raced.exists) throw notAnEntraPrincipal(inputs);
        }
        throw err;
    }
    if (inputs.objectId) {
        return {
            roleName: inputs.roleName,
            objectId: inputs.objectId,
            principalType: inputs.principalType,
            isAdmin: inputs.isAdmin,
            isMfa: inputs.isMfa,
        };
    }
    // Azure resolved the name in the tenant; read back which identity it found.
    const created = await lookupRole(client, inputs.roleName);
    if (!created.principal) {
        throw permanentError(`Role "${inputs.roleName}" was created on ${inputs.serverFqdn} but pgaadauth_list_principals does not list it.`);
    }
    if (created.principal.principalType !== inputs.principalType) {
        // The role was made by this call a moment ago, so removing it again takes nothing from anyone.
        await dropRole(client, inputs.roleName, inputs.adminLogin);
        throw permanentError(
            `Microsoft Entra ID resolved "${inputs.roleName}" to a ${created.principal.principalType} ` +
                `(object id ${created.principal.objectId}), but principalType is "${inputs.principalType}". The role was ` +
                `removed again. Set principalType to "${created.principal.principalType}", or pass the intended objectId.`,
        );
    }
    return created.principal;
}

async function lookupRole(client: PoolClient, roleName: string): Promise<RoleLookup> {
    const { rows } = await client.query<{ role_exists: boolean; principal: Record<string, unknown> | null }>(roleSql.lookup, [roleName]);
    const row = rows[0];
    return { exists: row.role_exists, principal: row.principal ? principalFromRow(row.principal) : undefined };
}

function principalFromRow(row: Record<string, unknown>): LivePrincipal {
    // Column names are compared case-insensitively: Azure's are declared in camel case.
    const field = (name: string): unknown => {
        const key = Object.keys(row).find((k) => k.toLowerCase() === name);
        return key === undefined ? undefined : row[key];
    };
    const truthy = (v: unknown) => v === true || v === 1 || v === "1" || v === "t" || v === "true";
    return {
        roleName: String(field("role_name")),
        objectId: String(field("objectid") ?? "").toLowerCase(),
        principalType: String(field("principaltype") ?? "").toLowerCase() as PrincipalKind,
        isAdmin: truthy(field("isadmin")),
        isMfa: truthy(field("ismfa")),
    };
}

/** Throws unless `live` is the identity `wanted` describes (object id, when known, and type). */
function assertSameIdentity(
    live: LivePrincipal,
    wanted: { roleName: string; serverFqdn: string; objectId?: string; principalType: PrincipalKind },
    purpose: "adopt" | "update" | "delete",
): void {
    const sameObject = !wanted.objectId || wanted.objectId.toLowerCase() === live.objectId;
    if (sameObject && live.principalType === wanted.principalType) return;
    const found = `object id ${live.objectId}, type ${live.principalType}`;
    const expected = `object id ${wanted.objectId || "(resolved by name)"}, type ${wanted.principalType}`;
    if (purpose === "delete") {
        throw permanentError(
            `Refusing to drop role "${wanted.roleName}" on ${wanted.serverFqdn}: it now belongs to another Entra ` +
                `identity (${found}), not the one this stack created (${expected}). Remove the resource from the stack ` +
                `with \`pulumi state delete\`, or set retainOnDelete: true.`,
        );
    }
    throw permanentError(
        `Role "${wanted.roleName}" already exists on ${wanted.serverFqdn} for another Entra identity (${found}); this ` +
            `resource asks for ${expected}. Refusing to take it over. Choose another roleName, or correct objectId ` +
            `and principalType if the existing role is the intended one.`,
    );
}

function notAnEntraPrincipal(inputs: ResolvedInputs): Error {
    return permanentError(
        `Role "${inputs.roleName}" already exists on ${inputs.serverFqdn} but is not a Microsoft Entra principal ` +
            `(pgaadauth_list_principals does not list it), so it cannot sign in with Entra tokens. Refusing to take it ` +
            `over or drop it. Choose another roleName, or rename or drop the existing role yourself.`,
    );
}

/** DROP ROLE with the name quoted by the server. A role that is already gone counts as dropped. */
async function dropRole(client: PoolClient, roleName: string, adminLogin: string): Promise<void> {
    const { rows } = await client.query<{ statement: string }>(roleSql.dropStatement, [roleName]);
    try {
        await client.query(rows[0].statement);
    } catch (err) {
        const state = sqlState(err);
        if (state === "42704") return;
        if (state === "2BP01") {
            const fix = await client.query<{ fix: string }>(
                "select format('REASSIGN OWNED BY %1$I TO %2$I; DROP OWNED BY %1$I;', $1::text, $2::text) as fix",
                [roleName, adminLogin],
            );
            const detail = (err as { detail?: unknown }).detail;
            throw permanentError(
                `Role "${roleName}" cannot be dropped: objects or privileges depend on it` +
                    `${typeof detail === "string" ? ` (${detail.replace(/\n/g, "; ")})` : ""}. Hand them over first, in every ` +
                    `database listed: ${fix.rows[0].fix} Or keep the role by setting retainOnDelete: true on the resource.`,
            );
        }
        throw err;
    }
}
