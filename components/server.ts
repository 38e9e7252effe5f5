import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as random from "@pulumi/random";
import { AuthMode, IpRange, ServerConfig } from "./config";
import { chain, firewallRules, lastOf, parameterChildSuffix } from "./decisions";

export interface FlexibleServerArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    /** Validated server settings; `parameters` are the effective ones (secure defaults + overrides). */
    config: ServerConfig;
    /** `entra-only` disables password logins; `mixed` also creates a password administrator. */
    auth: AuthMode;
    /** Required with `mixed`: the password administrator's login. Its password is generated. */
    administratorLogin?: string;
    /** Entra tenant of the server's Entra authentication. */
    tenantId: pulumi.Input<string>;
    /** Private access: the delegated subnet and private DNS zone ids. Absent: public access. */
    privateNetwork?: {
        delegatedSubnetId: pulumi.Input<string>;
        privateDnsZoneId: pulumi.Input<string>;
        /** Subnet, zone and VNet link: the server is created only when all exist. */
        dependsOn: pulumi.Input<pulumi.Resource>[];
    };
    /**
     * Whether the server takes connections from public networks. Default: `Disabled` with `privateNetwork`,
     * else `Enabled`. `Disabled` without `privateNetwork` is private endpoint access: no delegated subnet and no
     * DNS zone on the server, clients come through a `PostgresPrivateEndpoint`, and no firewall rule applies
     * (so `firewall` is refused). Learn: "Azure Database for PostgreSQL networking with Private Link",
     * https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private-link.
     */
    publicNetworkAccess?: "Enabled" | "Disabled";
    /** Public access: firewall ranges. Never allow-all; the `0.0.0.0` rule only through `allowAzureServices`. */
    firewall?: {
        allowedIps: readonly IpRange[];
        allowAzureServices: boolean;
        /** Extra named addresses known only after deployment, e.g. the VM subnet's NAT gateway IP. */
        extraAddresses?: Record<string, pulumi.Input<string>>;
    };
    /** Protect the server from deletion. */
    protect: boolean;
    tags?: Record<string, string>;
}

/**
 * Zone properties that are not drift. A zone Azure picked (none pinned) is not drift. With high availability
 * the primary and standby swap zones on failover: "your primary server could be in a different availability
 * zone than the application after an unplanned failover", and a planned failover "establishes a new standby
 * server in the same zone as the old primary" (Microsoft Learn, "High availability", MicrosoftDocs/
 * azure-databases-docs articles/postgresql/high-availability/concepts-high-availability.md at 0ad90fdd). So
 * with HA both `availabilityZone` and `highAvailability.standbyAvailabilityZone` are ignored, pinned or not:
 * otherwise the drift check fails after every failover and `up` tries to move the server back.
 * `availabilityZone` is create-only in the 2025-08-01 spec (x-ms-mutability create, read).
 */
export function zoneIgnoreChanges(config: Pick<ServerConfig, "availabilityZone" | "highAvailability">): string[] {
    if (config.highAvailability !== "Disabled") {
        return ["availabilityZone", "highAvailability.standbyAvailabilityZone"];
    }
    return config.availabilityZone ? [] : ["availabilityZone"];
}

/**
 * A PostgreSQL Flexible Server with Entra authentication, its server parameters and firewall rules.
 *
 * Azure runs one management operation at a time per server: parallel parameter writes fail with ServerBusy
 * and admin writes fail while the server is updating (azurerm #19962). So every server-scoped write here is
 * chained, and `lastWrite` is what the next writer (the Entra administrators) must wait for.
 */
export class FlexibleServer extends pulumi.ComponentResource {
    readonly server: dbforpostgresql.Server;
    readonly serverName: pulumi.Output<string>;
    readonly fqdn: pulumi.Output<string>;
    /** Secret. Mixed auth only. */
    readonly administratorPassword?: pulumi.Output<string>;
    readonly parameters: dbforpostgresql.Configuration[];
    readonly firewallRules: dbforpostgresql.FirewallRule[];
    /** The last server-scoped write of this component (the server itself if there is none). */
    readonly lastWrite: pulumi.Resource;

    constructor(name: string, args: FlexibleServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:server:FlexibleServer", name, {}, opts);
        const { config, resourceGroupName } = args;
        const mixed = args.auth === "mixed";
        const publicNetworkAccess = args.publicNetworkAccess ?? (args.privateNetwork ? "Disabled" : "Enabled");
        if (args.privateNetwork && publicNetworkAccess === "Enabled") {
            throw new Error(`${name}: a VNet-integrated server (privateNetwork) has public network access Disabled; remove publicNetworkAccess.`);
        }
        if (args.firewall && publicNetworkAccess === "Disabled") {
            throw new Error(`${name}: firewall rules apply to public access only; remove firewall or set publicNetworkAccess to Enabled.`);
        }

        let password: random.RandomPassword | undefined;
        if (mixed) {
            password = new random.RandomPassword(`${name}-admin-password`, {
                length: 32,
                minLower: 2,
                minUpper: 2,
                minNumeric: 2,
                minSpecial: 2,
                // Characters that survive connection strings, shells and URLs unquoted.
                overrideSpecial: "-_.~!*",
            }, { parent: this });
            this.administratorPassword = pulumi.secret(password.result);
        }

        this.server = new dbforpostgresql.Server(`${name}-server`, {
            resourceGroupName,
            location: args.location,
            serverName: config.name,
            version: config.version,
            sku: { name: config.sku, tier: config.tier },
            storage: { storageSizeGB: config.storageGb, autoGrow: "Enabled" },
            authConfig: {
                activeDirectoryAuth: "Enabled",
                passwordAuth: mixed ? "Enabled" : "Disabled",
                tenantId: args.tenantId,
            },
            administratorLogin: mixed ? args.administratorLogin : undefined,
            // Secret on the wire and in state even where the engine does not mark random's output itself.
            administratorLoginPassword: this.administratorPassword,
            availabilityZone: config.availabilityZone,
            highAvailability: { mode: config.highAvailability },
            backup: {
                backupRetentionDays: config.backupRetentionDays,
                geoRedundantBackup: config.geoRedundantBackup ? "Enabled" : "Disabled",
            },
            maintenanceWindow: config.maintenanceWindow
                ? { customWindow: "Enabled", ...config.maintenanceWindow }
                : { customWindow: "Disabled" },
            network: args.privateNetwork
                ? {
                    publicNetworkAccess: "Disabled",
                    delegatedSubnetResourceId: args.privateNetwork.delegatedSubnetId,
                    privateDnsZoneArmResourceId: args.privateNetwork.privateDnsZoneId,
                }
                : { publicNetworkAccess },
            tags: args.tags,
        }, {
            parent: this,
            protect: args.protect,
            dependsOn: args.privateNetwork?.dependsOn,
            ignoreChanges: zoneIgnoreChanges(config),
            additionalSecretOutputs: ["administratorLoginPassword"],
        });
        this.serverName = this.server.name;
        this.fqdn = this.server.fullyQualifiedDomainName.apply((f) => {
            if (!f) {
                throw new Error(`Server ${config.name} reports no fullyQualifiedDomainName; nothing can connect to it (roles, grants, login commands).`);
            }
            return f;
        });

        // One chain (see decisions/writeChain.ts): the parameters, then the firewall rules, each after the one before.
        const parameters = Object.entries(config.parameters);
        this.parameters = chain(parameters, [this.server], ([parameter, value], after) => new dbforpostgresql.Configuration(`${name}-param-${parameterChildSuffix(parameter)}`, {
            resourceGroupName,
            serverName: this.server.name,
            configurationName: parameter,
            value,
            source: "user-override",
        }, { parent: this, dependsOn: after }));
        const rules = args.firewall ? firewallRules(args.firewall) : [];
        this.firewallRules = chain(rules, [lastOf<pulumi.Resource>(this.parameters, this.server)], (rule, after) => new dbforpostgresql.FirewallRule(`${name}-fw-${rule.ruleName}`, {
            resourceGroupName,
            serverName: this.server.name,
            firewallRuleName: rule.ruleName,
            startIpAddress: rule.start,
            endIpAddress: rule.end,
        }, { parent: this, dependsOn: after }));
        this.lastWrite = lastOf<pulumi.Resource>(this.firewallRules, lastOf<pulumi.Resource>(this.parameters, this.server));

        this.registerOutputs({
            serverName: this.serverName,
            fqdn: this.fqdn,
            administratorPassword: this.administratorPassword,
        });
    }
}

