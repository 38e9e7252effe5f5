import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { ChildNames } from "./childNames";
import { AdminType, EntraAdmin } from "./config";
import { chain } from "./decisions";

export interface EntraAdministratorsArgs {
    resourceGroupName: pulumi.Input<string>;
    serverName: pulumi.Input<string>;
    tenantId: pulumi.Input<string>;
    /** Administrators in the order they are written. At least one. */
    admins: readonly EntraAdmin[];
    /** Every earlier server write (parameters, firewall rules): the first admin waits for all of them. */
    after: pulumi.Input<pulumi.Resource>[];
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
 */
export class EntraAdministrators extends pulumi.ComponentResource {
    readonly admins: dbforpostgresql.AdministratorsMicrosoftEntra[];
    /** The end of the chain: anything that logs in as an admin waits for it. */
    readonly last: dbforpostgresql.AdministratorsMicrosoftEntra;

    constructor(name: string, args: EntraAdministratorsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:administrators:EntraAdministrators", name, {}, opts);
        if (args.admins.length === 0) {
            throw new Error("EntraAdministrators needs at least one admin (an Entra-only server without one is a lockout).");
        }
        const names = new ChildNames(args.admins.map((a) => a.name));
        // One after another (decisions/writeChain.ts): the first after every earlier server write.
        this.admins = chain(args.admins, args.after, (admin, after) => {
            // Named by identity, not position: reordering the chain re-links admins without replacing them.
            const child = names.name(name, { identity: admin.name }, admin.objectId.slice(0, 8));
            return new dbforpostgresql.AdministratorsMicrosoftEntra(child.name, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.serverName,
                objectId: admin.objectId,
                principalName: admin.name,
                principalType: adminPrincipalTypes[admin.type],
                tenantId: args.tenantId,
            }, { parent: this, dependsOn: after, aliases: child.aliases });
        });
        this.last = this.admins[this.admins.length - 1];
        this.registerOutputs({ names: args.admins.map((a) => a.name) });
    }
}

/** Child names: see `childNames.ts`. */
export { slug } from "./childNames";
