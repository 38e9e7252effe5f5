import type { Cloud } from "./cloud";
import type { CustomerManagedKeyConfig, DataSafetyConfig, RestoreConfig } from "./dataSafetyModel";
import type { AuthMode, NetworkAccess, ServerConfig } from "./model";
import { Json, Obj, Reader } from "./reader";
import { serverNamePattern } from "./server";
import { defaults, keysAt } from "./settings";

export type { CustomerManagedKeyConfig, DataSafetyConfig, RestoreConfig } from "./dataSafetyModel";

/**
 * Data safety settings (rows in dataSafetySettings.ts): management locks, Defender threat protection, a
 * customer-managed key, point-in-time restore and read replicas. Every rule Azure applies that can be decided
 * without Azure is checked here, before anything is declared; the Learn pages are named in the rows.
 */

const guid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const group = "[-\\w.()]{0,89}[-\\w()]";
const armPrefix = `^/subscriptions/${guid}/resourceGroups/${group}/providers/`;

/**
 * ARM ids the settings take (Learn, "Resource naming rules": key vault 3-24 letters, digits and hyphens; managed
 * HSM 3-24; user-assigned identity 3-128 letters, digits, `-` and `_`; flexible server 3-63 lowercase).
 */
export const dataSafetyIds = {
    keyVault: { pattern: new RegExp(`${armPrefix}Microsoft\\.KeyVault/(vaults|managedHSMs)/([A-Za-z0-9-]{3,24})$`, "i"), shape: "/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<vault>", command: "az keyvault show -n <vault> --query id" },
    identity: { pattern: new RegExp(`${armPrefix}Microsoft\\.ManagedIdentity/userAssignedIdentities/([A-Za-z0-9][-\\w]{2,127})$`, "i"), shape: "/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>", command: "az identity show -g <group> -n <name> --query id" },
    server: { pattern: new RegExp(`${armPrefix}Microsoft\\.DBforPostgreSQL/flexibleServers/([a-z0-9][-a-z0-9]{1,61}[a-z0-9])$`, "i"), shape: "/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<server>", command: "az postgres flexible-server show -g <group> -n <server> --query id" },
} as const;

/** Key Vault and managed HSM DNS suffixes per cloud (Learn, "Azure Key Vault: about keys, secrets and certificates"). */
const vaultSuffixes: Record<Cloud, string> = { public: "vault.azure.net", usgov: "vault.usgovcloudapi.net", china: "vault.azure.cn" };
const hsmSuffixes: Record<Cloud, string> = { public: "managedhsm.azure.net", usgov: "managedhsm.usgovcloudapi.net", china: "managedhsm.azure.cn" };

/** The vault name and key of a key URI in `cloud`, or undefined when the URI is not one. */
export function parseKeyUri(uri: string, cloud: Cloud): { vault: string; key: string; version?: string } | undefined {
    const suffix = `(?:${vaultSuffixes[cloud]}|${hsmSuffixes[cloud]})`.replace(/\./g, "\\.");
    const m = new RegExp(`^https://([A-Za-z0-9-]{3,24})\\.${suffix}/keys/([A-Za-z0-9-]{1,127})(?:/([0-9a-fA-F]{32}))?/?$`).exec(uri);
    return m ? { vault: m[1].toLowerCase(), key: m[2], version: m[3] } : undefined;
}

/** The point-in-time format Azure takes: ISO 8601 date-time in UTC. */
const pointInTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?Z$/;

/**
 * An unquoted `2026-05-01T09:30:00Z` in a stack file is a YAML timestamp, which Pulumi's config reader hands
 * over in Go's time format (`2026-05-01 09:30:00 +0000 UTC`): read back as the ISO 8601 it was written as.
 */
export function fromYamlTimestamp(value: string | undefined): string | undefined {
    const m = value === undefined ? null : /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) \+0000 UTC$/.exec(value);
    return m ? `${m[1]}T${m[2]}Z` : value;
}

interface Context {
    readonly protect: boolean;
    readonly auth?: AuthMode;
    readonly cloud?: Cloud;
    readonly access?: NetworkAccess;
    readonly server?: ServerConfig;
}

export function parseDataSafety(r: Reader, lockValue: Json, serverValue: Json, context: Context): DataSafetyConfig {
    const lockObj = r.object(lockValue, "lock", keysAt("lock")) ?? {};
    const lock = {
        server: r.boolean(lockObj.server, "lock.server", context.protect),
        resourceGroup: r.boolean(lockObj.resourceGroup, "lock.resourceGroup", defaults.lock.resourceGroup),
    };
    // The server object's other keys are parsed (and unknown keys refused) by parseServer.
    const server: Obj = serverValue && typeof serverValue === "object" && !Array.isArray(serverValue) ? (serverValue as Obj) : {};
    const threatProtection = r.boolean(server.threatProtection, "server.threatProtection", defaults.server.threatProtection);
    const customerManagedKey = parseCustomerManagedKey(r, server.customerManagedKey, context);
    const restore = parseRestore(r, server.restore, context);
    const replicas = parseReplicas(r, server.replicas, context);
    const virtualEndpoint = r.string(server.virtualEndpoint, "server.virtualEndpoint");
    if (virtualEndpoint !== undefined) {
        if (!serverNamePattern.test(virtualEndpoint)) {
            r.fail("server.virtualEndpoint", `"${virtualEndpoint}" must be 3–63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit.`);
        }
        if (replicas.length === 0) {
            r.fail("server.virtualEndpoint", "needs a read replica: its read-only endpoint points at the first of server.replicas. Add a replica or remove server.virtualEndpoint.");
        }
    }
    return { lock, threatProtection, customerManagedKey, restore, replicas, virtualEndpoint };
}

function armIdOf(r: Reader, value: Json, path: string, kind: keyof typeof dataSafetyIds, required?: string): string | undefined {
    const text = r.string(value, path, { required });
    if (text === undefined) {
        return undefined;
    }
    const id = dataSafetyIds[kind];
    if (!id.pattern.test(text)) {
        return r.fail(path, `"${text}" is not an ARM id of the form ${id.shape}. Copy it from \`${id.command}\`.`);
    }
    return text;
}

function parseCustomerManagedKey(r: Reader, value: Json, context: Context): CustomerManagedKeyConfig | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const base = "server.customerManagedKey";
    const obj = r.object(value, base, keysAt(base));
    if (!obj) {
        return undefined;
    }
    const cloud = context.cloud ?? "public";
    const keyUri = r.string(obj.keyUri, `${base}.keyUri`, { required: `Set the key's URI, https://<vault>.${vaultSuffixes[cloud]}/keys/<key> (\`az keyvault key show --vault-name <vault> -n <key> --query key.kid\`).` });
    const key = keyUri === undefined ? undefined : parseKeyUri(keyUri, cloud);
    if (keyUri !== undefined && !key) {
        r.fail(`${base}.keyUri`, `"${keyUri}" is not a key URI of the ${cloud} cloud: https://<vault>.${vaultSuffixes[cloud]}/keys/<key>[/<32-hex version>] (or a managed HSM's, ${hsmSuffixes[cloud]}).`);
    }
    const keyVaultId = armIdOf(r, obj.keyVaultId, `${base}.keyVaultId`, "keyVault");
    const vaultName = keyVaultId ? dataSafetyIds.keyVault.pattern.exec(keyVaultId)![2].toLowerCase() : undefined;
    if (key && vaultName && vaultName !== key.vault) {
        r.fail(`${base}.keyVaultId`, `names the vault "${vaultName}", but keyUri is a key of "${key.vault}". Name the vault that holds the key.`);
    }
    const identityId = armIdOf(r, obj.identityId, `${base}.identityId`, "identity");
    if (keyVaultId && identityId) {
        // The role goes to the identity's principal, which only Azure knows for an identity the stack did not create.
        r.fail(`${base}.keyVaultId`, "grants the identity the stack creates; an identity you bring (identityId) is one you grant yourself. Grant it Key Vault Crypto Service Encryption User on the vault and remove keyVaultId, or remove identityId.");
    }
    const geoBackupKeyUri = r.string(obj.geoBackupKeyUri, `${base}.geoBackupKeyUri`);
    const geoBackupIdentityId = armIdOf(r, obj.geoBackupIdentityId, `${base}.geoBackupIdentityId`, "identity");
    const geo = context.server?.geoRedundantBackup ?? false;
    if (geo && geoBackupKeyUri === undefined) {
        r.fail(`${base}.geoBackupKeyUri`, "is required with server.geoRedundantBackup: Azure encrypts the geo-redundant backups with a key in a vault of the paired region. Set it, or turn geoRedundantBackup off.");
    }
    if (!geo && geoBackupKeyUri !== undefined) {
        r.fail(`${base}.geoBackupKeyUri`, "is only used with server.geoRedundantBackup: true. Remove it, or turn geo-redundant backup on (only possible when the server is created).");
    }
    if (geoBackupKeyUri !== undefined) {
        const geoKey = parseKeyUri(geoBackupKeyUri, cloud);
        if (!geoKey) {
            r.fail(`${base}.geoBackupKeyUri`, `"${geoBackupKeyUri}" is not a key URI of the ${cloud} cloud: https://<vault>.${vaultSuffixes[cloud]}/keys/<key>[/<version>].`);
        } else if (key && geoKey.vault === key.vault) {
            r.fail(`${base}.geoBackupKeyUri`, `is in the same vault as keyUri ("${key.vault}"); the geo-backup key must be in a vault of the region that holds the geo-redundant backups.`);
        }
        if (obj.geoBackupIdentityId === undefined || obj.geoBackupIdentityId === null) {
            r.fail(`${base}.geoBackupIdentityId`, "is required with geoBackupKeyUri: the user-assigned identity that reaches the geo-backup key (not the primary key's identity).");
        }
    }
    if (geoBackupIdentityId !== undefined && geoBackupKeyUri === undefined) {
        r.fail(`${base}.geoBackupIdentityId`, "is only used with geoBackupKeyUri. Remove it, or set geoBackupKeyUri.");
    }
    if (identityId && geoBackupIdentityId && identityId.toLowerCase() === geoBackupIdentityId.toLowerCase()) {
        r.fail(`${base}.geoBackupIdentityId`, "is the primary key's identity; Azure refuses the same identity for both keys. Use another user-assigned identity.");
    }
    if (keyUri === undefined || !key) {
        return undefined;
    }
    return { keyUri, keyVaultId, identityId, geoBackupKeyUri, geoBackupIdentityId };
}

function parseRestore(r: Reader, value: Json, context: Context): RestoreConfig | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const base = "server.restore";
    const obj = r.object(value, base, keysAt(base));
    if (!obj) {
        return undefined;
    }
    const sourceServerId = armIdOf(r, obj.sourceServerId, `${base}.sourceServerId`, "server", "Set the ARM id of the server to restore.");
    const pointInTime = fromYamlTimestamp(r.string(obj.pointInTime, `${base}.pointInTime`, { required: "Set the point in time to restore, ISO 8601 in UTC (e.g. 2026-05-01T09:30:00Z)." }));
    if (pointInTime !== undefined && (!pointInTimePattern.test(pointInTime) || Number.isNaN(Date.parse(pointInTime)))) {
        r.fail(`${base}.pointInTime`, `"${pointInTime}" is not an ISO 8601 date-time in UTC (e.g. 2026-05-01T09:30:00Z).`);
    }
    const own = context.server?.name;
    if (sourceServerId && own && sourceServerId.toLowerCase().endsWith(`/flexibleservers/${own}`)) {
        r.fail(`${base}.sourceServerId`, `is this stack's own server (${own}); a restore creates a new server from another one. Give server.name a new name.`);
    }
    if (context.server && context.server.highAvailability !== "Disabled") {
        r.fail(`${base}`, `is refused with server.highAvailability ${context.server.highAvailability}: Azure restores a single-instance server. Set highAvailability to Disabled for the restore.`);
    }
    if (context.auth === "mixed") {
        r.fail(`${base}`, "is refused with auth: mixed: the restored server keeps the source's password administrator, whose login cannot be set again. Use auth: entra-only.");
    }
    return sourceServerId && pointInTime ? { sourceServerId, pointInTime } : undefined;
}

function parseReplicas(r: Reader, value: Json, context: Context): string[] {
    const names: string[] = [];
    for (const [i, item] of r.list(value, "server.replicas").entries()) {
        const path = `server.replicas[${i}]`;
        const name = r.string(item, path, { required: "Give the replica a server name." });
        if (name === undefined) {
            continue;
        }
        if (!serverNamePattern.test(name)) {
            r.fail(path, `"${name}" must be 3–63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit.`);
        } else if (name === context.server?.name || names.includes(name)) {
            r.fail(path, `"${name}" is already a server of this stack; server names are unique.`);
        } else {
            names.push(name);
        }
    }
    if (names.length > 0 && context.server?.tier === "Burstable") {
        r.fail("server.replicas", "are not offered on the Burstable tier (Learn, \"Read replicas\"). Use GeneralPurpose or MemoryOptimized, or remove the replicas.");
    }
    if (names.length > 0 && context.access === "private-endpoint") {
        r.fail("server.replicas", "are not created with private-endpoint access (each replica would need its own private endpoint). Use private or public access, or remove the replicas.");
    }
    if (names.length > 5) {
        r.fail("server.replicas", `has ${names.length} names; a primary has at most 5 read replicas (Learn, "Read replicas").`);
    }
    return names;
}
