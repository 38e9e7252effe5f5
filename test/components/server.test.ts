import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ServerConfig } from "../../components/config";
import { FlexibleServer, type FlexibleServerArgs } from "../../components/server";
import { unwrap } from "../../testing/recorder";
import { build, earlier } from "./build";

const componentType = "entra-postgres:server:FlexibleServer";
const config: ServerConfig = {
    name: "pg-unit",
    version: "17",
    sku: "Standard_B1ms",
    tier: "Burstable",
    storageGb: 32,
    highAvailability: "Disabled",
    backupRetentionDays: 7,
    geoRedundantBackup: false,
    parameters: { require_secure_transport: "on", "logfiles.retention_days": "7" },
};

function args(change: Partial<FlexibleServerArgs> = {}): FlexibleServerArgs {
    return { resourceGroupName: "rg", location: "westeurope", config, auth: "entra-only", tenantId: "tenant", protect: false, ...change };
}

const publicFirewall = {
    allowedIps: [{ source: "203.0.113.10", start: "203.0.113.10", end: "203.0.113.10" }],
    allowAzureServices: true,
    extraAddresses: { "allow-vm-egress": "198.51.100.24" },
};

describe("FlexibleServer on its own", () => {
    test("children: the server, each parameter, each firewall rule, all parented to the component", async () => {
        let server: FlexibleServer | undefined;
        const built = await build(() => { server = new FlexibleServer("unit", args({ firewall: publicFirewall })); });
        const component = built.component(componentType);
        assert.deepEqual(built.childrenOf(component), [
            ["azure-native:dbforpostgresql:Server", "unit-server"],
            ["azure-native:dbforpostgresql:Configuration", "unit-param-require-secure-transport"],
            ["azure-native:dbforpostgresql:Configuration", "unit-param-logfiles-retention-days"],
            ["azure-native:dbforpostgresql:FirewallRule", "unit-fw-allow-203-0-113-10"],
            ["azure-native:dbforpostgresql:FirewallRule", "unit-fw-allow-vm-egress"],
            ["azure-native:dbforpostgresql:FirewallRule", "unit-fw-AllowAllAzureServicesAndResourcesWithinAzureIps"],
        ]);
        assert.equal(built.resources.length, 7, "nothing outside the component");
        assert.equal(server!.parameters.length, 2);
        assert.equal(server!.firewallRules.length, 3);
    });

    test("every server write waits for the one before it: server, parameters, firewall rules", async () => {
        let server: FlexibleServer | undefined;
        const built = await build(() => { server = new FlexibleServer("unit", args({ firewall: publicFirewall })); });
        const chain = ["unit-server", "unit-param-require-secure-transport", "unit-param-logfiles-retention-days",
            "unit-fw-allow-203-0-113-10", "unit-fw-allow-vm-egress", "unit-fw-AllowAllAzureServicesAndResourcesWithinAzureIps"];
        assert.deepEqual(built.waitsFor(built.named(chain[0])), []);
        for (let i = 1; i < chain.length; i++) {
            // The server through `serverName`, and the previous write: nothing later, nothing in parallel.
            assert.deepEqual(built.waitsFor(built.named(chain[i])), [...new Set([chain[i - 1], "unit-server"])].sort(), chain[i]);
        }
        const last = built.named(chain[chain.length - 1]);
        assert.equal(await unwrap(server!.lastWrite.urn), last.urn, "lastWrite is the end of the chain");
    });

    test("the chain's end without firewall rules is the last parameter; without either, the server", async () => {
        let server: FlexibleServer | undefined;
        await build(() => { server = new FlexibleServer("unit", args()); });
        assert.equal(server!.lastWrite, server!.parameters[1]);
        assert.deepEqual(server!.firewallRules, []);
        await build(() => { server = new FlexibleServer("unit", args({ config: { ...config, parameters: {} } })); });
        assert.equal(server!.lastWrite, server!.server);
    });

    test("firewall rule inputs: each range, the extra address, and 0.0.0.0 only for the Azure-services opt-in", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ firewall: { ...publicFirewall, allowAzureServices: false } })));
        const rules = built.ofType("azure-native:dbforpostgresql:FirewallRule").map((r) => [r.props.firewallRuleName, r.props.startIpAddress, r.props.endIpAddress]);
        assert.deepEqual(rules, [
            ["allow-203-0-113-10", "203.0.113.10", "203.0.113.10"],
            ["allow-vm-egress", "198.51.100.24", "198.51.100.24"],
        ]);
        for (const parameter of built.ofType("azure-native:dbforpostgresql:Configuration")) {
            assert.equal(parameter.props.source, "user-override");
            assert.equal(parameter.props.serverName, "pg-unit");
        }
    });

    test("entra-only: password logins off, no password administrator, no generated password", async () => {
        const built = await build(() => new FlexibleServer("unit", args()));
        const server = built.named("unit-server");
        assert.deepEqual(server.props.authConfig, { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: "tenant" });
        assert.equal(server.props.administratorLogin, undefined);
        assert.equal(built.ofType("random:index/randomPassword:RandomPassword").length, 0);
    });

    test("mixed: a generated password, a child of the component, sent to the server as a secret", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ auth: "mixed", administratorLogin: "pgowner" })));
        const component = built.component(componentType);
        const password = built.named("unit-admin-password");
        assert.equal(password.parent, component.urn);
        const server = built.named("unit-server");
        assert.equal(server.props.administratorLogin, "pgowner");
        assert.equal((server.props.authConfig as Record<string, unknown>).passwordAuth, "Enabled");
        assert.ok(server.secretKeys.includes("administratorLoginPassword"));
        assert.deepEqual(server.propertyDependencies.administratorLoginPassword, [password.urn]);
    });

    test("private access: public access off, the given subnet and zone, and the server waits for the network", async () => {
        const built = await build(() => {
            const link = earlier("dns-link");
            return new FlexibleServer("unit", args({ privateNetwork: { delegatedSubnetId: "/subnets/pg", privateDnsZoneId: "/zones/pg", dependsOn: [link] } }));
        });
        const server = built.named("unit-server");
        assert.deepEqual(server.props.network, { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: "/subnets/pg", privateDnsZoneArmResourceId: "/zones/pg" });
        assert.deepEqual(built.waitsFor(server), ["dns-link"]);
        assert.equal(built.ofType("azure-native:dbforpostgresql:FirewallRule").length, 0);
    });

    test("protect reaches the server only", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ protect: true })));
        assert.equal(built.named("unit-server").protect, true);
        assert.ok(built.ofType("azure-native:dbforpostgresql:Configuration").every((p) => !p.protect));
    });
});
