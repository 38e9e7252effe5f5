/**
 * The diagnostic setting of a server: it targets the server (`resourceUri`) and sends every log (category group
 * `allLogs`) and all metrics to the workspace (Azure Policy 78ed47da). Connection and authentication logs, where
 * failed Entra logins show up, are among `allLogs`.
 */
export function diagnosticSettingFor<T>(serverId: T, workspaceId: T): {
    resourceUri: T;
    workspaceId: T;
    logAnalyticsDestinationType: "Dedicated";
    logs: { categoryGroup: string; enabled: boolean }[];
    metrics: { category: string; enabled: boolean }[];
} {
    return {
        resourceUri: serverId,
        workspaceId,
        logAnalyticsDestinationType: "Dedicated",
        logs: [{ categoryGroup: "allLogs", enabled: true }],
        metrics: [{ category: "AllMetrics", enabled: true }],
    };
}
