import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
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

// The 2025-08-01 spec's PrincipalType values are `User`, `Group`, `ServicePrincipal` (Azure/azure-rest-api-specs
// specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/AdministratorsMicrosoftEntra.json
// at 0f9798aa2720ac3b2299c448917356c18389ec41); the SDK's enum spells them in lower camel case, so send the spec's.
const principalTypes: Record<AdminType, string> = {
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
        let previous: pulumi.Input<pulumi.Resource>[] = args.after;
        this.admins = args.admins.map((admin) => {
            // Named by identity, not position: reordering the chain re-links admins without replacing them.
            const resource = new dbforpostgresql.AdministratorsMicrosoftEntra(`${name}-${slug(admin.name)}-${admin.objectId.slice(0, 8)}`, {
                resourceGroupName: args.resourceGroupName,
                serverName: args.serverName,
                objectId: admin.objectId,
                principalName: admin.name,
                principalType: principalTypes[admin.type],
                tenantId: args.tenantId,
            }, { parent: this, dependsOn: previous });
            previous = [resource];
            return resource;
        });
        this.last = this.admins[this.admins.length - 1];
        this.registerOutputs({ names: args.admins.map((a) => a.name) });
    }
}

/** A URN-safe, readable fragment of a display name (`Prod DB Admins` → `prod-db-admins`). */
export function slug(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "principal";
}
