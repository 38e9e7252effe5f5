import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { serverFqdn } from "./cloud";
import { humanConnectCommand, vmLoginCommand } from "./commands";
import { restartModeFor, StackConfig } from "./config";
import { AccessIdentity, EntraAccess } from "./access";
import { EntraAdministrators } from "./administrators";
import { Databases } from "./databases";
import { afterServer, beforeServer, type Safeguards } from "./dataSafety";
import { accessIdentities, defaultDatabaseOf } from "./decisions";
import { ServerDiagnostics } from "./diagnostics";
import { EntraNetwork } from "./network";
import { PostgresPrivateEndpoint } from "./privateEndpoint";
import { secretIfHolding, secretInputs, secretMatcher } from "./secretSettings";
import { FlexibleServer } from "./server";
import { IdentityVm } from "./vm";

/**
 * Everything one stack deploys, from a validated `StackConfig` (see `parseConfig`): resource group, network,
 * Flexible Server with Entra authentication, its Entra administrators, databases, diagnostics, the VM
 * whose managed identity logs in with a token, and a database role with grants for every Entra identity.
 *
 * Ordering is the design: network and VM are created beside the server; server writes (parameters, firewall
 * rules, admins, databases) form one chain, because Azure runs one operation per server at a time.
 */
export class EntraPostgres extends pulumi.ComponentResource {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly network: EntraNetwork;
    /** `private-endpoint` access only: the endpoint, its DNS zone group and the zone's links. */
    readonly privateEndpoint?: PostgresPrivateEndpoint;
    readonly server: FlexibleServer;
    readonly administrators: EntraAdministrators;
    readonly databases: Databases;
    readonly diagnostics?: ServerDiagnostics;
    readonly vm?: IdentityVm;
    /** A database role per Entra identity (the VM's and each principal) and its grants. */
    readonly access: EntraAccess;
    readonly tenantId: pulumi.Output<string>;
    /** The FQDN Azure gives the server (known before it exists). */
    readonly fqdn: string;
    /**
     * The database the VM's login script and the connect commands open: the first database the VM's identity
     * has access to when it has any (it can connect to no other), else the first database, else `postgres`.
     * Decided here once; the stack outputs only repeat it.
     */
    readonly defaultDatabase: string;
    /** A ready-to-paste login for a human with an Entra identity. */
    readonly connectCommand: string;
    /** How to log in from the VM as its identity (VM only). */
    readonly vmConnectCommand?: string;
    /** The VM identity's database role (VM only). */
    readonly vmRoleName?: string;
    /** Each Entra administrator as `name (type)`. */
    readonly entraAdmins: string[];
    /** Data safety: threat protection, read replicas, locks (`dataSafety` settings). */
    readonly safeguards: Safeguards;
    private readonly holdsSecret?: (value: unknown) => boolean;

    constructor(name: string, readonly config: StackConfig, opts?: pulumi.ComponentResourceOptions) {
        // Inputs holding a secret setting's value are sent as secrets (secretSettings.ts).
        const secrets = secretInputs(config);
        super("entra-postgres:index:EntraPostgres", name, {}, secrets ? { ...opts, transformations: [...(opts?.transformations ?? []), secrets] } : opts);
        const child = { parent: this };
        const tags = { "managed-by": "pulumi", project: config.project, stack: config.stack, ...config.tags };
        const location = config.location;

        const group = config.existingResourceGroup ? undefined : new resources.ResourceGroup(`${name}-rg`, { location, tags }, child);
        this.resourceGroupName = group ? group.name : pulumi.output(config.existingResourceGroup!);
        const resourceGroupName = this.resourceGroupName;

        this.tenantId = config.tenantId
            ? pulumi.output(config.tenantId)
            : authorization.getClientConfigOutput({ parent: this }).tenantId;

        this.fqdn = serverFqdn(config.server.name, config.cloud);
        this.defaultDatabase = defaultDatabaseOf(config);
        this.entraAdmins = config.admins.map((a) => `${a.name} (${a.type})`);
        this.connectCommand = humanConnectCommand(this.fqdn, config.cloud, this.defaultDatabase);

        const net = config.network;
        this.network = new EntraNetwork(`${name}-net`, {
            resourceGroupName,
            location,
            access: net.access,
            serverName: config.server.name,
            cloud: config.cloud,
            addressSpace: net.addressSpace,
            serverSubnet: net.serverSubnet,
            vmSubnet: net.vmSubnet,
            endpointSubnet: net.endpointSubnet,
            routeTable: net.routeTable,
            natGateway: net.natGateway,
            existing: net.existing,
            // With a private endpoint the zone belongs to the endpoint, and so do its extra links.
            dnsZoneLinks: net.access === "private" ? [...net.dnsZoneLinks] : undefined,
            tags,
        }, child);

        // A customer-managed key's identity and grant, and the inputs of a key or a restore (components/dataSafety.ts).
        const safety = beforeServer(name, config, { resourceGroupName, location, tags }, this);
        const vmEgress = this.network.natPublicIp && config.vm.enabled ? this.network.natPublicIp.ipAddress : undefined;
        this.server = new FlexibleServer(`${name}-pg`, {
            resourceGroupName,
            location,
            serverName: config.server.name,
            version: config.server.version,
            sku: config.server.sku,
            tier: config.server.tier,
            storageGb: config.server.storageGb,
            highAvailability: config.server.highAvailability,
            availabilityZone: config.server.availabilityZone,
            backupRetentionDays: config.server.backupRetentionDays,
            geoRedundantBackup: config.server.geoRedundantBackup,
            maintenanceWindow: config.server.maintenanceWindow,
            // The effective parameters (secure defaults and overrides): applied over the same defaults, unchanged.
            parameters: config.server.parameters,
            auth: config.auth,
            administratorLogin: config.administratorLogin,
            tenantId: this.tenantId,
            publicNetworkAccess: net.access === "public" ? "Enabled" : "Disabled",
            privateNetwork: net.access === "private" && this.network.serverSubnetId && this.network.privateDnsZoneId
                ? {
                    delegatedSubnetId: this.network.serverSubnetId,
                    privateDnsZoneId: this.network.privateDnsZoneId,
                    dependsOn: this.network.serverDependencies,
                }
                : undefined,
            // Firewall rules only with public access. With a private endpoint and no public access "the server is
            // accessible only through private endpoints" (Learn, "Azure Database for PostgreSQL networking with
            // Private Link", "Private Link combined with firewall rules"; MicrosoftDocs/azure-databases-docs
            // articles/postgresql/flexible-server/concepts-networking-private-link.md at 02732be).
            firewall: net.access !== "public"
                ? undefined
                : {
                    // A secret range must not name its rule: names and URNs are never secret.
                    allowedIps: config.secretSettings?.includes("network")
                        ? net.allowedIps.map((ip, i) => ({ ...ip, ruleName: `allow-secret-${i + 1}` }))
                        : net.allowedIps,
                    allowAzureServices: net.allowAzureServices,
                    // The VM reaches a public server from its NAT gateway's address.
                    extraAddresses: vmEgress ? {
                        "allow-vm-egress": vmEgress.apply((ip) => {
                            if (!ip) throw new Error(`The NAT gateway public IP of VM ${config.vm.name} reports no address; the firewall rule that lets the VM reach the server cannot be created.`);
                            return ip;
                        }),
                    } : undefined,
                },
            protect: config.protect,
            databases: config.databases,
            restartForStaticParameters: restartModeFor(config.server.restartForStaticParameters, config.protect),
            cloud: config.cloud,
            tags,
            dataSafety: safety.serverArgs,
        }, child);

        if (net.access === "private-endpoint" && this.network.endpointSubnetId) {
            this.privateEndpoint = new PostgresPrivateEndpoint(`${name}-pe`, {
                resourceGroupName,
                location,
                serverId: this.server.server.id,
                subnetId: this.network.endpointSubnetId,
                cloud: config.cloud,
                privateDnsZoneId: net.existing?.privateDnsZoneId,
                virtualNetworkId: this.network.vnetId,
                dnsZoneLinks: [...net.dnsZoneLinks],
                // Azure runs one management operation per server at a time (azurerm #19962): the endpoint's
                // connection to the server comes after the server's parameter writes, and the admins after it.
                dependsOn: [this.server.lastWrite],
                tags,
            }, child);
        }
        // Roles, grants and databases need the server's name to resolve to a private address: with a private
        // endpoint that happens once the zone group and the zone's VNet links exist.
        const networkReady = this.privateEndpoint?.ready ?? [];

        if (config.diagnostics.enabled) {
            this.diagnostics = new ServerDiagnostics(`${name}-diag`, {
                resourceGroupName,
                location,
                serverId: this.server.server.id,
                retentionDays: config.diagnostics.retentionDays,
                tags,
            }, child);
        }

        this.administrators = new EntraAdministrators(`${name}-admin`, {
            resourceGroupName,
            serverName: this.server.serverName,
            tenantId: this.tenantId,
            admins: config.admins,
            after: this.privateEndpoint ? [this.server.lastWrite, this.privateEndpoint.endpoint] : [this.server.lastWrite],
        }, child);

        this.databases = new Databases(`${name}-db`, {
            resourceGroupName,
            serverName: this.server.serverName,
            names: config.databases,
            after: this.administrators.last,
            protect: config.protect,
            serverFqdn: this.server.fqdn,
            deployerLogin: config.deployer.name,
            cloud: config.cloud,
            networkReady,
        }, child);

        if (config.vm.enabled && this.network.vmSubnetId) {
            this.vm = new IdentityVm(`${name}-client`, {
                resourceGroupName,
                location,
                vmName: config.vm.name,
                size: config.vm.size,
                adminUsername: config.vm.adminUsername,
                sshPublicKey: config.vm.sshPublicKey,
                publicIp: config.vm.publicIp,
                encryptionAtHost: config.vm.encryptionAtHost,
                allowExtensions: config.vm.allowExtensions,
                subnetId: this.network.vmSubnetId,
                // Known before the server exists: the VM is created beside the server, not after it.
                serverFqdn: this.fqdn,
                defaultDatabase: this.defaultDatabase,
                cloud: config.cloud,
                tags,
            }, child);
        }

        if (this.vm) {
            this.vmRoleName = this.vm.roleName;
            this.vmConnectCommand = vmLoginCommand(config.vm.adminUsername, config.vm.name, this.defaultDatabase);
        }

        // The VM's identity first, then each principal (decisions/identities.ts).
        const identities: AccessIdentity[] = accessIdentities<pulumi.Input<string>, pulumi.Resource>(config.principals, this.vm && {
            roleName: this.vm.roleName,
            principalId: this.vm.principalId,
            access: config.vm.access,
            resource: this.vm.vm,
        });
        // With a private endpoint a role also waits until the server's name resolves to it.
        for (const identity of identities) {
            identity.dependsOn = [...(identity.dependsOn ?? []), ...networkReady];
        }
        this.access = new EntraAccess(`${name}-access`, {
            serverFqdn: this.server.fqdn,
            cloud: config.cloud,
            tenantId: this.tenantId,
            deployerLogin: config.deployer.name,
            // Roles are created by the deployer, once it is an Entra administrator of the server.
            after: [this.administrators.last],
            identities,
            databases: this.databases.databases,
        }, child);

        // Defender, replicas and locks come after everything on the server; the locks last (deleted first).
        this.safeguards = afterServer(name, config, {
            resourceGroupName, location, tags,
            server: this.server,
            // Replicas sit in the primary's network, with its authentication (decided here as for the primary).
            network: net.access === "private"
                ? { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: this.network.serverSubnetId, privateDnsZoneArmResourceId: this.network.privateDnsZoneId }
                : { publicNetworkAccess: net.access === "public" ? "Enabled" : "Disabled" },
            authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: config.auth === "mixed" ? "Enabled" : "Disabled", tenantId: this.tenantId },
            workspaceId: this.diagnostics?.workspace.id,
            customerManagedKey: safety.customerManagedKey,
            onServer: [this.server, this.administrators, this.databases, this.access, ...(this.diagnostics ? [this.diagnostics] : [])],
            everything: [this.network, this.server, this.administrators, this.databases, this.access, ...[this.diagnostics, this.vm, this.privateEndpoint].filter((c): c is NonNullable<typeof c> => c !== undefined)],
            resourceGroupId: group?.id ?? (config.dataSafety?.lock.resourceGroup
                ? authorization.getClientConfigOutput({ parent: this }).subscriptionId.apply((s) => `/subscriptions/${s}/resourceGroups/${config.existingResourceGroup}`)
                : ""),
        }, this);

        this.holdsSecret = secretMatcher(config);
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            serverName: this.server.serverName,
            fqdn: this.fqdn,
        });
    }

    /**
     * `value` for a stack output: a secret when it holds the value of a secret setting (the server's FQDN holds
     * `server.name`, the connect commands the admins' names), else unchanged.
     */
    exported<T>(value: T): T | pulumi.Output<T> {
        if (!this.holdsSecret || value === undefined) {
            return value;
        }
        return secretIfHolding(value as pulumi.Input<T>, this.holdsSecret) as T | pulumi.Output<T>;
    }
}

/** See `EntraPostgres.defaultDatabase`. */
export { defaultDatabaseOf } from "./decisions";
