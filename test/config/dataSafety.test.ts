import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig, type StackConfig } from "../../components/config";
import { parseKeyUri } from "../../components/config/dataSafety";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { editConfig } from "../../testing/program";

/** The prod (or dev) stack with `change` applied: its config, or the problems, each as `key: message`. */
function parse(stack: "prod" | "dev", change: (c: Record<string, any>) => void): StackConfig | string[] {
    try {
        return parseConfig(editConfig(loadStackConfig(stack), change), { project: "entra-postgres", stack });
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

function problems(stack: "prod" | "dev", change: (c: Record<string, any>) => void): string[] {
    const result = parse(stack, change);
    assert.ok(Array.isArray(result), "the settings are refused");
    return result;
}

const vault = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/prod-keys";
const identity = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pg-key";
const source = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/entra-postgres-prod";

describe("data safety settings", () => {
    test("the server lock follows protect unless set; the resource group lock and Defender are off by default", () => {
        const prod = parse("prod", () => undefined) as StackConfig;
        assert.deepEqual(prod.dataSafety?.lock, { server: true, resourceGroup: false });
        assert.equal(prod.dataSafety?.threatProtection, false);
        const dev = parse("dev", () => undefined) as StackConfig;
        assert.deepEqual(dev.dataSafety?.lock, { server: false, resourceGroup: false });
        const unlocked = parse("prod", (c) => { c.lock = { server: false }; }) as StackConfig;
        assert.equal(unlocked.dataSafety?.lock.server, false);
        assert.deepEqual(problems("prod", (c) => { c.lock = { sever: true }; }), ['entra-postgres:lock.sever: unknown key "sever". Did you mean "server" (entra-postgres:lock.server)?']);
    });

    test("a customer-managed key: the key URI's shape and cloud, the vault's name, ARM ids", () => {
        const ok = parse("prod", (c) => {
            c.server = { ...c.server, customerManagedKey: { keyUri: "https://prod-keys.vault.azure.net/keys/pg", keyVaultId: vault, geoBackupKeyUri: "https://prod-geo.vault.azure.net/keys/pg", geoBackupIdentityId: identity } };
        }) as StackConfig;
        assert.equal(ok.dataSafety?.customerManagedKey?.keyUri, "https://prod-keys.vault.azure.net/keys/pg");
        const cmk = (key: Record<string, unknown>) => (c: Record<string, any>) => { c.server = { ...c.server, geoRedundantBackup: false, customerManagedKey: key }; };
        assert.match(problems("prod", cmk({ keyUri: "https://prod-keys.vault.azure.cn/keys/pg" })).join("\n"), /customerManagedKey\.keyUri: .* not a key URI of the public cloud/);
        assert.match(problems("prod", cmk({ keyUri: "https://prod-keys.vault.azure.net/keys/pg", keyVaultId: vault.replace("prod-keys", "other-keys") })).join("\n"), /keyVaultId: names the vault "other-keys", but keyUri is a key of "prod-keys"/);
        assert.match(problems("prod", cmk({ keyUri: "https://prod-keys.vault.azure.net/keys/pg", identityId: "pg-key" })).join("\n"), /identityId: "pg-key" is not an ARM id .*az identity show/);
        assert.match(problems("prod", cmk({ keyUri: "https://prod-keys.vault.azure.net/keys/pg", keyVaultId: vault, identityId: identity })).join("\n"), /keyVaultId: grants the identity the stack creates/);
        assert.match(problems("prod", cmk({})).join("\n"), /customerManagedKey\.keyUri: is required/);
    });

    test("with geo-redundant backup the geo key is required, in another vault, through another identity", () => {
        const geo = (key: Record<string, unknown>) => (c: Record<string, any>) => { c.server = { ...c.server, geoRedundantBackup: true, customerManagedKey: { keyUri: "https://prod-keys.vault.azure.net/keys/pg", identityId: identity, ...key } }; };
        assert.match(problems("prod", geo({})).join("\n"), /geoBackupKeyUri: is required with server.geoRedundantBackup/);
        assert.match(problems("prod", geo({ geoBackupKeyUri: "https://prod-keys.vault.azure.net/keys/geo", geoBackupIdentityId: identity.replace("pg-key", "geo") })).join("\n"), /same vault as keyUri/);
        assert.match(problems("prod", geo({ geoBackupKeyUri: "https://prod-geo.vault.azure.net/keys/geo", geoBackupIdentityId: identity })).join("\n"), /geoBackupIdentityId: is the primary key's identity/);
        assert.match(problems("prod", geo({ geoBackupKeyUri: "https://prod-geo.vault.azure.net/keys/geo" })).join("\n"), /geoBackupIdentityId: is required with geoBackupKeyUri/);
        assert.match(problems("prod", (c) => { c.server = { ...c.server, geoRedundantBackup: false, customerManagedKey: { keyUri: "https://prod-keys.vault.azure.net/keys/pg", geoBackupKeyUri: "https://prod-geo.vault.azure.net/keys/geo" } }; }).join("\n"), /geoBackupKeyUri: is only used with server.geoRedundantBackup: true/);
    });

    test("key URIs of each cloud, versioned and versionless, vaults and managed HSMs", () => {
        assert.deepEqual(parseKeyUri("https://Prod-Keys.vault.azure.net/keys/pg/0123456789abcdef0123456789abcdef", "public"), { vault: "prod-keys", key: "pg", version: "0123456789abcdef0123456789abcdef" });
        assert.equal(parseKeyUri("https://hsm1.managedhsm.usgovcloudapi.net/keys/pg", "usgov")?.vault, "hsm1");
        assert.equal(parseKeyUri("https://kv1.vault.azure.cn/keys/pg", "china")?.key, "pg");
        assert.equal(parseKeyUri("https://kv1.vault.azure.net/secrets/pg", "public"), undefined);
        assert.equal(parseKeyUri("http://kv1.vault.azure.net/keys/pg", "public"), undefined);
    });

    test("a restore: its source's id and point in time; refused with high availability and with a password administrator", () => {
        const restore = (value: Record<string, unknown>, server: Record<string, unknown> = { highAvailability: "Disabled" }) => (c: Record<string, any>) => { c.server = { ...c.server, ...server, restore: value }; };
        const ok = parse("prod", restore({ sourceServerId: source.replace("entra-postgres-prod", "old-prod"), pointInTime: "2026-05-01T09:30:00Z" })) as StackConfig;
        assert.deepEqual(ok.dataSafety?.restore, { sourceServerId: source.replace("entra-postgres-prod", "old-prod"), pointInTime: "2026-05-01T09:30:00Z" });
        assert.match(problems("prod", restore({ sourceServerId: source, pointInTime: "2026-05-01T09:30:00Z" })).join("\n"), /sourceServerId: is this stack's own server/);
        assert.match(problems("prod", restore({ sourceServerId: source.replace("entra-postgres-prod", "old-prod"), pointInTime: "2026-05-01 09:30" })).join("\n"), /pointInTime: "2026-05-01 09:30" is not an ISO 8601 date-time in UTC/);
        assert.match(problems("prod", restore({ sourceServerId: source.replace("entra-postgres-prod", "old-prod"), pointInTime: "2026-05-01T09:30:00Z" }, {})).join("\n"), /server.restore: is refused with server.highAvailability ZoneRedundant/);
        assert.match(problems("dev", restore({ sourceServerId: source, pointInTime: "2026-05-01T09:30:00Z" })).join("\n"), /server.restore: is refused with auth: mixed/);
        assert.match(problems("prod", restore({ pointInTime: "2026-05-01T09:30:00Z" })).join("\n"), /sourceServerId: is required/);
        // Unquoted in YAML it is a timestamp, which Pulumi hands over in Go's format: read back as written.
        const unquoted = parse("prod", restore({ sourceServerId: source.replace("entra-postgres-prod", "old-prod"), pointInTime: "2026-12-07 03:32:37.343 +0000 UTC" })) as StackConfig;
        assert.equal(unquoted.dataSafety?.restore?.pointInTime, "2026-12-07T03:32:37.343Z");
        assert.match(problems("prod", restore({ sourceServerId: source.replace("entra-postgres-prod", "old-prod"), pointInTime: "2026-12-07 03:32:37 +0100 CET" })).join("\n"), /not an ISO 8601 date-time in UTC/);
    });

    test("replicas: names, not on Burstable, not with a private endpoint, at most five; a virtual endpoint needs one", () => {
        const ok = parse("prod", (c) => { c.server = { ...c.server, replicas: ["prod-r1"], virtualEndpoint: "prod-ve" }; }) as StackConfig;
        assert.deepEqual(ok.dataSafety?.replicas, ["prod-r1"]);
        assert.match(problems("dev", (c) => { c.server = { ...c.server, replicas: ["dev-r1"] }; }).join("\n"), /server.replicas: are not offered on the Burstable tier/);
        assert.match(problems("prod", (c) => { c.server = { ...c.server, replicas: ["entra-postgres-prod"] }; }).join("\n"), /replicas\[0\]: "entra-postgres-prod" is already a server of this stack/);
        assert.match(problems("prod", (c) => { c.server = { ...c.server, replicas: ["Prod_R1"] }; }).join("\n"), /replicas\[0\]: "Prod_R1" must be 3–63 characters/);
        assert.match(problems("prod", (c) => { c.server = { ...c.server, replicas: ["a1a", "a2a", "a3a", "a4a", "a5a", "a6a"] }; }).join("\n"), /at most 5 read replicas/);
        assert.match(problems("prod", (c) => { c.network = { access: "private-endpoint" }; c.server = { ...c.server, replicas: ["prod-r1"] }; }).join("\n"), /not created with private-endpoint access/);
        assert.match(problems("prod", (c) => { c.server = { ...c.server, virtualEndpoint: "prod-ve" }; }).join("\n"), /virtualEndpoint: needs a read replica/);
    });
});
