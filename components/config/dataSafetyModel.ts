/**
 * The typed model of the data safety settings (rows in dataSafetySettings.ts, parsed by dataSafety.ts), part of
 * `StackConfig` (model.ts).
 */

/** Encryption of data at rest with a Key Vault key (Learn, "Data encryption at rest"). */
export interface CustomerManagedKeyConfig {
    /** `https://<vault>.vault.azure.net/keys/<key>[/<version>]`; versionless follows rotations. */
    readonly keyUri: string;
    /** The key's vault: the stack grants the identity `Key Vault Crypto Service Encryption User` on it. */
    readonly keyVaultId?: string;
    /** An existing user-assigned identity; absent: the stack creates one. */
    readonly identityId?: string;
    /** With geo-redundant backup: the key of the geo backups, in the paired region's vault. */
    readonly geoBackupKeyUri?: string;
    /** With `geoBackupKeyUri`: an existing identity other than the primary key's. */
    readonly geoBackupIdentityId?: string;
}

/** Point-in-time restore of another server (Learn, "Backup and restore"). */
export interface RestoreConfig {
    readonly sourceServerId: string;
    /** ISO 8601, UTC. */
    readonly pointInTime: string;
}

export interface DataSafetyConfig {
    /** `CanNotDelete` locks on the server (and its replicas) and on the resource group. */
    readonly lock: { readonly server: boolean; readonly resourceGroup: boolean };
    /** Defender threat protection (`AdvancedThreatProtection`) on the server and each replica. */
    readonly threatProtection: boolean;
    readonly customerManagedKey?: CustomerManagedKeyConfig;
    readonly restore?: RestoreConfig;
    /** Names of read replicas of the server. */
    readonly replicas: readonly string[];
    /** A virtual endpoint pair: writer on the primary, read-only on the first replica. */
    readonly virtualEndpoint?: string;
}
