import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
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

    test("retention defaults to the stack's 30 days", async () => {
        const built = await build(() => new ServerDiagnostics("unit", { resourceGroupName: "rg", location: "westeurope", serverId: "/servers/pg" }));
        assert.equal(built.named("unit-logs").props.retentionInDays, 30);
        assert.equal(built.named("unit-logs").props.location, "westeurope");
    });

    test("location, retention and tags may come from other resources", async () => {
        const built = await build(() => {
            const source = earlier("source");
            const from = <T>(value: T) => source.urn.apply(() => value);
            return new ServerDiagnostics("unit", { resourceGroupName: from("rg-other"), location: from("northeurope"), serverId: "/servers/pg", retentionDays: from(365), tags: from({ team: "data" }) });
        });
        const workspace = built.named("unit-logs");
        assert.equal(workspace.props.location, "northeurope");
        assert.equal(workspace.props.retentionInDays, 365);
        assert.deepEqual(workspace.props.tags, { team: "data" });
        const source = built.named("source").urn;
        for (const input of ["resourceGroupName", "location", "retentionInDays", "tags"]) {
            assert.deepEqual(workspace.propertyDependencies[input], [source], input);
        }
    });

    for (const days of [29, 731, 30.5]) {
        test(`retention of ${days} days is refused, naming the argument and the range`, () => {
            assert.throws(() => new ServerDiagnostics("unit", { resourceGroupName: "rg", location: "westeurope", serverId: "/servers/pg", retentionDays: days }),
                new RegExp(`^Error: ServerDiagnostics unit: retentionDays ${days} is outside 30–730 days. Use a whole number of days from 30 to 730.$`));
        });
    }

    test("the range ends are accepted; a retention from another resource is left to Azure", async () => {
        for (const days of [30, 730]) {
            const built = await build(() => new ServerDiagnostics("unit", { resourceGroupName: "rg", location: "westeurope", serverId: "/servers/pg", retentionDays: days }));
            assert.equal(built.named("unit-logs").props.retentionInDays, days);
        }
        const built = await build(() => new ServerDiagnostics("unit", { resourceGroupName: "rg", location: "westeurope", serverId: "/servers/pg", retentionDays: pulumi.output(3650) }));
        assert.equal(built.named("unit-logs").props.retentionInDays, 3650);
    });
});
