import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as authorization from "@pulumi/azure-native/authorization";
import { ChildNames } from "./childNames";
import { AdminType, adminTypes, EntraAdmin } from "./config";
import { guidPattern, identifierProblem, reservedRoleNameProblem } from "./config/names";
import { chain } from "./decisions";

/** Arguments of `EntraAdministrators`. */
export interface EntraAdministratorsArgs {
    /** Resource group of the server. */
    resourceGroupName: pulumi.Input<string>;
    /** Name of the server (e.g. `FlexibleServer.serverName`). */
    serverName: pulumi.Input<string>;
    /**
     * Entra tenant of the administrators: the server's. Default: the deploying credential's tenant
     * (`azure-native:authorization:getClientConfig`).
     */
    tenantId?: pulumi.Input<string>;
    /**
     * Administrators in the order they are written; at least one (an Entra-only server without one is a lockout).
     * Each `name` is the PostgreSQL role name (a user's UPN, a group's or service principal's display name, case
     * sensitive), `objectId` its Entra object id (a GUID), `type` `User`, `Group` or `ServicePrincipal` (managed
     * identities are service principals). Plain: one child per admin, named from its name (part of the URN; a new
     * object id under the same name replaces the admin, the old one removed first). Refused: an empty list, a name that cannot be a role
     * name, an object id that is not a GUID, a name or object id listed twice.
     * Learn: https://learn.microsoft.com/azure/postgresql/security/security-manage-entra-users
     */
    admins: readonly EntraAdmin[];
    /**
     * Every earlier server write (parameters, firewall rules, e.g. `FlexibleServer.lastWrite`): the first admin
     * waits for all of them, as Azure takes one write per server at a time. Default: none.
     */
    after?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The wire values of `principalType`, exactly as the 2025-08-01 spec defines them (`User`, `Group`,
 * `ServicePrincipal`; Azure/azure-rest-api-specs
 * specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/AdministratorsMicrosoftEntra.json
 * at 0f9798aa2720ac3b2299c448917356c18389ec41, `AdministratorMicrosoftEntraPropertiesForAdd.principalType`).
 * The SDK's `dbforpostgresql.PrincipalType` enum is not used: it carries the lower-case values of another
 * resource's enum of the same name (`user`, `group`, `servicePrincipal`). contracts/azure/Microsoft.DBforPostgreSQL.json
 * records the same fact, and test/contracts checks every admin the program declares against it.
 */
export const adminPrincipalTypes: Readonly<Record<AdminType, string>> = {
    User: "User",
    Group: "Group",
    ServicePrincipal: "ServicePrincipal",
};

/**
 * The server's Entra administrators, one resource per admin, written strictly one after another.
 *
 * Azure accepts only one Entra admin while a server is provisioned, rejects concurrent admin writes, and
 * rejects admin writes while the server is updating (`AadAuthOperationCannotBePerformedWhenServerIsNotAccessible`,
 * azurerm #19962). So each admin depends on the previous one, and the first on every parameter write.
 *
 * It does not create the server (`FlexibleServer`), turn Entra authentication on (the server's `authConfig`
 * does), or create database roles for non-admin identities (`EntraAccess`). Learn: "Manage Microsoft Entra
 * users", https://learn.microsoft.com/azure/postgresql/security/security-manage-entra-users.
 */
export class EntraAdministrators extends pulumi.ComponentResource {
    readonly admins: dbforpostgresql.AdministratorsMicrosoftEntra[];
    /** The end of the chain: anything that logs in as an admin waits for it. */
    readonly last: dbforpostgresql.AdministratorsMicrosoftEntra;

    constructor(name: string, args: EntraAdministratorsArgs, opts?: pulumi.ComponentResourceOptions) {
        checkAdmins(name, args.admins);
        super("entra-postgres:administrators:EntraAdministrators", name, {}, opts);
        const tenantId = args.tenantId ?? authorization.getClientConfigOutput({ parent: this }).tenantId;
        const names = new ChildNames(args.admins.map((a) => a.name));
        // One after another (decisions/writeChain.ts): the first after every earlier server write.
        this.admins = chain(args.admins, args.after ?? [], (admin, after) => {
            // Named by identity, not position: reordering the chain re-links admins without replacing them.
            // Not by object id: an admin rotated under the same name (a new objectId) is then one resource that
            // azure-native replaces (objectId is a path parameter, contracts' replacedOnChange), and
            // deleteBeforeReplace removes the old admin before the new one is added. Were the two separate
            // resources, the new admin would be added first and the old one's delete, which drops the role of
            // that name, would leave the rotated admin without a role. Stacks deployed when the name carried the
            // object id's first 8 characters keep their admins through the alias.
            const child = names.name(name, { identity: admin.name });
            const former = names.name(name, { identity: admin.name }, admin.objectId.slice(0, 8));
            return new dbforpostgresql.AdministratorsMicrosoftEntra(child.name, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.serverName,
                objectId: admin.objectId,
                principalName: admin.name,
                principalType: adminPrincipalTypes[admin.type],
                tenantId,
            }, { parent: this, dependsOn: after, deleteBeforeReplace: true, aliases: [...child.aliases, { name: former.name }, ...former.aliases] });
        });
        this.last = this.admins[this.admins.length - 1];
        this.registerOutputs({ names: args.admins.map((a) => a.name) });
    }
}

/** Refuses admins Azure or PostgreSQL would refuse, or that would give two children one name, before anything is registered. */
function checkAdmins(name: string, admins: readonly EntraAdmin[]): void {
    const fail = (problem: string) => {
        throw new Error(`EntraAdministrators ${name}: ${problem}`);
    };
    if (admins.length === 0) {
        fail("admins is empty; it needs at least one admin (an Entra-only server without one is a lockout). Add the identity that deploys.");
    }
    admins.forEach((admin, i) => {
        const at = `admins[${i}]`;
        const problem = typeof admin.name === "string" ? identifierProblem(admin.name) ?? reservedRoleNameProblem(admin.name) : "is not a string";
        if (problem) {
            fail(`${at}.name ${problem}.`);
        }
        if (typeof admin.objectId !== "string" || !guidPattern.test(admin.objectId)) {
            fail(`${at}.objectId "${String(admin.objectId)}" is not a GUID. Use the identity's Entra object id.`);
        }
        if (!adminTypes.includes(admin.type)) {
            fail(`${at}.type "${String(admin.type)}" is not one of ${adminTypes.join(", ")}.`);
        }
        const earlier = admins.slice(0, i);
        if (earlier.some((a) => a.name === admin.name)) {
            fail(`${at}.name "${admin.name}" is listed twice. Keep one entry per admin.`);
        }
        if (earlier.some((a) => a.objectId.toLowerCase() === admin.objectId.toLowerCase())) {
            fail(`${at}.objectId ${admin.objectId} is listed twice (Azure keys an admin by its object id). Keep one entry per identity.`);
        }
    });
}

/** Child names: see `childNames.ts`. */
export { slug } from "./childNames";
