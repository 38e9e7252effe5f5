import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { ChildNames } from "./childNames";
import { AdminType, EntraAdmin } from "./config";

export interface EntraAdministratorsArgs {
    resourceGroupName: pulumi.Input<string>;
    serverName: pulumi.Input<string>;
    tenantId: pulumi.Input<string>;
    /** Administrators in the order they are written. At least one. */
    admins: readonly EntraAdmin[];
    /** Every earlier server write (parameters, firewall rules): the first admin waits for all of them. */
    after: pulumi.Input<pulumi.Resource>[];
}

const principalTypes: Record<AdminType, dbforpostgresql.PrincipalType> = {
    User: dbforpostgresql.PrincipalType.User,
    Group: dbforpostgresql.PrincipalType.Group,
    ServicePrincipal: dbforpostgresql.PrincipalType.ServicePrincipal,
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
        let previous: pulumi.Input<pulumi.Resource>[] = args.after;
        const names = new ChildNames(args.admins.map((a) => a.name));
        this.admins = args.admins.map((admin) => {
            // Named by identity, not position: reordering the chain re-links admins without replacing them.
            const child = names.name(name, { identity: admin.name }, admin.objectId.slice(0, 8));
            const resource = new dbforpostgresql.AdministratorsMicrosoftEntra(child.name, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.serverName,
                objectId: admin.objectId,
                principalName: admin.name,
                principalType: principalTypes[admin.type],
                tenantId: args.tenantId,
            }, { parent: this, dependsOn: previous, aliases: child.aliases });
            previous = [resource];
            return resource;
        });
        this.last = this.admins[this.admins.length - 1];
        this.registerOutputs({ names: args.admins.map((a) => a.name) });
    }
}

/** Child names: see `childNames.ts`. */
export { slug } from "./childNames";
