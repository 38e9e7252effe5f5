import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { serverRanges } from "./config/server";
import { defaults } from "./config/settings";
import { diagnosticSettingFor } from "./decisions";

/** Arguments of `ServerDiagnostics`. */
export interface ServerDiagnosticsArgs {
    /** Resource group of the workspace and the diagnostic setting. */
    resourceGroupName: pulumi.Input<string>;
    /** Azure region of the workspace. */
    location: pulumi.Input<string>;
    /** Resource id of the server whose logs are collected (e.g. `FlexibleServer.server.id`). */
    serverId: pulumi.Input<string>;
    /**
     * Days Log Analytics keeps the logs, 30–730 (checked when plain). Default: `30`.
     * Learn: https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure
     */
    retentionDays?: pulumi.Input<number>;
    /** Tags of the workspace. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A Log Analytics workspace (`PerGB2018`) and a diagnostic setting that sends every server log (category group
 * `allLogs`) and all metrics to it (Azure Policy 78ed47da). Connection and authentication logs are where failed
 * Entra logins show up. It does not create the server, an archive to a storage account or an event hub, and it
 * does not change which logs the server writes (that is its `log_*` parameters; see `FlexibleServer`).
 * Learn: "Configure and access logs in Azure Database for PostgreSQL",
 * https://learn.microsoft.com/azure/postgresql/monitor/concepts-logging.
 */
export class ServerDiagnostics extends pulumi.ComponentResource {
    readonly workspace: operationalinsights.Workspace;
    readonly setting: monitor.DiagnosticSetting;

    constructor(name: string, args: ServerDiagnosticsArgs, opts?: pulumi.ComponentResourceOptions) {
        const retentionDays = args.retentionDays ?? defaults.diagnostics.retentionDays;
        const [min, max] = serverRanges.workspaceRetentionDays;
        if (typeof retentionDays === "number" && (!Number.isInteger(retentionDays) || retentionDays < min || retentionDays > max)) {
            throw new Error(`ServerDiagnostics ${name}: retentionDays ${retentionDays} is outside ${min}–${max} days. Use a whole number of days from ${min} to ${max}.`);
        }
        super("entra-postgres:diagnostics:ServerDiagnostics", name, {}, opts);
        this.workspace = new operationalinsights.Workspace(`${name}-logs`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            sku: { name: "PerGB2018" },
            retentionInDays: retentionDays,
            tags: args.tags,
        }, { parent: this });
        this.setting = new monitor.DiagnosticSetting(`${name}-setting`, diagnosticSettingFor<pulumi.Input<string>>(args.serverId, this.workspace.id), { parent: this });
        this.registerOutputs({ workspaceId: this.workspace.id });
    }
}
