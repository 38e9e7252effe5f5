import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { serverFqdn } from "./cloud";
import { StackConfig } from "./config";
import { AccessIdentity, EntraAccess } from "./access";
import { EntraAdministrators } from "./administrators";
import { Databases } from "./databases";
import { ServerDiagnostics } from "./diagnostics";
import { EntraNetwork } from "./network";
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

    constructor(name: string, readonly config: StackConfig, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:index:EntraPostgres", name, {}, opts);
        const child = { parent: this };
        const tags = { "managed-by": "pulumi", project: config.project, stack: config.stack, ...config.tags };
        const location = config.location;

        this.resourceGroupName = config.existingResourceGroup
            ? pulumi.output(config.existingResourceGroup)
            : new resources.ResourceGroup(`${name}-rg`, { location, tags }, child).name;
        const resourceGroupName = this.resourceGroupName;

        this.tenantId = config.tenantId
            ? pulumi.output(config.tenantId)
            : authorization.getClientConfigOutput({ parent: this }).tenantId;

        this.fqdn = serverFqdn(config.server.name, config.cloud);

        this.network = new EntraNetwork(`${name}-net`, {
            resourceGroupName,
            location,
            config: config.network,
            serverName: config.server.name,
            cloud: config.cloud,
            tags,
        }, child);

        const privateAccess = config.network.access === "private";
        const vmEgress = this.network.natPublicIp && config.vm.enabled ? this.network.natPublicIp.ipAddress : undefined;
        this.server = new FlexibleServer(`${name}-pg`, {
            resourceGroupName,
            location,
            config: config.server,
            auth: config.auth,
            administratorLogin: config.administratorLogin,
            tenantId: this.tenantId,
            privateNetwork: privateAccess && this.network.serverSubnet && this.network.dnsZone
                ? {
                    delegatedSubnetId: this.network.serverSubnet.id,
                    privateDnsZoneId: this.network.dnsZone.id,
                    dependsOn: this.network.serverDependencies,
                }
                : undefined,
            firewall: privateAccess
                ? undefined
                : {
                    allowedIps: config.network.allowedIps,
                    allowAzureServices: config.network.allowAzureServices,
                    // The VM reaches a public server from its NAT gateway's address.
                    extraAddresses: vmEgress ? { "allow-vm-egress": vmEgress.apply((ip) => ip ?? "") } : undefined,
                },
            protect: config.protect,
            tags,
        }, child);

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
            after: [this.server.lastWrite],
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
        }, child);

        if (config.vm.enabled) {
            this.vm = new IdentityVm(`${name}-client`, {
                resourceGroupName,
                location,
                config: config.vm,
                subnetId: this.network.vmSubnet.id,
                serverFqdn: this.fqdn,
                defaultDatabase: config.vm.access[0]?.database ?? config.databases[0] ?? "postgres",
                cloud: config.cloud,
                tags,
            }, child);
        }

        const identities: AccessIdentity[] = config.principals.map((p) => ({
            name: p.name,
            objectId: p.objectId,
            type: p.type,
            access: p.access,
        }));
        if (this.vm) {
            // The VM's system-assigned identity is a service principal named after the VM.
            identities.unshift({
                name: this.vm.roleName,
                objectId: this.vm.principalId,
                type: "service",
                access: config.vm.access,
                dependsOn: [this.vm.vm],
            });
        }
        this.access = new EntraAccess(`${name}-access`, {
            serverFqdn: this.server.fqdn,
            cloud: config.cloud,
            tenantId: this.tenantId,
            deployer: config.deployer,
            lastAdmin: this.administrators.last,
            identities,
            databases: this.databases.databases,
        }, child);

        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            serverName: this.server.serverName,
            fqdn: this.fqdn,
        });
    }
}
