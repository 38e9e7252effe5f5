/**
 * The stack variants the contract check records: every resource type the program can declare appears in at
 * least one of them (both auth modes, private and public access, each HA mode, each cloud, diagnostics and
 * the VM on and off, the route table, NAT gateway and VM public IP, every admin principal type, private endpoints
 * in a stack-created and in an existing network, an existing network for VNet integration, extra DNS zone links).
 */
export interface Variant {
    name: string;
    stack: "dev" | "prod" | "corp";
    change: (config: Record<string, any>) => void;
}

export const variants: readonly Variant[] = [
    { name: "dev as shipped (mixed, public, Burstable, User and Group admins)", stack: "dev", change: () => undefined },
    { name: "prod as shipped (entra-only, private, route table, zone-redundant HA, pinned zone)", stack: "prod", change: () => undefined },
    {
        name: "prod with same-zone HA, no pinned zone, PostgreSQL 18, usgov cloud",
        stack: "prod",
        change: (c) => {
            c.server = { ...c.server, highAvailability: "SameZone", availabilityZone: undefined, version: "18" };
            c.cloud = "usgov";
            c.location = "usgovvirginia";
        },
    },
    {
        name: "prod without HA, china cloud, no diagnostics, no route table, no NAT gateway",
        stack: "prod",
        change: (c) => {
            c.server = { ...c.server, highAvailability: "Disabled" };
            c.cloud = "china";
            c.location = "chinanorth3";
            c.diagnostics = { enabled: false };
            c.network = { ...c.network, routeTable: false, natGateway: false };
        },
    },
    {
        name: "dev with the VM off, Azure services allowed, a custom maintenance window, a User ServicePrincipal admin",
        stack: "dev",
        change: (c) => {
            c.vm = { ...c.vm, enabled: false };
            c.network = { ...c.network, allowAzureServices: true };
            c.server = { ...c.server, maintenanceWindow: { dayOfWeek: 6, startHour: 23, startMinute: 30 } };
            c.admins = [...c.admins, { name: "ci-deployer", objectId: "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", type: "ServicePrincipal" }];
        },
    },
    {
        name: "dev with a public IP on the VM and an address range",
        stack: "dev",
        change: (c) => {
            c.vm = { ...c.vm, publicIp: true, encryptionAtHost: false };
            c.network = { ...c.network, allowedIps: ["203.0.113.10", "198.51.100.0/28"] };
        },
    },
    { name: "corp as shipped (private endpoint in an existing network, a DNS zone link to the hub)", stack: "corp", change: () => undefined },
    {
        name: "prod with a private endpoint in a stack-created network, usgov cloud, a DNS zone link",
        stack: "prod",
        change: (c) => {
            c.network = { access: "private-endpoint", addressSpace: "10.40.0.0/16", vmSubnet: "10.40.2.0/24", endpointSubnet: "10.40.3.0/24", dnsZoneLinks: [hubVnet] };
            c.cloud = "usgov";
            c.location = "usgovvirginia";
        },
    },
    {
        name: "prod in an existing network with VNet integration and a DNS zone link",
        stack: "prod",
        change: (c) => {
            c.network = {
                access: "private",
                existing: {
                    serverSubnetId: `${spokeVnet}/subnets/postgres`,
                    vmSubnetId: `${spokeVnet}/subnets/clients`,
                    privateDnsZoneId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spoke-network/providers/Microsoft.Network/privateDnsZones/prod.private.postgres.database.azure.com",
                },
                dnsZoneLinks: [hubVnet],
            };
        },
    },
];

/** VNets of a hub-and-spoke network that already exists (placeholder subscription). */
const hubVnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hub-network/providers/Microsoft.Network/virtualNetworks/hub-vnet";
const spokeVnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spoke-network/providers/Microsoft.Network/virtualNetworks/spoke-vnet";

/** A Key Vault of the placeholder subscription, for the customer-managed key variants. */
const vault = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/prod-keys";
const identity = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

/** Data safety: locks, Defender, a customer-managed key (new and existing identity), replicas, a restore. */
export const dataSafetyVariants: readonly Variant[] = [
    {
        name: "prod with both locks, Defender, a customer-managed key granted on its vault (geo backup key too), two replicas and a virtual endpoint",
        stack: "prod",
        change: (c) => {
            c.lock = { server: true, resourceGroup: true };
            c.server = {
                ...c.server,
                threatProtection: true,
                customerManagedKey: {
                    keyUri: "https://prod-keys.vault.azure.net/keys/pg",
                    keyVaultId: vault,
                    geoBackupKeyUri: "https://prod-keys-geo.vault.azure.net/keys/pg",
                    geoBackupIdentityId: identity("pg-geo-backup"),
                },
                replicas: ["entra-postgres-prod-r1", "entra-postgres-prod-r2"],
                virtualEndpoint: "entra-postgres-prod-ve",
            };
        },
    },
    {
        name: "dev restored from another server at a point in time, entra-only, with an existing identity's key",
        stack: "dev",
        change: (c) => {
            c.auth = "entra-only";
            delete c.administratorLogin;
            c.server = {
                ...c.server,
                restore: { sourceServerId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/entra-postgres-prod", pointInTime: "2026-05-01T09:30:00Z" },
                customerManagedKey: { keyUri: "https://dev-keys.vault.azure.net/keys/pg/0123456789abcdef0123456789abcdef", identityId: identity("dev-pg-key") },
            };
        },
    },
];
