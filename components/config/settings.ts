/** The config namespace: keys are set with `pulumi config set entra-postgres:<key>`. */
export const namespace = "entra-postgres";

/** Known keys at every level; anything else is refused with the nearest known key. */
export const knownKeys = {
    top: [
        "location", "resourceGroupName", "auth", "administratorLogin", "tenantId", "cloud", "admins", "deployer",
        "network", "server", "vm", "principals", "databases", "protect", "diagnostics", "tags",
    ],
    admin: ["name", "objectId", "type"],
    principal: ["name", "objectId", "type", "access"],
    access: ["database", "level"],
    network: [
        "access", "addressSpace", "serverSubnet", "vmSubnet", "endpointSubnet", "allowedIps", "allowAzureServices", "routeTable",
        "natGateway", "existing", "dnsZoneLinks",
    ],
    existingNetwork: ["serverSubnetId", "vmSubnetId", "privateDnsZoneId", "endpointSubnetId"],
    server: [
        "name", "version", "sku", "tier", "storageGb", "highAvailability", "availabilityZone", "backupRetentionDays",
        "geoRedundantBackup", "maintenanceWindow", "parameters",
    ],
    maintenanceWindow: ["dayOfWeek", "startHour", "startMinute"],
    vm: ["enabled", "name", "size", "adminUsername", "sshPublicKey", "publicIp", "encryptionAtHost", "access"],
    diagnostics: ["enabled", "retentionDays"],
} as const;

/** Defaults of the scalar settings; `Pulumi.yaml` declares the same values (a test keeps them equal). */
export const defaults = {
    auth: "entra-only",
    cloud: "public",
    protect: false,
    network: {
        access: "private",
        addressSpace: "10.20.0.0/16",
        serverSubnet: "10.20.1.0/24",
        vmSubnet: "10.20.2.0/24",
        endpointSubnet: "10.20.3.0/24",
        allowAzureServices: false,
        routeTable: false,
        natGateway: true,
    },
    server: {
        version: "17",
        sku: "Standard_D2ds_v5",
        tier: "GeneralPurpose",
        storageGb: 128,
        highAvailability: "Disabled",
        backupRetentionDays: 7,
        geoRedundantBackup: false,
    },
    vm: {
        enabled: true,
        size: "Standard_B2s",
        adminUsername: "azureuser",
        publicIp: false,
        encryptionAtHost: true,
    },
    diagnostics: { enabled: true, retentionDays: 30 },
} as const;
