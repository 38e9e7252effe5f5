import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { byName, dependsOnTransitively, ofType, one, runStack, type ProgramRun } from "../../testing/program";

const vault = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/prod-keys";
const geoIdentity = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pg-geo";
const LOCK = "azure-native:authorization:ManagementLockByScope";
const SERVER = "azure-native:dbforpostgresql:Server";

describe("data safety in the program", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runStack("prod", (c: Record<string, any>) => {
            c.lock = { server: true, resourceGroup: true };
            c.server = {
                ...c.server,
                threatProtection: true,
                customerManagedKey: { keyUri: "https://prod-keys.vault.azure.net/keys/pg", keyVaultId: vault, geoBackupKeyUri: "https://prod-geo.vault.azure.net/keys/pg", geoBackupIdentityId: geoIdentity },
                replicas: ["prod-r1", "prod-r2"],
                virtualEndpoint: "prod-ve",
            };
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    test("the server lock waits for everything on the server, so it is created last and deleted first", () => {
        const lock = byName(run.resources, "prod-lock");
        assert.deepEqual(lock.props.level, "CanNotDelete");
        assert.match(String(lock.props.notes), /pulumi config set entra-postgres:lock\.server false/);
        const onServer = run.resources.filter((r) => r.custom && r.type.startsWith("azure-native:dbforpostgresql:") && r.type !== SERVER);
        const extensions = run.resources.filter((r) => ["azure-native:monitor:DiagnosticSetting", "azure-native:security:AdvancedThreatProtection"].includes(r.type));
        assert.ok(onServer.length > 5 && extensions.length >= 2);
        // Each replica is a server of its own (with its own lock and Defender setting), not under the primary's scope.
        const own = (r: { name: string }) => !r.name.startsWith("prod-replica-prod-r");
        for (const other of [...onServer, ...extensions, ...ofType(run.resources, "pulumi-nodejs:dynamic/entra-postgres:EntraRole")].filter(own)) {
            assert.ok(dependsOnTransitively(run.resources, lock, other), `the lock waits for ${other.name}`);
        }
    });

    test("the resource group lock waits for every other resource of the stack", () => {
        const lock = byName(run.resources, "prod-rg-lock");
        for (const other of run.resources.filter((r) => r.custom && r.type !== "pulumi:providers:postgresql" && r.urn !== lock.urn && !r.type.startsWith("pulumi:providers:"))) {
            assert.ok(dependsOnTransitively(run.resources, lock, other), `the resource group lock waits for ${other.type} ${other.name}`);
        }
    });

    test("the customer-managed key: a new identity granted on the vault; the server waits for the grant and sends both identities", () => {
        const identity = one(run.resources, "azure-native:managedidentity:UserAssignedIdentity");
        const grant = one(run.resources, "azure-native:authorization:RoleAssignment");
        assert.equal(grant.props.scope, vault);
        assert.match(String(grant.props.roleDefinitionId), /\/subscriptions\/00000000-0000-0000-0000-000000000000\/providers\/Microsoft\.Authorization\/roleDefinitions\/e147488a-f6f5-4113-8e2d-b22465e65bf6$/);
        assert.ok(dependsOnTransitively(run.resources, grant, identity), "the grant is of the identity's principal");
        const server = byName(run.resources, "prod-pg-server");
        assert.ok(server.dependencies.includes(grant.urn), "the server is created once the identity may use the key");
        const encryption = server.props.dataEncryption as Record<string, unknown>;
        assert.equal(encryption.type, "AzureKeyVault");
        assert.equal(encryption.geoBackupUserAssignedIdentityId, geoIdentity);
        const identities = Object.keys((server.props.identity as { userAssignedIdentities: object }).userAssignedIdentities);
        assert.equal(identities.length, 2);
        assert.ok(identities.includes(geoIdentity));
    });

    test("replicas come after every write on the primary, one after the other; the virtual endpoint after them", () => {
        const [r1, r2] = ["prod-replica-prod-r1", "prod-replica-prod-r2"].map((n) => byName(run.resources, n));
        for (const replica of [r1, r2]) {
            assert.equal(replica.props.createMode, "Replica");
            assert.deepEqual(replica.propertyDependencies.sourceServerResourceId, [byName(run.resources, "prod-pg-server").urn]);
            assert.equal(replica.props.highAvailability, undefined, "no HA on a replica");
            assert.equal(replica.props.backup, undefined, "no backups of its own");
            assert.equal((replica.props.dataEncryption as { type?: string }).type, "AzureKeyVault");
            for (const write of ofType(run.resources, "azure-native:dbforpostgresql:Database")) {
                assert.ok(dependsOnTransitively(run.resources, replica, write), `${replica.name} waits for ${write.name}`);
            }
        }
        assert.ok(dependsOnTransitively(run.resources, r2, r1));
        const endpoint = one(run.resources, "azure-native:dbforpostgresql:VirtualEndpoint");
        assert.deepEqual(endpoint.props.members, ["prod-r1"]);
        assert.equal(endpoint.props.serverName, "entra-postgres-prod");
        assert.ok(dependsOnTransitively(run.resources, endpoint, r2));
        assert.equal(ofType(run.resources, LOCK).length, 4, "the server, each replica and the resource group");
        assert.deepEqual(run.outputs.replicaFqdns, ["prod-r1.postgres.database.azure.com", "prod-r2.postgres.database.azure.com"]);
        // What Learn lists as adjustable on a replica is set as on the primary.
        const primaryParameters = ofType(run.resources, "azure-native:dbforpostgresql:Configuration").filter((c) => c.props.serverName === "entra-postgres-prod");
        const replicaParameters = ofType(run.resources, "azure-native:dbforpostgresql:Configuration").filter((c) => c.props.serverName === "prod-r1");
        assert.deepEqual(replicaParameters.map((c) => [c.props.configurationName, c.props.value]), primaryParameters.map((c) => [c.props.configurationName, c.props.value]));
        assert.deepEqual((r1.props.authConfig as Record<string, unknown>).passwordAuth, "Disabled");
        assert.equal((r1.props.maintenanceWindow as Record<string, unknown>).customWindow, "Enabled");
    });

    test("a restore sends its create mode, source and point in time; no key, no lock, no replica when not asked for", async () => {
        const restored = await runStack("prod", (c: Record<string, any>) => {
            c.protect = false;
            c.server = { ...c.server, highAvailability: "Disabled", restore: { sourceServerId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/old/providers/Microsoft.DBforPostgreSQL/flexibleServers/old-prod", pointInTime: "2026-05-01T09:30:00Z" } };
        });
        assert.equal(restored.error, undefined, String(restored.error));
        const server = byName(restored.resources, "prod-pg-server");
        assert.equal(server.props.createMode, "PointInTimeRestore");
        assert.equal(server.props.pointInTimeUTC, "2026-05-01T09:30:00Z");
        assert.match(String(server.props.sourceServerResourceId), /flexibleServers\/old-prod$/);
        for (const type of [LOCK, "azure-native:managedidentity:UserAssignedIdentity", "azure-native:security:AdvancedThreatProtection", "azure-native:dbforpostgresql:VirtualEndpoint"]) {
            assert.equal(ofType(restored.resources, type).length, 0, type);
        }
        assert.equal(ofType(restored.resources, SERVER).length, 1);
    });
});
