import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import { restartModeFor } from "./config";
import { catalogueEntry } from "./config/parameters";
import { defaults } from "./config/settings";
import { chain, firewallRules, lastOf, parameterChildSuffix } from "./decisions";
import { ServerGuard, ServerRestart } from "./restart";
import { checkServerArgs, effectiveParameters, type FlexibleServerArgs } from "./serverArgs";

export type { DataSafetyServerArgs, FlexibleServerArgs, MaintenanceWindowArgs } from "./serverArgs";

/**
 * Zone properties that are not drift. A zone Azure picked (none pinned) is not drift. With high availability
 * the primary and standby swap zones on failover: "your primary server could be in a different availability
 * zone than the application after an unplanned failover", and a planned failover "establishes a new standby
 * server in the same zone as the old primary" (Microsoft Learn, "High availability", MicrosoftDocs/
 * azure-databases-docs articles/postgresql/high-availability/concepts-high-availability.md at 0ad90fdd). So
 * with HA both `availabilityZone` and `highAvailability.standbyAvailabilityZone` are ignored, pinned or not:
 * otherwise the drift check fails after every failover and `up` tries to move the server back.
 * `availabilityZone` is create-only in the 2025-08-01 spec (x-ms-mutability create, read). Takes the
 * `FlexibleServerArgs` (or a `ServerConfig`): `highAvailability` absent is the default, `Disabled`.
 */
export function zoneIgnoreChanges(args: Pick<FlexibleServerArgs, "availabilityZone" | "highAvailability">): string[] {
    if ((args.highAvailability ?? defaults.server.highAvailability) !== "Disabled") {
        return ["availabilityZone", "highAvailability.standbyAvailabilityZone"];
    }
    return args.availabilityZone ? [] : ["availabilityZone"];
}

/**
 * What Azure fixes at creation in the server's network: a VNet-integrated server "cannot move into another virtual
 * network, subnet or to Public access" (Learn "Create and manage virtual networks ... using the Azure portal",
 * MicrosoftDocs/azure-docs articles/postgresql/flexible-server/how-to-manage-virtual-network-portal.md, as the
 * server's guard cites it, components/restart/provider.ts), and a public server cannot be moved into one. The REST spec marks none of `Network`'s properties create-only
 * (Servers.json 2025-08-01), so azure-native would send the change as an update Azure refuses; as a replaceOnChanges
 * the preview and the offline plan show it for what it is, a new server (and `protect` stops it). Public access
 * and a private endpoint differ only in `publicNetworkAccess`, which changes in place.
 */
export const networkFixedAtCreation = ["network.delegatedSubnetResourceId"];

/**
 * An Azure Database for PostgreSQL flexible server with Microsoft Entra authentication, its server parameters
 * and its firewall rules.
 *
 * By default: PostgreSQL 17 on `Standard_D2ds_v5` (GeneralPurpose), 128 GiB with auto-grow, no high availability,
 * 7 days of locally redundant backups, Azure's maintenance window, Entra-only authentication (password logins
 * disabled) in the deploying credential's tenant, and the secure server parameters (TLS 1.2 or later required,
 * connection logging). It does not create the network, the Entra administrators (`EntraAdministrators`), the
 * databases (`Databases`) or diagnostics (`ServerDiagnostics`); it never opens the firewall to everyone.
 * Learn: "Microsoft Entra authentication with Azure Database for PostgreSQL",
 * https://learn.microsoft.com/azure/postgresql/security/security-entra-concepts.
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
    /** `auto` restart mode with static parameters: the restart after the parameter writes. */
    readonly restart?: ServerRestart;
    /**
     * Refuses, before anything changes, a storage shrink or a major version downgrade, and on a protected stack a
     * change that would replace or delete the server or one of `databases` (restart/provider.ts, `guardFailures`).
     */
    readonly guard: ServerGuard;
    /** The last server-scoped write of this component (the server itself if there is none). */
    readonly lastWrite: pulumi.Resource;

    constructor(name: string, args: FlexibleServerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered, the component included; the stack's settings were checked
        // already, under their keys.
        const d = defaults.server;
        const version = args.version ?? d.version;
        const auth = args.auth ?? defaults.auth;
        const mixed = auth === "mixed";
        const publicNetworkAccess = args.publicNetworkAccess ?? (args.privateNetwork ? "Disabled" : "Enabled");
        checkServerArgs(name, args, auth, version);
        const parameters = effectiveParameters(name, version, args.parameters);
        if (args.privateNetwork && publicNetworkAccess === "Enabled") {
            throw new Error(`FlexibleServer ${name}: a VNet-integrated server (privateNetwork) has public network access Disabled; remove publicNetworkAccess.`);
        }
        if (args.firewall && publicNetworkAccess === "Disabled") {
            throw new Error(`FlexibleServer ${name}: firewall rules apply to public access only; remove firewall or set publicNetworkAccess to Enabled.`);
        }
        super("entra-postgres:server:FlexibleServer", name, {}, opts);
        const { resourceGroupName } = args;
        const tenantId = args.tenantId ?? authorization.getClientConfigOutput({ parent: this }).tenantId;
        const geoRedundant = args.geoRedundantBackup ?? d.geoRedundantBackup;
        const backupMode = (on: boolean): "Enabled" | "Disabled" => (on ? "Enabled" : "Disabled");
        const geoRedundantBackup = typeof geoRedundant === "boolean" ? backupMode(geoRedundant) : pulumi.output(geoRedundant).apply(backupMode);

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

        this.guard = new ServerGuard(`${name}-guard`, {
            serverName: args.serverName,
            storageGb: args.storageGb ?? d.storageGb,
            version,
            protect: args.protect ?? defaults.protect,
            location: args.location,
            networkAccess: args.privateNetwork ? "private" : publicNetworkAccess === "Disabled" ? "private-endpoint" : "public",
            databases: args.databases ? [...args.databases] : undefined,
        }, { parent: this });

        this.server = new dbforpostgresql.Server(`${name}-server`, {
            resourceGroupName,
            location: args.location,
            serverName: args.serverName,
            version,
            sku: { name: args.sku ?? d.sku, tier: args.tier ?? d.tier },
            storage: { storageSizeGB: args.storageGb ?? d.storageGb, autoGrow: "Enabled" },
            authConfig: {
                activeDirectoryAuth: "Enabled",
                passwordAuth: mixed ? "Enabled" : "Disabled",
                tenantId,
            },
            administratorLogin: mixed ? args.administratorLogin : undefined,
            // Secret on the wire and in state even where the engine does not mark random's output itself.
            administratorLoginPassword: this.administratorPassword,
            availabilityZone: args.availabilityZone,
            highAvailability: { mode: args.highAvailability ?? d.highAvailability },
            backup: {
                backupRetentionDays: args.backupRetentionDays ?? d.backupRetentionDays,
                geoRedundantBackup,
            },
            maintenanceWindow: args.maintenanceWindow
                ? { customWindow: "Enabled", ...args.maintenanceWindow }
                : { customWindow: "Disabled" },
            network: args.privateNetwork
                ? {
                    publicNetworkAccess: "Disabled",
                    delegatedSubnetResourceId: args.privateNetwork.delegatedSubnetId,
                    privateDnsZoneArmResourceId: args.privateNetwork.privateDnsZoneId,
                }
                : { publicNetworkAccess },
            tags: args.tags,
            ...args.dataSafety?.inputs,
        }, {
            parent: this,
            protect: args.protect ?? defaults.protect,
            dependsOn: [...(args.privateNetwork?.dependsOn ?? []), ...(args.dataSafety?.dependsOn ?? []), this.guard],
            replaceOnChanges: [...networkFixedAtCreation, ...(args.dataSafety?.replaceOnChanges ?? [])],
            ignoreChanges: zoneIgnoreChanges(args),
            additionalSecretOutputs: ["administratorLoginPassword"],
        });
        this.serverName = this.server.name;
        const reported = (f: string | undefined, serverName: string): string => {
            if (!f) {
                throw new Error(`Server ${serverName} reports no fullyQualifiedDomainName; nothing can connect to it (roles, grants, login commands).`);
            }
            return f;
        };
        // A plain name (the stack's) needs no second Output to name the server in the error.
        const plainName = args.serverName;
        this.fqdn = typeof plainName === "string"
            ? this.server.fullyQualifiedDomainName.apply((f) => reported(f, plainName))
            : pulumi.all([this.server.fullyQualifiedDomainName, args.serverName]).apply(([f, serverName]) => reported(f, serverName));

        // One chain (see decisions/writeChain.ts): the parameters, then the firewall rules, each after the one before.
        this.parameters = chain(Object.entries(parameters), [this.server], ([parameter, value], after) => new dbforpostgresql.Configuration(`${name}-param-${parameterChildSuffix(parameter)}`, {
            resourceGroupName,
            serverName: this.server.name,
            configurationName: parameter,
            value,
            source: "user-override",
        }, { parent: this, dependsOn: after }));
        const afterParameters = lastOf<pulumi.Resource>(this.parameters, this.server);
        // Static parameters apply at a restart (Configurations.json 2025-08-01, isDynamicConfig); who restarts decides.
        const mode = restartModeFor(args.restartForStaticParameters, args.protect ?? defaults.protect);
        const isStatic = (parameter: string) => catalogueEntry(parameter, version)?.kind === "static";
        const staticParameters = Object.entries(parameters).filter(([parameter]) => isStatic(parameter));
        if (mode === "auto" && staticParameters.length > 0) {
            this.restart = new ServerRestart(`${name}-restart`, {
                serverId: this.server.id,
                serverName: this.server.name,
                cloud: args.cloud ?? defaults.cloud,
                parameters: Object.fromEntries(staticParameters),
            }, { parent: this, dependsOn: [afterParameters] });
        }
        this.parameters.forEach((configuration, i) => warnWhilePending(configuration, Object.keys(parameters)[i], mode === "auto" && isStatic(Object.keys(parameters)[i]), mode, args.serverName));
        const rules = args.firewall ? firewallRules(args.firewall) : [];
        this.firewallRules = chain(rules, [this.restart ?? afterParameters], (rule, after) => new dbforpostgresql.FirewallRule(`${name}-fw-${rule.ruleName}`, {
            resourceGroupName,
            serverName: this.server.name,
            firewallRuleName: rule.ruleName,
            startIpAddress: rule.start,
            endIpAddress: rule.end,
        }, { parent: this, dependsOn: after }));
        this.lastWrite = lastOf<pulumi.Resource>(this.firewallRules, this.restart ?? afterParameters);

        this.registerOutputs({
            serverName: this.serverName,
            fqdn: this.fqdn,
            administratorPassword: this.administratorPassword,
        });
    }
}

/**
 * Warns, in `pulumi preview` and `pulumi up` output, when Azure reports that a parameter's value waits for a
 * restart (`isConfigPendingRestart`, as the last write or refresh saw it) and the stack is not restarting the
 * server for it: with `operator`, or for a parameter the catalogue does not know as static.
 */
function warnWhilePending(configuration: dbforpostgresql.Configuration, parameter: string, restartedByStack: boolean, mode: string, serverName: pulumi.Input<string>): void {
    if (restartedByStack) return;
    pulumi.all([configuration.isConfigPendingRestart, configuration.value, serverName]).apply(([pending, value, server]) => {
        if (!pending) return;
        const why = mode === "operator"
            ? "server.restartForStaticParameters is operator: restart the server in a maintenance window"
            : "the parameter catalogue does not list it as static, so the stack did not restart the server: restart it";
        pulumi.log.warn(
            `Server parameter ${parameter} = ${value} waits for a restart of server ${server} (Azure reports isConfigPendingRestart): ${why} ` +
                `(az postgres flexible-server restart --name ${server} --resource-group <group>), then run pulumi refresh.`,
            configuration,
        );
    });
}
