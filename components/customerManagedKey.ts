import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type { CustomerManagedKeyConfig } from "./config/dataSafety";

/**
 * Encryption of a server's data at rest with a customer-managed key (Learn, "Data encryption at rest",
 * MicrosoftDocs/azure-databases-docs articles/postgresql/security/security-data-encryption.md at 1012b59d):
 *
 * - "The mode can only be selected at server creation time. It can't be changed from one mode to another for
 *   the lifetime of the server": `dataEncryption.type` replaces the server (`serverOptions`); the key URI and
 *   identity can change in place (key rotation, "Change key/identity for data encryption").
 * - the server reaches the key with a user-assigned identity (`identity.type: UserAssigned`), which needs
 *   "Key Vault Crypto Service Encryption User" on the vault (the RBAC model, "preferred"); the role's id
 *   `e147488a-f6f5-4113-8e2d-b22465e65bf6` (Learn, "Azure built-in roles for Security").
 * - geo-redundant backups need their own key, in the geo region's vault, reached by another identity ("You
 *   can't use the same user-managed identity to authenticate for the primary database's Key Vault instance and
 *   the Key Vault instance that holds the encryption key for geo-redundant backup").
 *
 * The identity is created (or an existing one used), granted the role on the vault when `keyVaultId` is given,
 * and the server waits for the grant (`ready`): Azure checks the key when it creates the server.
 */
export const keyVaultCryptoServiceEncryptionUser = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

export interface CustomerManagedKeyArgs {
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /** Names the identity the stack creates (`<server>-cmk`). */
    serverName: string;
    key: CustomerManagedKeyConfig;
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The Server inputs of a customer-managed key: merged into the server's arguments. */
export type CustomerManagedKeyInputs = Pick<dbforpostgresql.ServerArgs, "identity" | "dataEncryption">;

export class CustomerManagedKey extends pulumi.ComponentResource {
    /** ARM id of the identity that reaches the primary key. */
    readonly identityId: pulumi.Output<string>;
    /** The identity the stack created, if it created one. */
    readonly identity?: managedidentity.UserAssignedIdentity;
    /** The identity's grant on the vault, if the stack made one. */
    readonly roleAssignment?: authorization.RoleAssignment;
    /** What the server waits for. */
    readonly ready: pulumi.Resource[];
    readonly serverInputs: CustomerManagedKeyInputs;

    constructor(name: string, args: CustomerManagedKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:security:CustomerManagedKey", name, {}, opts);
        const key = args.key;
        if (key.identityId) {
            this.identityId = pulumi.output(key.identityId);
        } else {
            this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                resourceName: `${args.serverName}-cmk`,
                tags: args.tags,
            }, { parent: this });
            this.identityId = this.identity.id;
            if (key.keyVaultId) {
                const subscription = key.keyVaultId.split("/")[2];
                this.roleAssignment = new authorization.RoleAssignment(`${name}-key-access`, {
                    scope: key.keyVaultId,
                    principalId: this.identity.principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${keyVaultCryptoServiceEncryptionUser}`,
                }, { parent: this, dependsOn: [this.identity] });
            }
        }
        this.ready = [this.identity, this.roleAssignment].filter((r): r is NonNullable<typeof r> => r !== undefined);
        this.serverInputs = {
            // The map's keys are the identities' ARM ids; the geo-backup identity is assigned too.
            identity: this.identityId.apply((primary) => ({
                type: "UserAssigned",
                userAssignedIdentities: Object.fromEntries([primary, ...(key.geoBackupIdentityId ? [key.geoBackupIdentityId] : [])].map((id) => [id, {}])),
            })),
            dataEncryption: {
                type: "AzureKeyVault",
                primaryKeyURI: key.keyUri,
                primaryUserAssignedIdentityId: this.identityId,
                ...(key.geoBackupKeyUri ? { geoBackupKeyURI: key.geoBackupKeyUri, geoBackupUserAssignedIdentityId: key.geoBackupIdentityId } : {}),
            },
        };
        this.registerOutputs({ identityId: this.identityId });
    }
}

/** Server inputs that decide what the server is at creation: a change replaces it (Azure cannot change them). */
export const createTimeServerInputs = ["dataEncryption.type"] as const;
