import { clouds } from "./cloud";
import { dataSafetySettings } from "./dataSafetySettings";
import { accessLevels, adminTypes, authModes, highAvailabilityModes, principalKinds, reservedDatabases, restartModes, skuTiers, storageSizesGb, supportedVersions } from "./model";

/**
 * The one table of stack settings. Each row is one key: the parser takes its known keys and defaults from
 * here (`knownKeys`, `defaults` below), and `npm run docs` writes the configuration reference tables of
 * docs/configuration.md, the README's summary of the top-level keys and the `config:` declarations of
 * `Pulumi.yaml` from it (test/config/settings.test.ts fails when they differ). To add a setting, add a row (in
 * the order docs/configuration.md lists them) and run `npm run docs`; the key is then known to its object's
 * `knownKeys` entry and its default is in `defaults`. An object nested below a section (`network.existing`)
 * needs no section of its own: its parser checks it against `keysAt("network.existing")`, and
 * docs/configuration.md lists its rows in the enclosing section's table.
 */

/** The config namespace: keys are set with `pulumi config set entra-postgres:<key>`. */
export const namespace = "entra-postgres";

export type SettingType = "string" | "boolean" | "integer" | "string list" | "object" | "object list" | "map";

export interface Setting {
    /**
     * Dotted path from the namespace: `location`, `network.access`, `server.maintenanceWindow.dayOfWeek`.
     * `[]` marks the items of a list (`admins[].name`). The items of `vm.access` take the same keys as those
     * of `principals[].access`, listed once. A key nested deeper than any reference section is listed in the
     * table of its nearest section by its remaining path (`existing.serverSubnetId` under network).
     */
    readonly key: string;
    readonly type: SettingType;
    /** Absent: optional. `conditional`: required or refused depending on other keys (said in `notes`). */
    readonly required?: "required" | "conditional";
    /** The value the parser uses when the key is absent; also declared in `Pulumi.yaml` for top-level scalars. */
    readonly default?: string | number | boolean | readonly string[];
    /** Reference text for a default the parser computes or that is not a plain value (`<project>-<stack>`). */
    readonly defaultText?: string;
    /** The only values accepted (an enumeration). */
    readonly values?: readonly (string | number)[];
    /** One sentence (Markdown); `Pulumi.yaml` gets it without the backticks. */
    readonly description: string;
    /** Further rules and reasons (Markdown), in docs/configuration.md only. */
    readonly notes?: string;
    /** The Microsoft Learn page where Azure defines the behaviour. */
    readonly learn?: string;
}

/**
 * Microsoft Learn pages, by their source in MicrosoftDocs/azure-databases-docs (Learn serves
 * `articles/<path>.md` at `https://learn.microsoft.com/azure/<path>`), at the commit read:
 * security/security-entra-concepts.md 090fe69a, security/security-manage-entra-users.md 112cdf30,
 * network/concepts-networking-private.md 2d9647fb, network/concepts-networking-public.md 1299c6fb,
 * configure-maintain/concepts-supported-versions.md dff198fa, compute-storage/concepts-compute.md a47dad94,
 * compute-storage/concepts-storage.md 84c751e2, high-availability/concepts-high-availability.md 18fc7e7e,
 * backup-restore/concepts-backup-restore.md 05e7fc0d, configure-maintain/concepts-maintenance.md dca1ab1d,
 * flexible-server/concepts-server-parameters.md d9ec67b9, monitor/concepts-logging.md 450730c7 (all under
 * articles/postgresql/). The tags, outbound-access and encryption-at-host pages are in Azure's general docs.
 */
const learn = {
    entra: "https://learn.microsoft.com/azure/postgresql/security/security-entra-concepts",
    entraUsers: "https://learn.microsoft.com/azure/postgresql/security/security-manage-entra-users",
    privateAccess: "https://learn.microsoft.com/azure/postgresql/network/concepts-networking-private",
    publicAccess: "https://learn.microsoft.com/azure/postgresql/network/concepts-networking-public",
    versions: "https://learn.microsoft.com/azure/postgresql/configure-maintain/concepts-supported-versions",
    compute: "https://learn.microsoft.com/azure/postgresql/compute-storage/concepts-compute",
    storage: "https://learn.microsoft.com/azure/postgresql/compute-storage/concepts-storage",
    highAvailability: "https://learn.microsoft.com/azure/postgresql/high-availability/concepts-high-availability",
    backup: "https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-backup-restore",
    maintenance: "https://learn.microsoft.com/azure/postgresql/configure-maintain/concepts-maintenance",
    parameters: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-server-parameters",
    logging: "https://learn.microsoft.com/azure/postgresql/monitor/concepts-logging",
    tags: "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations",
    outbound: "https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access",
    encryptionAtHost: "https://learn.microsoft.com/azure/virtual-machines/disk-encryption",
} as const;

/** Every setting, grouped by reference section, in the order docs/configuration.md lists them. */
export const settings = [
    // Top level
    {
        key: "location", type: "string", required: "conditional", defaultText: "`azure-native:location`",
        description: "Azure region of every regional resource, e.g. `westeurope`.",
        notes: "Required unless `azure-native:location` is set. Not declared in `Pulumi.yaml`: Pulumi refuses a stack that lacks a declared key without a default (\"Stack '<stack>' is missing configuration value 'location'\", before the program runs), which would make the fallback unreachable. Without it, `azure-native:location` (the key Pulumi's `azure-typescript` template sets) is used, and any problem with it is reported under that key. Checked against the regions offering Flexible Server in the configured `cloud` (`components/config/flexibleServerRegions.json`, from Microsoft Learn's regions table, MicrosoftDocs/azure-databases-docs `articles/postgresql/includes/regions-table.md` at `2d9647fb`): `westeurop` is refused with `westeurope` suggested. ARM or display names (`West Europe`) are accepted and kept as written. The same table refuses `server.highAvailability: ZoneRedundant` where the region has no zone-redundant HA and `server.geoRedundantBackup: true` where it has no geo-redundant backup (a temporary block, `$` in the table, is left to Azure). The region's cloud and ARM name are inferred from the table's display names.",
    },
    { key: "resourceGroupName", type: "string", defaultText: "a new group per stack", description: "Deploy into this existing resource group." },
    {
        key: "auth", type: "string", default: "entra-only", values: authModes,
        description: "`entra-only`: password logins disabled. `mixed`: also a password administrator.",
        learn: learn.entra,
    },
    {
        key: "administratorLogin", type: "string", required: "conditional",
        description: "Login of the password administrator.",
        notes: "Required with `mixed`, refused otherwise. The password is generated (`@pulumi/random`), reaches Azure and state only as a secret, and is exported only as the secret output `administratorPassword`. A role name by the rules under [admins](#admins).",
    },
    {
        key: "tenantId", type: "string", defaultText: "the deploying credential's tenant",
        description: "Entra tenant (GUID) of the server's Entra authentication and admins.", learn: learn.entra,
    },
    {
        key: "cloud", type: "string", default: "public", values: clouds,
        description: "Azure cloud: decides the token audience and DNS suffixes.",
        notes: "Token audiences `https://ossrdbms-aad.database.windows.net`, `….usgovcloudapi.net`, `….chinacloudapi.cn`.",
    },
    {
        key: "admins", type: "object list", required: "required",
        description: "Entra administrators `{ name, objectId, type }`, written in this order.",
        notes: "At least one (Entra-only with none is a lockout).", learn: learn.entra,
    },
    {
        key: "deployer", type: "string", required: "required",
        description: "Name of the entry in `admins` whose identity runs `pulumi up` and manages database roles.",
        notes: "The role provider logs in as it.",
    },
    { key: "network", type: "object", defaultText: "private access", description: "See [network](#network)." },
    { key: "server", type: "object", defaultText: "see [server](#server)", description: "See [server](#server)." },
    { key: "vm", type: "object", required: "required", description: "See [vm](#vm).", notes: "`vm.sshPublicKey` is required while the VM is enabled." },
    { key: "principals", type: "object list", defaultText: "none", description: "Entra identities that get a database role. See [principals](#principals)." },
    {
        key: "databases", type: "string list", default: [], defaultText: "none",
        description: "Databases to create on the server (after the admins).",
        notes: `Not ${reservedDatabases.map((d) => `\`${d}\``).join(", ")}. Unique regardless of case (\`app\` and \`App\` are one resource to Azure).`,
    },
    { key: "protect", type: "boolean", default: false, description: "Protect the server and its databases from `pulumi destroy` and replacement." },
    { key: "diagnostics", type: "object", defaultText: "on", description: "See [diagnostics](#diagnostics)." },
    {
        key: "tags", type: "map", defaultText: "none",
        description: "Tags added to every resource, beside the program's own `managed-by`, `project` and `stack`, which cannot be overridden.",
        notes: "By Azure's rules: names at most 512 characters, values at most 256, no `<>%&\\?/` in names, no names starting with `microsoft`, `azure` or `windows`, names unique regardless of case, at most 12 (a Private DNS zone takes 15 tags).",
        learn: learn.tags,
    },

    // admins
    {
        key: "admins[].name", type: "string", required: "required",
        description: "Display name; for users the UPN.",
        notes: "Case sensitive: it becomes the PostgreSQL role name (at most 63 bytes).",
    },
    {
        key: "admins[].objectId", type: "string", required: "required",
        description: "Entra object id (GUID): `az ad user show`, `az ad group show`, `az ad sp show … --query id`.",
    },
    {
        key: "admins[].type", type: "string", required: "required", values: adminTypes,
        description: "Kind of identity (managed identities are service principals).", learn: learn.entra,
    },

    // principals
    {
        key: "principals[].name", type: "string", required: "required",
        description: "Role name: user UPN, group display name (`Prod DB Readonly`), or the identity's display name.",
        notes: "Case sensitive, at most 63 bytes.",
    },
    {
        key: "principals[].objectId", type: "string",
        description: "Entra object id.",
        notes: "With it the role is created by `pgaadauth_create_principal_with_oid`; without it Azure resolves the name in the tenant (`pgaadauth_create_principal`).",
        learn: learn.entraUsers,
    },
    {
        key: "principals[].type", type: "string", required: "required", values: principalKinds,
        description: "`service` stands for service principals and managed identities.",
    },
    { key: "principals[].access", type: "object list", description: "List of `{ database, level }`: see [Database access](roles-and-access.md#database-access)." },

    // network
    {
        key: "network.access", type: "string", default: "private", values: ["private", "public", "private-endpoint"],
        description: "`private`: VNet-integrated server, public network access disabled. `public`: firewall rules. `private-endpoint`: public network access disabled, no delegated subnet; reached through a private endpoint (group `postgresqlServer`) in the cloud's `privatelink.postgres.database.<suffix>` zone; no firewall rules.",
        learn: learn.privateAccess,
    },
    { key: "network.addressSpace", type: "string", default: "10.20.0.0/16", description: "VNet address space." },
    {
        key: "network.serverSubnet", type: "string", default: "10.20.1.0/24",
        description: "Subnet delegated to the server (private access; at least a /28).", learn: learn.privateAccess,
    },
    {
        key: "network.vmSubnet", type: "string", default: "10.20.2.0/24",
        description: "Subnet of the VM.", notes: "Subnets must lie inside the address space and not overlap.",
    },
    {
        key: "network.allowedIps", type: "string list", defaultText: "none",
        description: "Public access only: addresses, CIDRs or `start-end` ranges allowed through the firewall.",
        notes: "At most 100 entries (the project's bound, one firewall rule each, written one after another; merge neighbours into CIDR ranges). Refused: allow-all and internet-wide ranges (over 65,536 addresses), and `0.0.0.0` (see next key). The policy pack flags rules over 256 addresses (its `maxAddresses`).",
        learn: learn.publicAccess,
    },
    {
        key: "network.allowAzureServices", type: "boolean", default: false,
        description: "Public access only: add Azure's `0.0.0.0` rule, which admits every Azure service of any tenant.",
        learn: learn.publicAccess,
    },
    {
        key: "network.routeTable", type: "boolean", default: false,
        description: "Private access: a route table on the server subnet with the route `AzureActiveDirectory` → `Internet`.",
        notes: "Turn it on whenever your subnets use route tables (e.g. forced tunnelling).", learn: learn.privateAccess,
    },
    {
        key: "network.natGateway", type: "boolean", default: true,
        description: "A NAT gateway for the VM subnet's outbound traffic (new VNets have no default outbound access).",
        notes: "With public access its address is also allowed through the firewall.", learn: learn.outbound,
    },

    {
        key: "network.endpointSubnet", type: "string", default: "10.20.3.0/24",
        description: "Subnet of the private endpoint (`private-endpoint` only, in a network the stack creates).",
        learn: "https://learn.microsoft.com/azure/postgresql/network/concepts-networking-private-link",
    },
    {
        key: "network.existing", type: "object", defaultText: "none (the stack creates its network)",
        description: "Full ARM ids of an existing network; the stack then creates no VNet, subnet, NSG, route table, NAT gateway or DNS zone.",
        notes: "Required: `private` → `serverSubnetId` + `privateDnsZoneId`; `private-endpoint` → `endpointSubnetId` + `privateDnsZoneId`; every mode → `vmSubnetId` when the VM is enabled; ids the mode does not use are refused. The zone must be named `<anything>.private.postgres.database.<suffix>` for `private` and exactly `privatelink.postgres.database.<suffix>` for `private-endpoint`. Prefix keys, `routeTable` and `natGateway` are refused alongside it. See [Network line of sight for the role provider](roles-and-access.md#network-line-of-sight-for-the-role-provider) for what the network must already have.",
    },
    { key: "network.existing.serverSubnetId", type: "string", required: "conditional", description: "`private`: the subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`." },
    { key: "network.existing.vmSubnetId", type: "string", required: "conditional", description: "The VM's subnet (when `vm.enabled`)." },
    { key: "network.existing.privateDnsZoneId", type: "string", required: "conditional", description: "`private` and `private-endpoint`: the server's private DNS zone." },
    { key: "network.existing.endpointSubnetId", type: "string", required: "conditional", description: "`private-endpoint`: the private endpoint's subnet." },
    {
        key: "network.dnsZoneLinks", type: "string list", defaultText: "none",
        description: "VNet ids the server's private DNS zone is also linked to (a hub, the runners' VNet); not with `public`.",
        learn: "https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links",
    },

    // server
    {
        key: "server.name", type: "string", defaultText: "`<project>-<stack>`",
        description: "Server name: 3–63 lowercase letters, digits, hyphens.", notes: "The FQDN is `<name>.postgres.database.azure.com`.",
    },
    { key: "server.version", type: "string", default: "17", values: supportedVersions, description: "PostgreSQL major version.", learn: learn.versions },
    { key: "server.sku", type: "string", default: "Standard_D2ds_v5", description: "Compute SKU; Burstable SKUs are `Standard_B*`.", learn: learn.compute },
    { key: "server.tier", type: "string", default: "GeneralPurpose", values: skuTiers, description: "Compute tier; must match `sku`.", learn: learn.compute },
    { key: "server.storageGb", type: "integer", default: 128, values: storageSizesGb, description: "Storage size in GiB. Auto-grow is on.", learn: learn.storage },
    {
        key: "server.highAvailability", type: "string", default: "Disabled", values: highAvailabilityModes,
        description: "High availability mode; not on Burstable.", learn: learn.highAvailability,
    },
    {
        key: "server.availabilityZone", type: "string", defaultText: "Azure picks", values: ["1", "2", "3"],
        description: "The primary's zone at creation.",
        notes: "With high availability a failover swaps the primary and standby zones (\"your primary server could be in a different availability zone than the application after an unplanned failover\", Microsoft Learn \"High availability\", `articles/postgresql/high-availability/concepts-high-availability.md` at `0ad90fdd`), so with HA `availabilityZone` and `highAvailability.standbyAvailabilityZone` are ignored as drift (`ignoreChanges`); a planned failover in the portal moves the primary back. Without HA a pinned zone is enforced.",
        learn: learn.highAvailability,
    },
    { key: "server.backupRetentionDays", type: "integer", default: 7, description: "Days backups are kept: 7–35.", learn: learn.backup },
    { key: "server.geoRedundantBackup", type: "boolean", default: false, description: "Geo-redundant backups (fixed at creation).", learn: learn.backup },
    {
        key: "server.maintenanceWindow", type: "object", defaultText: "system-managed",
        description: "`{ dayOfWeek (0 = Sunday), startHour, startMinute }`, all three required.",
        notes: "Absent or `null`: Azure's system-managed window; `{}` is refused. See [maintenanceWindow](#maintenancewindow).",
        learn: learn.maintenance,
    },
    {
        key: "server.parameters", type: "map", defaultText: "secure defaults",
        description: "Map of server parameter → value, applied over the defaults.",
        notes: "The defaults: `require_secure_transport=on`, `ssl_min_protocol_version=TLSv1.2`, `log_connections=on`, `log_disconnections=on`, `log_checkpoints=on`, `logfiles.retention_days=7`, `log_line_prefix=%t-%c-%u@%d-`, `password_encryption=scram-sha-256` on PostgreSQL 13 (its Azure default is `md5`), and `connection_throttle.enable=on` below PostgreSQL 18. Written one after another. Overrides are checked against the [server parameter catalogue](#server-parameter-catalogue).",
        learn: learn.parameters,
    },

    {
        key: "server.restartForStaticParameters", type: "string", values: restartModes,
        defaultText: "`operator` when `protect` is true, else `auto`",
        description: "Who restarts the server after a static parameter changed: `auto`, the stack (a restart after the parameter writes); `operator`, you.",
        notes: "Static parameters (Learn's parameter reference: `max_connections`, `pg_stat_statements.max`, … in the [server parameter catalogue](#server-parameter-catalogue)) apply only after a restart; until then Azure reports them `isConfigPendingRestart`. `auto` restarts the server (Servers_Restart) exactly when a static parameter's value changed, after the parameter writes: `pulumi preview` shows the restart resource as a create or update, and a restart is downtime. `operator` leaves it to you: the plan marks static parameters, and `pulumi up` warns which parameters wait for a restart. The default keeps protected (production) stacks from restarting outside a maintenance window. azurerm restarted by default (hashicorp/terraform-provider-azurerm#20044) and added a switch after restart loops (#22257, #23811).",
        learn: learn.parameters,
    },

    // vm
    { key: "vm.enabled", type: "boolean", default: true, description: "Create the VM." },
    {
        key: "vm.name", type: "string", defaultText: "`<stack>-pg-client`",
        description: "VM name, which is also its identity's name and so its database role (at most 63 characters).",
    },
    { key: "vm.size", type: "string", default: "Standard_B2s", description: "VM size." },
    { key: "vm.adminUsername", type: "string", default: "azureuser", description: "Linux user for SSH." },
    {
        key: "vm.sshPublicKey", type: "string", required: "conditional",
        description: "An OpenSSH public key.", notes: "Required when enabled. Password authentication is disabled.",
    },
    { key: "vm.publicIp", type: "boolean", default: false, description: "Attach a public IP to the NIC (off: reach it through Bastion or a VPN)." },
    {
        key: "vm.encryptionAtHost", type: "boolean", default: true,
        description: "Encryption at host (needs the subscription feature, see [Prerequisites](../README.md#prerequisites)).", learn: learn.encryptionAtHost,
    },
    {
        key: "vm.allowExtensions", type: "boolean", default: false,
        description: "Let Azure run VM extensions on the VM (`osProfile.allowExtensionOperations`).",
        notes: "Off: the VM installs its software through cloud-init, and an extension (code Azure runs as root on the VM) is refused, as the pack's mandatory `vm-no-extensions` requires. Turn it on only for an extension you need (Azure Monitor Agent, Microsoft Entra SSH login, …), and set `vm-no-extensions` to advisory in the stack's policy config. Azure accepts `false` only while the VM has no extensions (`OSProfile.allowExtensionOperations` in `@azure/arm-compute`'s models).",
        learn: "https://learn.microsoft.com/azure/virtual-machines/extensions/overview",
    },
    { key: "vm.access", type: "object list", defaultText: "none", description: "Database access of the VM's identity: a list of `{ database, level }`." },

    // diagnostics
    {
        key: "diagnostics.enabled", type: "boolean", default: true,
        description: "A Log Analytics workspace and a diagnostic setting sending all server logs (`allLogs`) and metrics to it.",
        learn: learn.logging,
    },
    { key: "diagnostics.retentionDays", type: "integer", default: 30, description: "Days the workspace keeps logs (30–730)." },

    // maintenanceWindow
    { key: "server.maintenanceWindow.dayOfWeek", type: "integer", required: "required", description: "0 (Sunday) to 6.", learn: learn.maintenance },
    { key: "server.maintenanceWindow.startHour", type: "integer", required: "required", description: "0–23 (UTC).", learn: learn.maintenance },
    { key: "server.maintenanceWindow.startMinute", type: "integer", required: "required", description: "0–59.", learn: learn.maintenance },

    // access: the items of principals[].access, and of vm.access, which takes the same keys
    { key: "principals[].access[].database", type: "string", required: "required", description: "One of `databases`." },
    { key: "principals[].access[].level", type: "string", required: "required", values: accessLevels, description: "See [Database access](roles-and-access.md#database-access)." },

    // lock and server: locks, threat protection, customer-managed key, restore, replicas (dataSafetySettings.ts)
    ...dataSafetySettings,
] as const satisfies readonly Setting[];

/**
 * The reference sections of docs/configuration.md, each a table of the settings under `path` (`""`: the top
 * level). A key belongs to the section with the longest matching path; `knownKeys` keeps these names.
 */
export const sections = {
    top: { path: "", heading: "Top level" },
    admin: { path: "admins[]", heading: "admins" },
    principal: { path: "principals[]", heading: "principals" },
    network: { path: "network", heading: "network" },
    server: { path: "server", heading: "server" },
    vm: { path: "vm", heading: "vm" },
    diagnostics: { path: "diagnostics", heading: "diagnostics" },
    lock: { path: "lock", heading: "lock" },
    maintenanceWindow: { path: "server.maintenanceWindow", heading: "maintenanceWindow" },
    access: { path: "principals[].access[]", heading: "access" },
} as const;

export type SectionName = keyof typeof sections;

/** The keys directly inside the object at `path`, in table order (nested rows name their first segment). */
export function keysAt(path: string): string[] {
    const prefix = path === "" ? "" : `${path}.`;
    const keys: string[] = [];
    for (const row of settings as readonly Setting[]) {
        if (row.key.startsWith(prefix)) {
            // `admins[].name` makes `admins` a key of the top level.
            const name = row.key.slice(prefix.length).split(".")[0].replace(/\[\]$/, "");
            if (!keys.includes(name)) {
                keys.push(name);
            }
        }
    }
    return keys;
}

/** Known keys at every level; anything else is refused with the nearest known key. */
export const knownKeys = Object.fromEntries(
    Object.entries(sections).map(([name, section]) => [name, keysAt(section.path)]),
) as unknown as { readonly [S in SectionName]: readonly string[] };

type Row = (typeof settings)[number];
type RowWithDefault = Extract<Row, { default: unknown }>;
type TopDefaults = { readonly [R in RowWithDefault as R["key"] extends `${string}.${string}` ? never : R["key"]]: R["default"] };
type DefaultsIn<P extends string> = { readonly [R in RowWithDefault as R["key"] extends `${P}.${infer K}` ? K : never]: R["default"] };
type ObjectsWithDefaults = "network" | "server" | "vm" | "diagnostics" | "lock";

/** The value a key takes when absent, by path (`defaults.auth`, `defaults.network.access`). */
export type Defaults = TopDefaults & { readonly [P in ObjectsWithDefaults]: DefaultsIn<P> };

function defaultsFromTable(): Defaults {
    const out: Record<string, unknown> = {};
    for (const row of settings as readonly Setting[]) {
        if (row.default === undefined) {
            continue;
        }
        const parts = row.key.split(".");
        let target = out;
        for (const part of parts.slice(0, -1)) {
            target = (target[part] ??= {}) as Record<string, unknown>;
        }
        target[parts[parts.length - 1]] = row.default;
    }
    return out as unknown as Defaults;
}

/** Defaults of the scalar settings; `Pulumi.yaml` declares the top-level ones (generated from this table). */
export const defaults: Defaults = defaultsFromTable();

type EnumKey = Extract<Row, { values: unknown }>["key"];
type ValuesOf<K extends EnumKey> = Row extends infer R ? (R extends { key: K; values: infer V } ? V : never) : never;

/** The allowed values of an enumerated key, typed as the table lists them (`allowedValues("network.access")`). */
export function allowedValues<K extends EnumKey>(key: K): ValuesOf<K> {
    return (settings as readonly Setting[]).find((row) => row.key === key)!.values as ValuesOf<K>;
}
