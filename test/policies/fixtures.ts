/**
 * Recorded stacks shaped like what the program registers (see the resource shapes it documents): ids of
 * resources not created yet are `undefined` with their keys kept, and relations are in
 * `propertyDependencies`, exactly as at preview.
 */
import type { RecordedResource } from "../../plan/analyzer";
import { TYPES } from "../../policies/lib/types";
import { res, urnOf } from "./helpers";

/** An id not known at preview. */
export const U = undefined;

export interface AdminSpec {
    name: string;
    type: "user" | "group" | "servicePrincipal";
    objectId: string;
}

export interface StackSpec {
    access: "private" | "public";
    routeTable: boolean;
    auth: "entra-only" | "mixed";
    admins: AdminSpec[];
    version: string;
    tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
    sku: string;
    highAvailability: "ZoneRedundant" | "SameZone" | "Disabled";
    geoRedundantBackup: boolean;
    backupRetentionDays: number;
    parameters: Record<string, string>;
    /** Public access only. */
    firewall: { name: string; start: string; end: string }[];
    diagnostics: boolean;
    vm: boolean;
    encryptionAtHost: boolean;
    /** A role for the VM's identity. */
    vmRole: boolean;
    serverName: string;
    /** sslmode of the grants provider and the VM's login command. */
    sslmode: string;
    /** A customer-controlled maintenance window. */
    maintenanceWindow: boolean;
}

/** The program's secure server parameters. */
export const SECURE_PARAMETERS: Readonly<Record<string, string>> = {
    require_secure_transport: "on",
    ssl_min_protocol_version: "TLSv1.2",
    log_checkpoints: "on",
    log_connections: "on",
    log_disconnections: "on",
    "logfiles.retention_days": "7",
    log_line_prefix: "%t-%c-%u@%d-",
    "connection_throttle.enable": "on",
};

export const PROD: StackSpec = {
    access: "private",
    routeTable: true,
    auth: "entra-only",
    admins: [
        { name: "pg-admins", type: "group", objectId: "11111111-1111-1111-1111-111111111111" },
        { name: "deployer", type: "servicePrincipal", objectId: "22222222-2222-2222-2222-222222222222" },
    ],
    version: "17",
    tier: "GeneralPurpose",
    sku: "Standard_D2ds_v5",
    highAvailability: "ZoneRedundant",
    geoRedundantBackup: true,
    backupRetentionDays: 35,
    parameters: { ...SECURE_PARAMETERS },
    firewall: [],
    diagnostics: true,
    vm: true,
    encryptionAtHost: true,
    vmRole: true,
    serverName: "pg-entra-prod",
    sslmode: "verify-full",
    maintenanceWindow: true,
};

export const DEV: StackSpec = {
    ...PROD,
    access: "public",
    routeTable: false,
    auth: "mixed",
    admins: [{ name: "alice@contoso.com", type: "user", objectId: "33333333-3333-3333-3333-333333333333" }],
    tier: "Burstable",
    sku: "Standard_B1ms",
    highAvailability: "Disabled",
    geoRedundantBackup: false,
    backupRetentionDays: 7,
    firewall: [{ name: "allow-203-0-113-10", start: "203.0.113.10", end: "203.0.113.10" }],
    diagnostics: false,
    encryptionAtHost: false,
    serverName: "pg-entra-dev",
    maintenanceWindow: false,
};

/** The outbound SSH and RDP denies every NSG of the program carries (components/network.ts, denyLateralManagement). */
export const DENY_LATERAL = [["ssh", "22", 4000], ["rdp", "3389", 4001]].map(([what, port, priority]) => ({
    name: `deny-outbound-${what}-to-vnet`, priority, direction: "Outbound", access: "Deny", protocol: "Tcp",
    sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "VirtualNetwork", destinationPortRange: port,
}));

/** Logical names of the resources {@link buildStack} creates, for patching. */
export const NAMES = {
    rg: "main-rg",
    vnet: "net-vnet",
    vmNsg: "net-vm-nsg",
    natIp: "net-nat-ip",
    nat: "net-nat",
    vmSubnet: "net-vm-subnet",
    serverNsg: "net-server-nsg",
    routeTable: "net-server-routes",
    serverSubnet: "net-server-subnet",
    dnsZone: "net-dns",
    dnsLink: "net-dns-link",
    password: "db-admin-password",
    server: "db-server",
    workspace: "diag-logs",
    diagnostic: "diag-setting",
    nic: "client-nic",
    vm: "client-vm",
    vmRole: "client-role",
    pgProvider: "access-pg",
} as const;

export const SERVER_URN = urnOf(TYPES.server, NAMES.server);
export const VM_URN = urnOf(TYPES.virtualMachine, NAMES.vm);

const u = (type: string, name: string) => urnOf(type, name);

/** A whole stack as the program would register it for `spec`. */
export function buildStack(overrides: Partial<StackSpec> = {}): RecordedResource[] {
    const spec: StackSpec = { ...PROD, ...overrides };
    const out: RecordedResource[] = [];
    const rg = u("azure-native:resources:ResourceGroup", NAMES.rg);
    const inRg = { resourceGroupName: [rg] };
    out.push(res("azure-native:resources:ResourceGroup", NAMES.rg, { location: "westeurope" }));

    const vnet = u(TYPES.virtualNetwork, NAMES.vnet);
    out.push(res(TYPES.virtualNetwork, NAMES.vnet, { resourceGroupName: U, location: "westeurope", addressSpace: { addressPrefixes: ["10.20.0.0/16"] } }, { deps: inRg }));
    out.push(res(TYPES.nsg, NAMES.vmNsg, { resourceGroupName: U, location: "westeurope", securityRules: [...DENY_LATERAL] }, { deps: inRg }));
    out.push(res(TYPES.publicIp, NAMES.natIp, { resourceGroupName: U, location: "westeurope", sku: { name: "Standard" }, publicIPAllocationMethod: "Static" }, { deps: inRg }));
    out.push(res(TYPES.natGateway, NAMES.nat, { resourceGroupName: U, location: "westeurope", sku: { name: "Standard" }, publicIpAddresses: [{ id: U }] },
        { deps: { ...inRg, publicIpAddresses: [u(TYPES.publicIp, NAMES.natIp)] } }));
    out.push(res(TYPES.subnet, NAMES.vmSubnet, {
        resourceGroupName: U, virtualNetworkName: U, addressPrefix: "10.20.2.0/24",
        networkSecurityGroup: { id: U }, natGateway: { id: U }, defaultOutboundAccess: false,
    }, { deps: { ...inRg, virtualNetworkName: [vnet], networkSecurityGroup: [u(TYPES.nsg, NAMES.vmNsg)], natGateway: [u(TYPES.natGateway, NAMES.nat)] } }));

    const serverNetworkDeps: string[] = [];
    const serverDependsOn: string[] = [];
    if (spec.access === "private") {
        out.push(res(TYPES.nsg, NAMES.serverNsg, {
            resourceGroupName: U, location: "westeurope",
            securityRules: [{
                name: "allow-outbound-azure-active-directory", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp",
                sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "AzureActiveDirectory", destinationPortRange: "443",
            }, ...DENY_LATERAL],
        }, { deps: inRg }));
        if (spec.routeTable) {
            out.push(res(TYPES.routeTable, NAMES.routeTable, {
                resourceGroupName: U, location: "westeurope", disableBgpRoutePropagation: false,
                routes: [{ name: "azure-active-directory-to-internet", addressPrefix: "AzureActiveDirectory", nextHopType: "Internet" }],
            }, { deps: inRg }));
        }
        out.push(res(TYPES.subnet, NAMES.serverSubnet, {
            resourceGroupName: U, virtualNetworkName: U, addressPrefix: "10.20.1.0/24",
            delegations: [{ name: "postgres-flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
            networkSecurityGroup: { id: U },
            ...(spec.routeTable ? { routeTable: { id: U } } : {}),
            defaultOutboundAccess: false,
        }, {
            deps: {
                ...inRg, virtualNetworkName: [vnet], networkSecurityGroup: [u(TYPES.nsg, NAMES.serverNsg)],
                ...(spec.routeTable ? { routeTable: [u(TYPES.routeTable, NAMES.routeTable)] } : {}),
            },
            dependsOn: [u(TYPES.subnet, NAMES.vmSubnet)],
        }));
        out.push(res("azure-native:privatedns:PrivateZone", NAMES.dnsZone, {
            resourceGroupName: U, location: "global", privateZoneName: `${spec.serverName}.private.postgres.database.azure.com`,
        }, { deps: inRg }));
        out.push(res("azure-native:privatedns:VirtualNetworkLink", NAMES.dnsLink, {
            resourceGroupName: U, location: "global", privateZoneName: U, virtualNetwork: { id: U }, registrationEnabled: false,
        }, { deps: { ...inRg, privateZoneName: [u("azure-native:privatedns:PrivateZone", NAMES.dnsZone)], virtualNetwork: [vnet] } }));
        serverNetworkDeps.push(u(TYPES.subnet, NAMES.serverSubnet), u("azure-native:privatedns:PrivateZone", NAMES.dnsZone));
        serverDependsOn.push(u("azure-native:privatedns:VirtualNetworkLink", NAMES.dnsLink));
    }

    const mixed = spec.auth === "mixed";
    if (mixed) {
        out.push(res("random:index/randomPassword:RandomPassword", NAMES.password, { length: 32 }));
    }
    out.push(res(TYPES.server, NAMES.server, {
        resourceGroupName: U,
        location: "westeurope",
        serverName: spec.serverName,
        version: spec.version,
        sku: { name: spec.sku, tier: spec.tier },
        storage: { storageSizeGB: 32, autoGrow: "Enabled" },
        authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: mixed ? "Enabled" : "Disabled", tenantId: "00000000-0000-0000-0000-00000000000a" },
        ...(mixed ? { administratorLogin: "pgadmin", administratorLoginPassword: U } : {}),
        highAvailability: { mode: spec.highAvailability },
        backup: { backupRetentionDays: spec.backupRetentionDays, geoRedundantBackup: spec.geoRedundantBackup ? "Enabled" : "Disabled" },
        maintenanceWindow: spec.maintenanceWindow ? { customWindow: "Enabled", dayOfWeek: 0, startHour: 2, startMinute: 0 } : { customWindow: "Disabled" },
        network: spec.access === "private"
            ? { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: U, privateDnsZoneArmResourceId: U }
            : { publicNetworkAccess: "Enabled" },
    }, {
        deps: {
            ...inRg,
            ...(serverNetworkDeps.length > 0 ? { network: serverNetworkDeps } : {}),
            ...(mixed ? { administratorLoginPassword: [u("random:index/randomPassword:RandomPassword", NAMES.password)] } : {}),
        },
        dependsOn: serverDependsOn,
    }));

    const onServer = { ...inRg, serverName: [SERVER_URN] };
    let previous = SERVER_URN;
    for (const [parameter, value] of Object.entries(spec.parameters)) {
        const name = `db-param-${parameter.replace(/[._]/g, "-")}`;
        out.push(res(TYPES.configuration, name, { resourceGroupName: U, serverName: U, configurationName: parameter, value, source: "user-override" },
            { deps: onServer, dependsOn: [previous] }));
        previous = u(TYPES.configuration, name);
    }
    if (spec.access === "public") {
        for (const rule of spec.firewall) {
            out.push(res(TYPES.firewallRule, `db-fw-${rule.name}`, {
                resourceGroupName: U, serverName: U, firewallRuleName: rule.name, startIpAddress: rule.start, endIpAddress: rule.end,
            }, { deps: onServer, dependsOn: [previous] }));
        }
        if (spec.vm) {
            // The VM's NAT egress address, known only after deployment.
            out.push(res(TYPES.firewallRule, "db-fw-allow-vm-egress", {
                resourceGroupName: U, serverName: U, firewallRuleName: "allow-vm-egress", startIpAddress: U, endIpAddress: U,
            }, { deps: { ...onServer, startIpAddress: [u(TYPES.publicIp, NAMES.natIp)], endIpAddress: [u(TYPES.publicIp, NAMES.natIp)] } }));
        }
    }
    for (const admin of spec.admins) {
        out.push(res(TYPES.entraAdmin, `db-admin-${admin.name.replace(/[^a-z0-9]+/gi, "-")}`, {
            resourceGroupName: U, serverName: U, objectId: admin.objectId, principalName: admin.name, principalType: admin.type,
            tenantId: "00000000-0000-0000-0000-00000000000a",
        }, { deps: onServer }));
    }
    if (spec.diagnostics) {
        const ws = u("azure-native:operationalinsights:Workspace", NAMES.workspace);
        out.push(res("azure-native:operationalinsights:Workspace", NAMES.workspace, { resourceGroupName: U, location: "westeurope", sku: { name: "PerGB2018" }, retentionInDays: 30 }, { deps: inRg }));
        out.push(res(TYPES.diagnosticSetting, NAMES.diagnostic, {
            resourceUri: U, workspaceId: U, logAnalyticsDestinationType: "Dedicated",
            logs: [{ categoryGroup: "allLogs", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }],
        }, { deps: { resourceUri: [SERVER_URN], workspaceId: [ws] } }));
    }
    if (spec.vm) {
        const nic = u(TYPES.networkInterface, NAMES.nic);
        out.push(res(TYPES.networkInterface, NAMES.nic, {
            resourceGroupName: U, location: "westeurope", enableIPForwarding: false,
            ipConfigurations: [{ name: "primary", primary: true, subnet: { id: U }, privateIPAllocationMethod: "Dynamic" }],
        }, { deps: { ...inRg, ipConfigurations: [u(TYPES.subnet, NAMES.vmSubnet)] } }));
        const cloudInit = `#cloud-config\nwrite_files:\n- path: /usr/local/bin/pg-login\n  content: psql "host=${spec.serverName}.postgres.database.azure.com user=client-vm sslmode=${spec.sslmode}"\n`;
        out.push(res(TYPES.virtualMachine, NAMES.vm, {
            resourceGroupName: U, location: "westeurope", vmName: "client-vm",
            identity: { type: "SystemAssigned" },
            hardwareProfile: { vmSize: "Standard_B2s" },
            osProfile: {
                computerName: "client-vm", adminUsername: "azureuser", customData: Buffer.from(cloudInit, "utf8").toString("base64"), allowExtensionOperations: false,
                linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: "ssh-ed25519 AAAA test" }] } },
            },
            securityProfile: { encryptionAtHost: spec.encryptionAtHost, securityType: "TrustedLaunch" },
            storageProfile: {
                imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
                osDisk: { createOption: "FromImage", deleteOption: "Delete", managedDisk: { storageAccountType: "StandardSSD_LRS" } },
            },
            networkProfile: { networkInterfaces: [{ id: U, primary: true, deleteOption: "Detach" }] },
        }, { deps: { ...inRg, networkProfile: [nic] } }));
        // The access component's provider for grants, as the program declares it.
        out.push(res(TYPES.postgresqlProvider, NAMES.pgProvider, {
            host: U, port: "5432", database: "postgres", username: spec.admins[0]?.name ?? "pg-admins", sslmode: spec.sslmode,
            superuser: "false", connectTimeout: "30", azureIdentityAuth: "true",
        }, { deps: { host: [SERVER_URN] } }));
        if (spec.vmRole) {
            out.push(res(TYPES.entraRole, NAMES.vmRole, {
                serverFqdn: U, adminLogin: spec.admins[0]?.name ?? "pg-admins", roleName: "client-vm", objectId: U,
                principalType: "service", isAdmin: false, isMfa: false, cloud: "AzureCloud",
            }, { deps: { serverFqdn: [SERVER_URN], objectId: [VM_URN] } }));
        }
    }
    return out;
}

/** A deep copy of `resources` with the named resource changed by `change`. */
export function patch(resources: RecordedResource[], name: string, change: (r: RecordedResource) => void): RecordedResource[] {
    const copy = structuredClone(resources);
    const target = copy.find((r) => r.name === name);
    if (target === undefined) {
        throw new Error(`no resource named ${name} in the fixture`);
    }
    change(target);
    return copy;
}

/** A deep copy without the resources matching `drop`. */
export function without(resources: RecordedResource[], drop: (r: RecordedResource) => boolean): RecordedResource[] {
    return structuredClone(resources.filter((r) => !drop(r)));
}

/** The props of the named resource (for building single-resource cases). */
export function propsOf(resources: RecordedResource[], name: string): Record<string, unknown> {
    const r = resources.find((x) => x.name === name);
    if (r === undefined) {
        throw new Error(`no resource named ${name} in the fixture`);
    }
    return structuredClone(r.props);
}

/** Logical name and URN of the read replica {@link withReplica} adds. */
export const REPLICA_NAME = "db-replica-r1";
export const REPLICA_URN = urnOf(TYPES.server, REPLICA_NAME);

/**
 * `resources` with a read replica of their server as the program registers it (components/replicas.ts):
 * createMode Replica, the primary's id in `sourceServerResourceId`, the primary's network, authentication and
 * maintenance window, no backup or HA, no administrators or roles of its own; the primary's parameters and
 * diagnostic setting repeated on it. `change` edits the replica.
 */
export function withReplica(resources: RecordedResource[], change: (r: RecordedResource) => void = () => undefined): RecordedResource[] {
    const copy = structuredClone(resources);
    const primary = copy.find((r) => r.name === NAMES.server);
    if (primary === undefined) {
        throw new Error("no server in the fixture");
    }
    const p = primary.props as Record<string, any>;
    const replica = res(TYPES.server, REPLICA_NAME, {
        resourceGroupName: U, location: p.location, serverName: `${p.serverName}-r1`, createMode: "Replica", sourceServerResourceId: U,
        version: p.version, sku: p.sku, storage: p.storage, network: p.network, authConfig: p.authConfig, maintenanceWindow: p.maintenanceWindow,
    }, {
        deps: {
            resourceGroupName: primary.propertyDependencies.resourceGroupName ?? [],
            ...(primary.propertyDependencies.network ? { network: primary.propertyDependencies.network } : {}),
            sourceServerResourceId: [SERVER_URN],
        },
        dependsOn: [SERVER_URN],
    });
    change(replica);
    copy.push(replica);
    for (const r of resources.filter((x) => (x.type === TYPES.configuration && x.propertyDependencies.serverName?.includes(SERVER_URN)) ||
        (x.type === TYPES.diagnosticSetting && x.propertyDependencies.resourceUri?.includes(SERVER_URN)))) {
        const onReplica = Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((urn) => (urn === SERVER_URN ? REPLICA_URN : urn))]));
        copy.push(res(r.type, `${REPLICA_NAME}-${r.name}`, structuredClone(r.props), { deps: onReplica, dependsOn: [REPLICA_URN] }));
    }
    return copy;
}
