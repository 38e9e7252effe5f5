/**
 * The settings rows of data safety: management locks, Defender threat protection, a customer-managed key,
 * point-in-time restore and read replicas. Part of the one settings table (`settings` in settings.ts spreads
 * these rows); parsed by dataSafety.ts.
 *
 * Microsoft Learn pages, by their source: "Lock your resources to protect your infrastructure" (MicrosoftDocs/
 * azure-docs articles/azure-resource-manager/management/lock-resources.md at 03adcc30); "Data encryption at
 * rest" (MicrosoftDocs/azure-databases-docs articles/postgresql/security/security-data-encryption.md at
 * 1012b59d); "Backup and restore" (backup-restore/concepts-backup-restore.md at 0085bb16); "Read replicas"
 * (read-replica/concepts-read-replicas.md at 441b9c89) and "Virtual endpoints"
 * (read-replica/concepts-read-replicas-virtual-endpoints.md at 450730c7); "Microsoft Defender for Cloud"
 * (security/security-defender-for-cloud.md at 31d803e5).
 */
export const dataSafetyLearn = {
    locks: "https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources",
    encryption: "https://learn.microsoft.com/azure/postgresql/security/security-data-encryption",
    backup: "https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-backup-restore",
    replicas: "https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas",
    virtualEndpoints: "https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas-virtual-endpoints",
    defender: "https://learn.microsoft.com/azure/postgresql/security/security-defender-for-cloud",
} as const;

const learn = dataSafetyLearn;

export const dataSafetySettings = [
    // Top level
    {
        key: "lock", type: "object", defaultText: "on with `protect`",
        description: "Management locks (`CanNotDelete`) against deletion by any tool. See [lock](#lock).",
        learn: learn.locks,
    },
    {
        key: "lock.server", type: "boolean", defaultText: "the value of `protect`",
        description: "A `CanNotDelete` lock on the server (and each replica): Azure refuses to delete it, from the portal, a script or any tool, until the lock is removed.",
        notes: "The lock is created after everything on the server and deleted before it, so `pulumi destroy` of an unprotected stack still works. A lock is inherited by the server's children: while it is on, a change that deletes a database, firewall rule, administrator or parameter of the server fails with `ScopeLocked`. Locks act on Azure Resource Manager only: `DROP DATABASE` still works. In place: turning it on or off creates or deletes the lock.",
        learn: learn.locks,
    },
    {
        key: "lock.resourceGroup", type: "boolean", default: false,
        description: "A `CanNotDelete` lock on the resource group: nothing in it can be deleted.",
        notes: "Created after every other resource of the stack and deleted first. While it is on, any change that deletes or replaces a resource of the group fails with `ScopeLocked`.",
        learn: learn.locks,
    },

    // server
    {
        key: "server.threatProtection", type: "boolean", default: false,
        description: "Microsoft Defender threat protection on the server and each replica (an `AdvancedThreatProtection` setting, `isEnabled: true`).",
        notes: "Satisfies the policy `postgres-defender-threat-protection`. Billed as the Defender for open-source relational databases plan. In place.",
        learn: learn.defender,
    },
    {
        key: "server.customerManagedKey", type: "object", defaultText: "none (service-managed key)",
        description: "Encrypt data at rest with your Key Vault key: `{ keyUri, keyVaultId, identityId, geoBackupKeyUri, geoBackupIdentityId }`.",
        notes: "Chosen at creation: Azure cannot switch a server between service-managed and customer-managed keys, so adding or removing it replaces the server (refused while `protect` is on); a new `keyUri` or identity is applied in place (key rotation). The vault needs soft delete and purge protection, the key must be RSA or RSA-HSM of 2048, 3072 or 4096 bits, enabled and not expired (checked by Azure, not offline). Satisfies the policy `postgres-customer-managed-key`.",
        learn: learn.encryption,
    },
    {
        key: "server.customerManagedKey.keyUri", type: "string", required: "conditional",
        description: "The key: `https://<vault>.vault.azure.net/keys/<key>` (versionless: Azure follows rotations) or with its version.",
        learn: learn.encryption,
    },
    {
        key: "server.customerManagedKey.keyVaultId", type: "string",
        description: "ARM id of the key's vault (`Microsoft.KeyVault/vaults` or `managedHSMs`): the stack grants the server's identity `Key Vault Crypto Service Encryption User` on it.",
        notes: "Absent: grant the role (or the get, list, wrapKey and unwrapKey access policies) yourself before `pulumi up`. The vault's name must be the one in `keyUri`.",
        learn: learn.encryption,
    },
    {
        key: "server.customerManagedKey.identityId", type: "string", defaultText: "a new identity",
        description: "ARM id of an existing user-assigned identity the server uses to reach the key; absent: the stack creates one.",
        learn: learn.encryption,
    },
    {
        key: "server.customerManagedKey.geoBackupKeyUri", type: "string", required: "conditional",
        description: "With `geoRedundantBackup`: the key of the geo-redundant backups, in a vault of the paired region (another vault). Refused otherwise.",
        learn: learn.encryption,
    },
    {
        key: "server.customerManagedKey.geoBackupIdentityId", type: "string", required: "conditional",
        description: "With `geoBackupKeyUri`: an existing user-assigned identity, not the primary key's one (Azure refuses the same identity for both).",
        learn: learn.encryption,
    },
    {
        key: "server.restore", type: "object", defaultText: "none (a new, empty server)",
        description: "Create the server by point-in-time restore of another (the disaster-recovery drill): `{ sourceServerId, pointInTime }`.",
        notes: "Refused with `highAvailability` (a restore is a single-instance server) and `auth: mixed` (the source's password administrator comes with the data). Azure restores within the source's retention only, and not across public and private access. Server parameters, firewall rules and Entra administrators are written by the stack as for a new server; roles and databases come with the data and are adopted. Keep it in the stack for the server's life: changing or removing it replaces the server. See [Data safety](data-safety.md#restore-and-replicas).",
        learn: learn.backup,
    },
    {
        key: "server.restore.sourceServerId", type: "string", required: "conditional",
        description: "ARM id of the server to restore (`Microsoft.DBforPostgreSQL/flexibleServers`).",
        learn: learn.backup,
    },
    {
        key: "server.restore.pointInTime", type: "string", required: "conditional",
        description: "The point in time to restore, ISO 8601 in UTC (`2026-05-01T09:30:00Z`).",
        learn: learn.backup,
    },
    {
        key: "server.replicas", type: "string list", default: [], defaultText: "none",
        description: "Names of read replicas of the server, created in the same region and network once its roles and databases exist.",
        notes: "Not on Burstable, not with `private-endpoint` access. A replica is read-only: it has the primary's Entra administrators and roles (set them in this stack); it has no backups and no high availability of its own. Adding or removing one creates or deletes that replica.",
        learn: learn.replicas,
    },
    {
        key: "server.virtualEndpoint", type: "string", defaultText: "none",
        description: "Name of a virtual endpoint pair on the server: a writer endpoint on the primary and a read-only one on the first replica.",
        notes: "Needs `replicas`. In place.",
        learn: learn.virtualEndpoints,
    },
] as const;
