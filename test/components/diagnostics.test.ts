import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ServerDiagnostics } from "../../components/diagnostics";
import { build, earlier } from "./build";

const componentType = "entra-postgres:diagnostics:ServerDiagnostics";

describe("ServerDiagnostics on its own", () => {
    test("children: the workspace and the diagnostic setting, parented to the component", async () => {
        const built = await build(() => new ServerDiagnostics("unit", { resourceGroupName: "rg", location: "westeurope", serverId: "/servers/pg", retentionDays: 30 }));
        assert.deepEqual(built.childrenOf(built.component(componentType)), [
            ["azure-native:operationalinsights:Workspace", "unit-logs"],
            ["azure-native:monitor:DiagnosticSetting", "unit-setting"],
        ]);
        assert.equal(built.named("unit-logs").props.retentionInDays, 30);
    });

    test("the setting targets the given server and sends every log and all metrics to the workspace it waits for", async () => {
        const built = await build(() => {
            const server = earlier("server");
            return new ServerDiagnostics("unit", { resourceGroupName: "rg", location: "westeurope", serverId: server.id, retentionDays: 90 });
        });
        const setting = built.named("unit-setting");
        const workspace = built.named("unit-logs");
        assert.deepEqual(setting.propertyDependencies.resourceUri, [built.named("server").urn]);
        assert.match(String(setting.props.resourceUri), /\/server$/);
        assert.deepEqual(setting.propertyDependencies.workspaceId, [workspace.urn]);
        assert.deepEqual(built.waitsFor(setting), ["server", "unit-logs"]);
        assert.deepEqual(setting.props.logs, [{ categoryGroup: "allLogs", enabled: true }]);
        assert.deepEqual(setting.props.metrics, [{ category: "AllMetrics", enabled: true }]);
        assert.equal(setting.props.logAnalyticsDestinationType, "Dedicated");
    });
});
