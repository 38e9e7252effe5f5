import { TYPES } from "../../../policies/lib/types";
import { DEV, NAMES, PROD, SERVER_URN, U, buildStack, patch, propsOf } from "../fixtures";
import { res, urnOf, type CaseTable } from "../helpers";

const prod = buildStack(PROD);
const dev = buildStack(DEV);
const server = (props: Record<string, unknown>) => [res(TYPES.server, NAMES.server, props)];
const prodServer = propsOf(prod, NAMES.server);
const withServer = (change: (p: Record<string, any>) => void) => {
    const p = structuredClone(prodServer) as Record<string, any>;
    change(p);
    return server(p);
};
/**
 * A read replica as components/replicas.ts declares it: createMode Replica, the primary's id, no backup or HA
 * (Learn, "Read replicas": they can't be set up on a replica); `change` edits it.
 */
const replica = (change: (p: Record<string, any>) => void = () => undefined) => withServer((p) => {
    p.serverName = "pg-entra-prod-r1";
    p.createMode = "Replica";
    p.sourceServerResourceId = U;
    delete p.backup;
    delete p.highAvailability;
    change(p);
});
/** A server created from another that is no replica (a point-in-time restore), with `change` applied. */
const restore = (change: (p: Record<string, any>) => void) => withServer((p) => {
    p.createMode = "PointInTimeRestore";
    p.sourceServerResourceId = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-entra-prod";
    change(p);
});

export const serverCases: CaseTable = {
    "postgres-entra-only-auth": [
        { title: "Entra enabled, passwords disabled", resources: server(prodServer), expect: "pass" },
        { title: "mixed auth (dev)", resources: dev, expect: "fail", message: /authConfig\.passwordAuth is "Enabled".*"Disabled"/, count: 1 },
        { title: "no authConfig: Azure's defaults are password-only", resources: withServer((p) => delete p.authConfig), expect: "fail", count: 2, message: /not set \(Azure's default/ },
        { title: "case-insensitive values", resources: withServer((p) => (p.authConfig = { activeDirectoryAuth: "enabled", passwordAuth: "DISABLED" })), expect: "pass" },
        { title: "auth modes unknown at preview: no decision", resources: withServer((p) => (p.authConfig = { activeDirectoryAuth: U, passwordAuth: U })), expect: "pass" },
        { title: "other resource types are not applicable", resources: [res(TYPES.subnet, "s", {})], expect: "not-applicable" },
        { title: "a read replica with the primary's authentication", resources: replica(), expect: "pass" },
        { title: "a read replica's authentication is its own (Learn: adjustable on a replica): mixed fails", resources: replica((p) => (p.authConfig = { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" })), expect: "fail", count: 1, message: /passwordAuth is "Enabled"/ },
    ],
    "postgres-public-network-access-disabled": [
        { title: "private access", resources: server(prodServer), expect: "pass" },
        { title: "public access enabled (dev)", resources: dev, expect: "fail", message: /network\.publicNetworkAccess is "Enabled"/ },
        { title: "access not set, no delegated subnet: Azure makes it public", resources: withServer((p) => (p.network = {})), expect: "fail", message: /not set/ },
        { title: "access not set, delegated subnet unknown at preview: VNet-integrated", resources: withServer((p) => (p.network = { delegatedSubnetResourceId: U })), expect: "pass" },
        // trivy AVD-AZU-0022 reads azurerm's default (true) here and fails it; Azure gives a VNet-integrated server no public endpoint.
        { title: "access not set, a known delegated subnet", resources: withServer((p) => (p.network = { delegatedSubnetResourceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pg" })), expect: "pass" },
        { title: "access \"enabled\" in another case", resources: withServer((p) => (p.network = { publicNetworkAccess: "enabled" })), expect: "fail", message: /network\.publicNetworkAccess is "enabled"/ },
        { title: "access unknown at preview: no decision", resources: withServer((p) => (p.network = { publicNetworkAccess: U })), expect: "pass" },
    ],
    "postgres-private-connectivity": [
        { title: "delegated subnet through the network dependency", resources: prod, expect: "pass" },
        {
            title: "a private endpoint server that also names a private DNS zone (Azure Policy 5e1de0e3 fails it)",
            resources: [
                ...patch(dev, NAMES.server, (r) => (r.props.network = { publicNetworkAccess: "Disabled", privateDnsZoneArmResourceId: U })),
                res(TYPES.privateEndpoint, "pe", { subnet: { id: U }, privateLinkServiceConnections: [{ name: "pg", privateLinkServiceId: U, groupIds: ["postgresqlServer"] }] }, { deps: { privateLinkServiceConnections: [SERVER_URN] } }),
            ],
            expect: "fail", count: 1, urn: SERVER_URN, message: /sets network\.privateDnsZoneArmResourceId without a delegated subnet/,
        },
        { title: "public server without private endpoint", resources: dev, expect: "fail", urn: SERVER_URN, message: /neither a delegated subnet/ },
        {
            title: "delegated subnet without a private DNS zone",
            resources: patch(prod, NAMES.server, (r) => {
                r.props.network = { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: U };
                r.propertyDependencies = { ...r.propertyDependencies, network: [urnOf(TYPES.subnet, NAMES.serverSubnet)] };
            }),
            expect: "fail", urn: SERVER_URN, message: /without network\.privateDnsZoneArmResourceId/,
        },
        {
            title: "delegated subnet and a DNS zone id given as a string",
            resources: patch(prod, NAMES.server, (r) => {
                r.props.network = { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: U, privateDnsZoneArmResourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/pg.private.postgres.database.azure.com" };
                r.propertyDependencies = { ...r.propertyDependencies, network: [urnOf(TYPES.subnet, NAMES.serverSubnet)] };
            }),
            expect: "pass",
        },
        {
            title: "public server with a private endpoint to it",
            resources: [...dev, res(TYPES.privateEndpoint, "pe", {
                subnet: { id: U }, privateLinkServiceConnections: [{ name: "pg", privateLinkServiceId: U, groupIds: ["postgresqlServer"] }],
            }, { deps: { privateLinkServiceConnections: [SERVER_URN] } })],
            expect: "pass",
        },
        {
            title: "private endpoint found by server name in a known id",
            resources: [...dev, res(TYPES.privateEndpoint, "pe", {
                privateLinkServiceConnections: [{ privateLinkServiceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/PG-ENTRA-DEV" }],
            })],
            expect: "pass",
        },
        { title: "stack without a server", resources: [res(TYPES.subnet, "s", {})], expect: "not-applicable" },
    ],
    "postgres-geo-redundant-backup": [
        { title: "geo-redundant backup on", resources: server(prodServer), expect: "pass" },
        { title: "geo-redundant backup off (dev)", resources: dev, expect: "fail", message: /geoRedundantBackup is "Disabled"/ },
        { title: "backup not set: Azure's default is off", resources: withServer((p) => delete p.backup), expect: "fail", message: /not set/ },
        { title: "a read replica is exempt (createMode Replica)", resources: withServer((p) => { p.createMode = "Replica"; p.backup = { geoRedundantBackup: "Disabled" }; }), expect: "not-applicable" },
        { title: "a point-in-time restore is not a replica", resources: withServer((p) => { p.createMode = "PointInTimeRestore"; p.backup = { geoRedundantBackup: "Disabled" }; }), expect: "fail" },
        { title: "a replica as the program declares it (no backup settings) is exempt", resources: replica(), expect: "not-applicable" },
        { title: "createMode \"replica\" in another case is a replica", resources: replica((p) => (p.createMode = "replica")), expect: "not-applicable" },
        {
            title: "a replica that declares geo-redundant backup: Learn says backups can't be set up on a replica",
            resources: replica((p) => (p.backup = { geoRedundantBackup: "Enabled" })),
            expect: "fail", count: 1, message: /"Enabled" on a read replica, which takes no backups \(Microsoft Learn "Read replicas in Azure Database for PostgreSQL"/,
        },
    ],
    "postgres-backup-retention": [
        { title: "35 days against prod's 35", resources: server(prodServer), config: { minimumDays: 35 }, expect: "pass" },
        { title: "7 days against prod's 35", resources: dev, config: { minimumDays: 35 }, expect: "fail", message: /backupRetentionDays is 7: keep at least 35 days/ },
        { title: "7 days against the default minimum 7", resources: dev, expect: "pass" },
        { title: "not set: Azure keeps 7", resources: withServer((p) => (p.backup = {})), config: { minimumDays: 14 }, expect: "fail", message: /not set \(Azure's default 7\)/ },
        { title: "unknown at preview: no decision", resources: withServer((p) => (p.backup = { backupRetentionDays: U })), config: { minimumDays: 35 }, expect: "pass" },
        { title: "a read replica is exempt: no backups are taken from it (Learn)", resources: replica(), config: { minimumDays: 35 }, expect: "not-applicable" },
        { title: "a replica's declared retention keeps nothing: still exempt", resources: replica((p) => (p.backup = { backupRetentionDays: 7 })), config: { minimumDays: 35 }, expect: "not-applicable" },
        {
            title: "a point-in-time restore names a source server and is no replica: judged as a primary",
            resources: restore((p) => (p.backup = { backupRetentionDays: 7 })), config: { minimumDays: 35 },
            expect: "fail", message: /backupRetentionDays is 7: keep at least 35 days/,
        },
        { title: "a source server id without createMode Replica is no replica", resources: withServer((p) => { p.sourceServerResourceId = U; p.backup = {}; }), config: { minimumDays: 14 }, expect: "fail" },
    ],
    "postgres-zone-redundant-ha": [
        { title: "zone-redundant", resources: server(prodServer), expect: "pass" },
        { title: "Burstable without HA (dev)", resources: dev, expect: "fail", message: /highAvailability\.mode is "Disabled".*Burstable servers cannot/ },
        { title: "same-zone HA is not zone-redundant", resources: withServer((p) => (p.highAvailability = { mode: "SameZone" })), expect: "fail", message: /"SameZone"/ },
        {
            title: "zone-redundant on Burstable: Azure refuses it",
            resources: withServer((p) => (p.sku = { name: "Standard_B1ms", tier: "Burstable" })),
            expect: "fail", count: 1, message: /"ZoneRedundant" on a Burstable server/,
        },
        { title: "zone-redundant on MemoryOptimized", resources: withServer((p) => (p.sku = { name: "Standard_E2ds_v5", tier: "MemoryOptimized" })), expect: "pass" },
        { title: "a read replica without HA is exempt: HA can't be set up on a replica (Learn)", resources: replica(), expect: "not-applicable" },
        { title: "a replica declaring HA Disabled is exempt", resources: replica((p) => (p.highAvailability = { mode: "Disabled" })), expect: "not-applicable" },
        {
            title: "a replica declaring zone-redundant HA fails: Azure sets none up on a replica",
            resources: replica((p) => (p.highAvailability = { mode: "ZoneRedundant" })),
            expect: "fail", count: 1, message: /highAvailability\.mode is "ZoneRedundant" on a read replica .*remove it from the replica/,
        },
        { title: "a replica's HA unknown at preview: no decision", resources: replica((p) => (p.highAvailability = { mode: U })), expect: "not-applicable" },
        { title: "a point-in-time restore without HA is judged as a primary", resources: restore((p) => delete p.highAvailability), expect: "fail", message: /highAvailability\.mode is not set/ },
    ],
    "postgres-customer-managed-key": [
        { title: "Key Vault key", resources: withServer((p) => (p.dataEncryption = { type: "AzureKeyVault", primaryKeyURI: "https://kv.vault.azure.net/keys/pg/1", primaryUserAssignedIdentityId: U })), expect: "pass" },
        { title: "service-managed key by default", resources: server(prodServer), expect: "fail", message: /dataEncryption\.type is not set/ },
        { title: "Key Vault without a key URI", resources: withServer((p) => (p.dataEncryption = { type: "AzureKeyVault", primaryUserAssignedIdentityId: U })), expect: "fail", message: /primaryKeyURI is not set/ },
        { title: "Key Vault with a key URI unknown at preview", resources: withServer((p) => (p.dataEncryption = { type: "AzureKeyVault", primaryKeyURI: U, primaryUserAssignedIdentityId: U })), expect: "pass" },
        { title: "Key Vault with an empty key URI (Azure Policy 12c74c95 fails it)", resources: withServer((p) => (p.dataEncryption = { type: "AzureKeyVault", primaryKeyURI: "", primaryUserAssignedIdentityId: U })), expect: "fail", message: /primaryKeyURI is not set/ },
    ],
    "postgres-maintenance-window": [
        { title: "custom window (prod)", resources: server(prodServer), expect: "pass" },
        { title: "system-managed window (dev)", resources: dev, expect: "fail", message: /maintenanceWindow\.customWindow is "Disabled"/ },
        { title: "not set: Azure picks the time", resources: withServer((p) => delete p.maintenanceWindow), expect: "fail", message: /not set \(Azure's default "Disabled"\)/ },
        { title: "case-insensitive", resources: withServer((p) => (p.maintenanceWindow = { customWindow: "enabled", dayOfWeek: 3, startHour: 1, startMinute: 0 })), expect: "pass" },
        { title: "unknown at preview: no decision", resources: withServer((p) => (p.maintenanceWindow = { customWindow: U })), expect: "pass" },
        { title: "a read replica's schedule is its own (Learn: adjustable on a replica)", resources: replica(), expect: "pass" },
        { title: "a read replica with the system-managed window fails like any server", resources: replica((p) => (p.maintenanceWindow = { customWindow: "Disabled" })), expect: "fail", message: /customWindow is "Disabled"/ },
    ],
};
