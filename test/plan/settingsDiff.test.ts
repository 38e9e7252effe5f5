import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { settings } from "../../components/config/settings";
import { projectRoot } from "../../plan/engine/project";
import type { Plan, PlanDiff } from "../../plan/render";
import { PlanWorker } from "./plansInWorker";

/**
 * Every setting of the settings table (components/config/settings.ts), changed once against a shipped stack:
 * the `--base` diff names the setting and the resource input (or the resource added or removed) it changes.
 * A row without a change says why no resource input can follow from the key alone.
 */
type Config = Record<string, any>;
type Stack = "dev" | "prod" | "corp";

interface Row {
    key: string;
    stack?: Stack;
    /** The head's edit; `base` edits the base first (and the head, which starts from the same edit). */
    change?: (c: Config) => void;
    base?: (c: Config) => void;
    /** What the diff must show: a changed input (type suffix and input path), or a resource added or removed. */
    expect?: { changed: string; path: string | RegExp } | { added: string } | { removed: string };
    /** Why the row has no change. */
    skip?: string;
}

const section = "a section: each of its keys is a row of its own";
const guid = (n: number) => `${String(n).padStart(8, "0")}-1e1f-4a2b-8c3d-4e5f6a7b8c9d`;
const subnet = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/entra-postgres-corp-network/providers/Microsoft.Network/virtualNetworks/entra-postgres-corp-vnet/subnets/${name}`;
const keyVault = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/prod-keys";
const identity = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const sourceServer = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/old/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;
const cmk = (c: Config) => { c.server.customerManagedKey = { keyUri: "https://prod-keys.vault.azure.net/keys/pg", keyVaultId: keyVault, geoBackupKeyUri: "https://prod-geo.vault.azure.net/keys/pg", geoBackupIdentityId: identity("pg-geo") }; };
const entraOnly = (c: Config) => { c.auth = "entra-only"; delete c.administratorLogin; };
const restore = (c: Config) => { entraOnly(c); c.server.restore = { sourceServerId: sourceServer("old-pg"), pointInTime: "2026-05-01T09:30:00Z" }; };

export const rows: Row[] = [
    { key: "location", change: (c) => { c.location = "northeurope"; }, expect: { changed: "dbforpostgresql:Server", path: "location" } },
    { key: "resourceGroupName", change: (c) => { c.resourceGroupName = "platform-data"; }, expect: { removed: "resources:ResourceGroup" } },
    { key: "auth", change: entraOnly, expect: { changed: "dbforpostgresql:Server", path: "authConfig.passwordAuth" } },
    { key: "administratorLogin", change: (c) => { c.administratorLogin = "pgadmin"; }, expect: { changed: "dbforpostgresql:Server", path: "administratorLogin" } },
    { key: "tenantId", change: (c) => { c.tenantId = guid(1); }, expect: { changed: "dbforpostgresql:Server", path: "authConfig.tenantId" } },
    { key: "cloud", change: (c) => { c.cloud = "usgov"; c.location = "usgovvirginia"; }, expect: { removed: "pulumi:providers:postgresql" } },
    { key: "admins", change: (c) => { c.admins.push({ name: "dev-ops", objectId: guid(2), type: "Group" }); }, expect: { added: "AdministratorsMicrosoftEntra" } },
    { key: "deployer", change: (c) => { c.deployer = "Dev DB Admins"; }, expect: { changed: "pulumi:providers:postgresql", path: "username" } },
    { key: "network", skip: section },
    { key: "server", skip: section },
    { key: "vm", skip: section },
    { key: "principals", change: (c) => { c.principals.push({ name: "reporting", type: "group", objectId: guid(3), access: [{ database: "app", level: "read" }] }); }, expect: { added: "EntraRole" } },
    { key: "databases", change: (c) => { c.databases.push("reports"); }, expect: { added: "dbforpostgresql:Database" } },
    { key: "protect", change: (c) => { c.protect = true; }, expect: { changed: "dbforpostgresql:Server", path: "protect (resource option)" } },
    { key: "diagnostics", skip: section },
    { key: "tags", change: (c) => { c.tags = { owner: "platform-team" }; }, expect: { changed: "dbforpostgresql:Server", path: "tags.owner" } },
    { key: "admins[].name", change: (c) => { c.admins[1].name = "Dev DB Owners"; }, expect: { added: "AdministratorsMicrosoftEntra" } },
    { key: "admins[].objectId", change: (c) => { c.admins[1].objectId = guid(4); }, expect: { changed: "AdministratorsMicrosoftEntra", path: "objectId" } },
    { key: "admins[].type", change: (c) => { c.admins[1].type = "ServicePrincipal"; }, expect: { changed: "AdministratorsMicrosoftEntra", path: "principalType" } },
    { key: "principals[].name", change: (c) => { c.principals[0].name = "app-devs"; }, expect: { added: "EntraRole" } },
    { key: "principals[].objectId", change: (c) => { c.principals[0].objectId = guid(5); }, expect: { changed: "EntraRole", path: "objectId" } },
    { key: "principals[].type", change: (c) => { c.principals[0].type = "user"; }, expect: { changed: "EntraRole", path: "principalType" } },
    { key: "principals[].access", skip: section },
    { key: "network.access", change: (c) => { c.network = { access: "private" }; }, expect: { changed: "dbforpostgresql:Server", path: "network.publicNetworkAccess" } },
    { key: "network.addressSpace", change: (c) => { c.network.addressSpace = "10.30.0.0/16"; c.network.vmSubnet = "10.30.2.0/24"; c.network.serverSubnet = "10.30.1.0/24"; }, expect: { changed: "network:VirtualNetwork", path: "addressSpace.addressPrefixes" } },
    { key: "network.serverSubnet", stack: "prod", change: (c) => { c.network.serverSubnet = "10.40.4.0/24"; }, expect: { changed: "network:Subnet", path: "addressPrefix" } },
    { key: "network.vmSubnet", change: (c) => { c.network.vmSubnet = "10.20.5.0/24"; }, expect: { changed: "network:Subnet", path: "addressPrefix" } },
    { key: "network.allowedIps", change: (c) => { c.network.allowedIps.push("198.51.100.7"); }, expect: { added: "FirewallRule" } },
    { key: "network.allowAzureServices", change: (c) => { c.network.allowAzureServices = true; }, expect: { added: "FirewallRule" } },
    { key: "network.routeTable", stack: "prod", change: (c) => { c.network.routeTable = false; }, expect: { removed: "network:RouteTable" } },
    { key: "network.natGateway", change: (c) => { c.network.natGateway = false; }, expect: { removed: "network:NatGateway" } },
    { key: "network.endpointSubnet", base: (c) => { c.network = { access: "private-endpoint" }; }, change: (c) => { c.network.endpointSubnet = "10.20.6.0/24"; }, expect: { changed: "network:Subnet", path: "addressPrefix" } },
    { key: "network.existing", skip: section },
    { key: "network.existing.serverSubnetId", stack: "corp", base: (c) => { c.network.access = "private"; c.network.existing = { serverSubnetId: subnet("servers"), vmSubnetId: c.network.existing.vmSubnetId, privateDnsZoneId: c.network.existing.privateDnsZoneId.replace("privatelink.postgres", "corp.private.postgres") }; }, change: (c) => { c.network.existing.serverSubnetId = subnet("servers2"); }, expect: { changed: "dbforpostgresql:Server", path: "network.delegatedSubnetResourceId" } },
    { key: "network.existing.vmSubnetId", stack: "corp", change: (c) => { c.network.existing.vmSubnetId = subnet("clients2"); }, expect: { changed: "network:NetworkInterface", path: /subnet\.id$/ } },
    { key: "network.existing.privateDnsZoneId", stack: "corp", change: (c) => { c.network.existing.privateDnsZoneId = c.network.existing.privateDnsZoneId.replace("entra-postgres-corp-network", "dns"); }, expect: { changed: "PrivateDnsZoneGroup", path: /privateDnsZoneId$/ } },
    { key: "network.existing.endpointSubnetId", stack: "corp", change: (c) => { c.network.existing.endpointSubnetId = subnet("endpoints2"); }, expect: { changed: "network:PrivateEndpoint", path: "subnet.id" } },
    { key: "network.dnsZoneLinks", stack: "corp", change: (c) => { c.network.dnsZoneLinks.push(c.network.dnsZoneLinks[0].replace("hub-vnet", "spoke-vnet")); }, expect: { added: "VirtualNetworkLink" } },
    { key: "server.name", change: (c) => { c.server.name = "entra-postgres-dev2"; }, expect: { changed: "dbforpostgresql:Server", path: "serverName" } },
    { key: "server.version", change: (c) => { c.server.version = "18"; }, expect: { changed: "dbforpostgresql:Server", path: "version" } },
    { key: "server.sku", change: (c) => { c.server.sku = "Standard_B2s"; }, expect: { changed: "dbforpostgresql:Server", path: "sku.name" } },
    { key: "server.tier", change: (c) => { c.server.tier = "GeneralPurpose"; c.server.sku = "Standard_D2ds_v5"; }, expect: { changed: "dbforpostgresql:Server", path: "sku.tier" } },
    { key: "server.storageGb", change: (c) => { c.server.storageGb = 64; }, expect: { changed: "dbforpostgresql:Server", path: "storage.storageSizeGB" } },
    { key: "server.highAvailability", stack: "prod", change: (c) => { c.server.highAvailability = "Disabled"; }, expect: { changed: "dbforpostgresql:Server", path: "highAvailability.mode" } },
    { key: "server.availabilityZone", change: (c) => { c.server.availabilityZone = "2"; }, expect: { changed: "dbforpostgresql:Server", path: "availabilityZone" } },
    { key: "server.backupRetentionDays", change: (c) => { c.server.backupRetentionDays = 14; }, expect: { changed: "dbforpostgresql:Server", path: "backup.backupRetentionDays" } },
    { key: "server.geoRedundantBackup", change: (c) => { c.server.geoRedundantBackup = true; }, expect: { changed: "dbforpostgresql:Server", path: "backup.geoRedundantBackup" } },
    { key: "server.maintenanceWindow", change: (c) => { c.server.maintenanceWindow = { dayOfWeek: 0, startHour: 2, startMinute: 0 }; }, expect: { changed: "dbforpostgresql:Server", path: "maintenanceWindow.customWindow" } },
    { key: "server.parameters", change: (c) => { c.server.parameters = { max_connections: "157" }; }, expect: { added: "dbforpostgresql:Configuration" } },
    { key: "server.restartForStaticParameters", base: (c) => { c.server.parameters = { max_connections: "157" }; }, change: (c) => { c.server.restartForStaticParameters = "operator"; }, expect: { removed: "ServerRestart" } },
    { key: "vm.enabled", change: (c) => { c.vm = { enabled: false }; }, expect: { removed: "compute:VirtualMachine" } },
    { key: "vm.name", change: (c) => { c.vm.name = "dev-pg-client-2"; }, expect: { changed: "compute:VirtualMachine", path: "vmName" } },
    { key: "vm.size", change: (c) => { c.vm.size = "Standard_B2ms"; }, expect: { changed: "compute:VirtualMachine", path: "hardwareProfile.vmSize" } },
    { key: "vm.adminUsername", change: (c) => { c.vm.adminUsername = "operator"; }, expect: { changed: "compute:VirtualMachine", path: "osProfile.adminUsername" } },
    { key: "vm.sshPublicKey", change: (c) => { c.vm.sshPublicKey = c.vm.sshPublicKey.replace("dev@example", "ops@example"); }, expect: { changed: "compute:VirtualMachine", path: /publicKeys\[0\]\.keyData$/ } },
    { key: "vm.publicIp", change: (c) => { c.vm.publicIp = true; }, expect: { added: "network:PublicIPAddress" } },
    { key: "vm.encryptionAtHost", change: (c) => { c.vm.encryptionAtHost = true; }, expect: { changed: "compute:VirtualMachine", path: "securityProfile.encryptionAtHost" } },
    { key: "vm.allowExtensions", change: (c) => { c.vm.allowExtensions = true; }, expect: { changed: "compute:VirtualMachine", path: "osProfile.allowExtensionOperations" } },
    { key: "vm.access", change: (c) => { c.vm.access[0].level = "read"; }, expect: { changed: "grant:Grant", path: "privileges" } },
    { key: "diagnostics.enabled", change: (c) => { c.diagnostics.enabled = true; }, expect: { added: "monitor:DiagnosticSetting" } },
    { key: "diagnostics.retentionDays", stack: "prod", change: (c) => { c.diagnostics.retentionDays = 60; }, expect: { changed: "operationalinsights:Workspace", path: "retentionInDays" } },
    { key: "server.maintenanceWindow.dayOfWeek", stack: "corp", change: (c) => { c.server.maintenanceWindow.dayOfWeek = 3; }, expect: { changed: "dbforpostgresql:Server", path: "maintenanceWindow.dayOfWeek" } },
    { key: "server.maintenanceWindow.startHour", stack: "corp", change: (c) => { c.server.maintenanceWindow.startHour = 4; }, expect: { changed: "dbforpostgresql:Server", path: "maintenanceWindow.startHour" } },
    { key: "server.maintenanceWindow.startMinute", stack: "corp", change: (c) => { c.server.maintenanceWindow.startMinute = 30; }, expect: { changed: "dbforpostgresql:Server", path: "maintenanceWindow.startMinute" } },
    { key: "principals[].access[].database", base: (c) => { c.databases.push("reports"); }, change: (c) => { c.principals[0].access[0].database = "reports"; }, expect: { added: "Grant" } },
    { key: "principals[].access[].level", change: (c) => { c.principals[0].access[0].level = "read"; }, expect: { changed: "grant:Grant", path: "privileges" } },
    { key: "lock", skip: section },
    { key: "lock.server", stack: "prod", change: (c) => { c.lock = { server: false }; }, expect: { removed: "ManagementLockByScope" } },
    { key: "lock.resourceGroup", stack: "prod", change: (c) => { c.lock = { resourceGroup: true }; }, expect: { added: "ManagementLockByScope" } },
    { key: "server.threatProtection", change: (c) => { c.server.threatProtection = true; }, expect: { added: "AdvancedThreatProtection" } },
    { key: "server.customerManagedKey", stack: "prod", change: cmk, expect: { changed: "dbforpostgresql:Server", path: "dataEncryption.type" } },
    { key: "server.customerManagedKey.keyUri", stack: "prod", base: cmk, change: (c) => { c.server.customerManagedKey.keyUri = "https://prod-keys.vault.azure.net/keys/pg2"; }, expect: { changed: "dbforpostgresql:Server", path: "dataEncryption.primaryKeyURI" } },
    { key: "server.customerManagedKey.keyVaultId", stack: "prod", base: cmk, change: (c) => { c.server.customerManagedKey.keyVaultId = keyVault.replace("prod-keys", "prod-keys2"); c.server.customerManagedKey.keyUri = "https://prod-keys2.vault.azure.net/keys/pg"; }, expect: { changed: "authorization:RoleAssignment", path: "scope" } },
    { key: "server.customerManagedKey.identityId", stack: "prod", base: cmk, change: (c) => { c.server.customerManagedKey.identityId = identity("pg-key"); delete c.server.customerManagedKey.keyVaultId; }, expect: { removed: "managedidentity:UserAssignedIdentity" } },
    { key: "server.customerManagedKey.geoBackupKeyUri", stack: "prod", base: cmk, change: (c) => { c.server.customerManagedKey.geoBackupKeyUri = "https://prod-geo.vault.azure.net/keys/pg2"; }, expect: { changed: "dbforpostgresql:Server", path: "dataEncryption.geoBackupKeyURI" } },
    { key: "server.customerManagedKey.geoBackupIdentityId", stack: "prod", base: cmk, change: (c) => { c.server.customerManagedKey.geoBackupIdentityId = identity("pg-geo2"); }, expect: { changed: "dbforpostgresql:Server", path: /^(dataEncryption\.geoBackupUserAssignedIdentityId|identity\.userAssignedIdentities)/ } },
    { key: "server.restore", change: restore, expect: { changed: "dbforpostgresql:Server", path: "createMode" } },
    { key: "server.restore.sourceServerId", base: restore, change: (c) => { c.server.restore.sourceServerId = sourceServer("older-pg"); }, expect: { changed: "dbforpostgresql:Server", path: "sourceServerResourceId" } },
    { key: "server.restore.pointInTime", base: restore, change: (c) => { c.server.restore.pointInTime = "2026-05-02T09:30:00Z"; }, expect: { changed: "dbforpostgresql:Server", path: "pointInTimeUTC" } },
    { key: "server.replicas", stack: "prod", change: (c) => { c.server.replicas = ["entra-postgres-prod-r1"]; }, expect: { added: "dbforpostgresql:Server" } },
    { key: "server.virtualEndpoint", stack: "prod", base: (c) => { c.server.replicas = ["entra-postgres-prod-r1"]; }, change: (c) => { c.server.virtualEndpoint = "entra-postgres-prod-ve"; }, expect: { added: "VirtualEndpoint" } },
];

function document(stack: Stack, ...edits: (((c: Config) => void) | undefined)[]) {
    const doc = parseYaml(fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const short: Config = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^entra-postgres:/, ""), v]));
    for (const edit of edits) edit?.(short);
    return { config: Object.fromEntries(Object.entries(short).map(([k, v]) => [`entra-postgres:${k}`, v])) };
}

/** The settings the diff lists for a table key: `server.maintenanceWindow.dayOfWeek`, `admins[1].name`. */
function names(diff: PlanDiff, key: string): boolean {
    const pattern = new RegExp(`^entra-postgres:${key.replace(/[.]/g, "\\.").replace(/\[\]/g, "\\[\\d+\\]")}($|[.[])`);
    return diff.settings.some((s) => pattern.test(s.key));
}

function shows(diff: PlanDiff, expect: NonNullable<Row["expect"]>): boolean {
    if ("added" in expect) return diff.added.some((r) => r.type.endsWith(expect.added));
    if ("removed" in expect) return diff.removed.some((r) => r.type.endsWith(expect.removed));
    const matches = (at: string) => (typeof expect.path === "string" ? at === expect.path : expect.path.test(at));
    return diff.changed.some((c) => c.type.endsWith(expect.changed) && c.inputs.some((i) => matches(i.path)));
}

describe("the --base diff names every setting of the settings table", () => {
    const shipped = new Map<string, Plan>();
    // The plans are made in a worker thread: a third faster than in the test's own (plansInWorker.ts).
    const worker = new PlanWorker();
    after(() => worker.close());
    before(async () => {
        for (const stack of ["dev", "prod", "corp"] as const) {
            shipped.set(stack, await worker.plan({ stack, policies: false }));
        }
    });

    test("every key of the table has one row; a section's keys each have a row of their own", () => {
        assert.deepEqual(rows.map((r) => r.key).sort(), settings.map((s) => s.key).sort());
        for (const row of rows.filter((r) => r.skip === section)) {
            const members = rows.filter((r) => r.key.startsWith(`${row.key}.`) || r.key.startsWith(`${row.key}[]`));
            assert.ok(members.length > 0 && members.every((r) => r.expect !== undefined || r.skip === section), `${row.key}: its keys are rows that change something`);
        }
    });

    for (const row of rows.filter((r) => r.expect !== undefined)) {
        test(row.key, async () => {
            const stack = row.stack ?? "dev";
            const base = row.base ? await worker.plan({ stack, document: document(stack, row.base), policies: false }) : shipped.get(stack)!;
            let plan: Plan;
            try {
                plan = await worker.plan({ stack, document: document(stack, row.base, row.change), base, policies: false });
            } catch (err) {
                assert.fail(`${row.key}: the changed stack does not plan: ${err instanceof Error ? err.message : String(err)}`);
            }
            const diff = plan.diff!;
            const summary = JSON.stringify({ settings: diff.settings, added: diff.added, removed: diff.removed, changed: diff.changed.map((c) => [c.type, c.inputs.map((i) => i.path)]) });
            assert.ok(names(diff, row.key), `the diff names ${row.key}: ${summary}`);
            assert.ok(shows(diff, row.expect!), `the diff shows ${JSON.stringify(row.expect)}: ${summary}`);
        });
    }
});
