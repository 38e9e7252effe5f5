import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { diagnosticSettingFor } from "./decisions";

export interface ServerDiagnosticsArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    /** Resource id of the server whose logs are collected. */
    serverId: pulumi.Input<string>;
    /** Days Log Analytics keeps the logs (30–730). */
    retentionDays: number;
    tags?: Record<string, string>;
}

/**
 * A Log Analytics workspace and a diagnostic setting that sends every server log (category group `allLogs`)
 * and all metrics to it (Azure Policy 78ed47da). Connection and authentication logs are where failed Entra
 * logins show up.
 */
export class ServerDiagnostics extends pulumi.ComponentResource {
    readonly workspace: operationalinsights.Workspace;
    readonly setting: monitor.DiagnosticSetting;

    constructor(name: string, args: ServerDiagnosticsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:diagnostics:ServerDiagnostics", name, {}, opts);
        this.workspace = new operationalinsights.Workspace(`${name}-logs`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            sku: { name: "PerGB2018" },
            retentionInDays: args.retentionDays,
            tags: args.tags,
        }, { parent: this });
        this.setting = new monitor.DiagnosticSetting(`${name}-setting`, diagnosticSettingFor<pulumi.Input<string>>(args.serverId, this.workspace.id), { parent: this });
        this.registerOutputs({ workspaceId: this.workspace.id });
    }
}
