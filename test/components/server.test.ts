import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { secureParameterDefaults } from "../../components/config";
import { FlexibleServer, type FlexibleServerArgs } from "../../components/server";
import { createOnlyProperties } from "../../contracts/check";
import { fakeGuid } from "../../plan/engine/mocks";
import { unwrap } from "../../plan/engine/recorder";
import { build, earlier } from "./build";

const componentType = "entra-postgres:server:FlexibleServer";
const configurationType = "azure-native:dbforpostgresql:Configuration";
const small: Partial<FlexibleServerArgs> = { sku: "Standard_B1ms", tier: "Burstable", storageGb: 32 };

function args(change: Partial<FlexibleServerArgs> = {}): FlexibleServerArgs {
    return { resourceGroupName: "rg", location: "westeurope", serverName: "pg-unit", ...small, tenantId: "tenant", ...change };
}

/** The child names of the secure default parameters of PostgreSQL 17, in the order they are written. */
const secureChildren17 = Object.keys(secureParameterDefaults("17")).map((p) => `unit-param-${p.replace(/[._]/g, "-")}`);

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
            ["pulumi-nodejs:dynamic/entra-postgres:ServerGuard", "unit-guard"],
            ["azure-native:dbforpostgresql:Server", "unit-server"],
            ...secureChildren17.map((child): [string, string] => [configurationType, child]),
            ["azure-native:dbforpostgresql:FirewallRule", "unit-fw-allow-203-0-113-10"],
            ["azure-native:dbforpostgresql:FirewallRule", "unit-fw-allow-vm-egress"],
            ["azure-native:dbforpostgresql:FirewallRule", "unit-fw-AllowAllAzureServicesAndResourcesWithinAzureIps"],
        ]);
        assert.equal(built.resources.length, 6 + secureChildren17.length, "nothing outside the component");
        assert.equal(server!.parameters.length, secureChildren17.length);
        assert.equal(server!.firewallRules.length, 3);
    });

    test("every server write waits for the one before it: server, parameters, firewall rules", async () => {
        let server: FlexibleServer | undefined;
        const built = await build(() => { server = new FlexibleServer("unit", args({ firewall: publicFirewall })); });
        const chain = ["unit-server", ...secureChildren17,
            "unit-fw-allow-203-0-113-10", "unit-fw-allow-vm-egress", "unit-fw-AllowAllAzureServicesAndResourcesWithinAzureIps"];
        assert.deepEqual(built.waitsFor(built.named(chain[0])), ["unit-guard"], "the server waits for its guard only");
        for (let i = 1; i < chain.length; i++) {
            // The server through `serverName`, and the previous write: nothing later, nothing in parallel.
            assert.deepEqual(built.waitsFor(built.named(chain[i])), [...new Set([chain[i - 1], "unit-server"])].sort(), chain[i]);
        }
        const last = built.named(chain[chain.length - 1]);
        assert.equal(await unwrap(server!.lastWrite.urn), last.urn, "lastWrite is the end of the chain");
    });

    test("the chain's end without firewall rules is the last parameter", async () => {
        let server: FlexibleServer | undefined;
        await build(() => { server = new FlexibleServer("unit", args()); });
        assert.equal(server!.lastWrite, server!.parameters[secureChildren17.length - 1]);
        assert.deepEqual(server!.firewallRules, []);
    });

    test("firewall rule inputs: each range, the extra address, and 0.0.0.0 only for the Azure-services opt-in", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ firewall: { ...publicFirewall, allowAzureServices: false } })));
        const rules = built.ofType("azure-native:dbforpostgresql:FirewallRule").map((r) => [r.props.firewallRuleName, r.props.startIpAddress, r.props.endIpAddress]);
        assert.deepEqual(rules, [
            ["allow-203-0-113-10", "203.0.113.10", "203.0.113.10"],
            ["allow-vm-egress", "198.51.100.24", "198.51.100.24"],
        ]);
        for (const parameter of built.ofType(configurationType)) {
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
        assert.deepEqual(built.waitsFor(server), ["dns-link", "unit-guard"]);
        assert.equal(built.ofType("azure-native:dbforpostgresql:FirewallRule").length, 0);
    });

    test("VNet integration is fixed at creation: a change of the delegated subnet (into, out of or between subnets) replaces the server, which the spec does not say", async () => {
        // The spec marks no property of Network create-only, so azure-native alone would send an update Azure refuses.
        assert.ok(!createOnlyProperties("azure-native:dbforpostgresql:Server").some((p) => p.startsWith("network")));
        for (const built of [await build(() => new FlexibleServer("unit", args())),
            await build(() => new FlexibleServer("unit", args({ privateNetwork: { delegatedSubnetId: "/subnets/pg", privateDnsZoneId: "/zones/pg", dependsOn: [] } })))]) {
            assert.deepEqual(built.named("unit-server").replaceOnChanges, ["network.delegatedSubnetResourceId"]);
        }
    });

    test("protect reaches the server only", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ protect: true })));
        assert.equal(built.named("unit-server").protect, true);
        assert.ok(built.ofType(configurationType).every((p) => !p.protect));
    });
});

describe("FlexibleServer defaults", () => {
    test("only the required arguments: the stack's server defaults, Entra-only in the deploying credential's tenant", async () => {
        const built = await build(() => new FlexibleServer("unit", { resourceGroupName: "rg", location: "westeurope", serverName: "pg-unit" }));
        const server = built.named("unit-server");
        assert.equal(server.props.version, "17");
        assert.deepEqual(server.props.sku, { name: "Standard_D2ds_v5", tier: "GeneralPurpose" });
        assert.deepEqual(server.props.storage, { storageSizeGB: 128, autoGrow: "Enabled" });
        assert.equal((server.props.highAvailability as Record<string, unknown>).mode, "Disabled");
        assert.ok(!server.props.availabilityZone, "no zone pinned");
        assert.deepEqual(server.props.backup, { backupRetentionDays: 7, geoRedundantBackup: "Disabled" });
        assert.equal((server.props.maintenanceWindow as Record<string, unknown>).customWindow, "Disabled");
        assert.deepEqual(server.props.network, { publicNetworkAccess: "Enabled" });
        assert.deepEqual(server.props.authConfig, { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: fakeGuid("tenant") });
        assert.equal(server.protect, false);
        // Azure picks the zone, and the zone it picked is not drift.
        assert.deepEqual(server.ignoreChanges, ["availabilityZone"]);
        assert.equal(built.ofType("azure-native:dbforpostgresql:FirewallRule").length, 0, "no firewall rule: nobody is admitted");
    });

    test("no parameters given: the stack's secure parameters for the version, TLS required and connections logged", async () => {
        const written = async (version?: string) => Object.fromEntries((await build(() => new FlexibleServer("unit", args({ version }))))
            .ofType(configurationType).map((p) => [p.props.configurationName, p.props.value]));
        const v17 = await written();
        assert.equal(v17.require_secure_transport, "on");
        assert.equal(v17.ssl_min_protocol_version, "TLSv1.2");
        assert.equal(v17.log_connections, "on");
        assert.equal(v17["connection_throttle.enable"], "on");
        assert.equal(v17.password_encryption, undefined);
        assert.deepEqual(v17, secureParameterDefaults("17"));
        assert.equal((await written("13")).password_encryption, "scram-sha-256", "md5 is PostgreSQL 13's Azure default");
        assert.equal((await written("18"))["connection_throttle.enable"], undefined, "deprecated from 18 on");
    });

    test("parameters are applied over the secure defaults: a default keeps its place, a new one comes after", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ parameters: { log_min_duration_statement: "500", log_checkpoints: "off" } })));
        const written = built.ofType(configurationType).map((p) => [p.props.configurationName, p.props.value]);
        assert.deepEqual(written, Object.entries({ ...secureParameterDefaults("17"), log_checkpoints: "off", log_min_duration_statement: "500" }));
        assert.equal(written[written.length - 1][0], "log_min_duration_statement");
    });

    test("protect, high availability and a pinned zone reach the server's options", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ sku: "Standard_D2ds_v5", tier: "GeneralPurpose", highAvailability: "ZoneRedundant", availabilityZone: "1", protect: true })));
        const server = built.named("unit-server");
        assert.equal(server.protect, true);
        assert.deepEqual(server.ignoreChanges, ["availabilityZone", "highAvailability.standbyAvailabilityZone"]);
        assert.equal(server.props.availabilityZone, "1");
        assert.equal((server.props.highAvailability as Record<string, unknown>).mode, "ZoneRedundant");
    });

    test("a custom maintenance window and geo-redundant backup", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ maintenanceWindow: { dayOfWeek: 0, startHour: 2, startMinute: 30 }, geoRedundantBackup: true, backupRetentionDays: 14 })));
        const server = built.named("unit-server");
        assert.deepEqual(server.props.maintenanceWindow, { customWindow: "Enabled", dayOfWeek: 0, startHour: 2, startMinute: 30 });
        assert.deepEqual(server.props.backup, { backupRetentionDays: 14, geoRedundantBackup: "Enabled" });
    });
});

describe("FlexibleServer arguments from other resources", () => {
    test("name, location, tenant, SKU, storage, backup and parameter values may be Outputs, and the server waits for their sources", async () => {
        const built = await build(() => {
            const source = earlier("source");
            const from = <T>(value: T) => source.urn.apply(() => value);
            return new FlexibleServer("unit", {
                resourceGroupName: from("rg-other"),
                location: from("northeurope"),
                serverName: from("pg-from-output"),
                tenantId: source.id,
                sku: from("Standard_D4ds_v5"),
                tier: from("GeneralPurpose" as const),
                storageGb: from(256),
                backupRetentionDays: from(21),
                geoRedundantBackup: from(true),
                maintenanceWindow: { dayOfWeek: from(3), startHour: 1, startMinute: 0 },
                parameters: { log_min_duration_statement: from("250") },
                tags: from({ owner: "platform" }),
            });
        });
        const source = built.named("source").urn;
        const server = built.named("unit-server");
        assert.equal(server.props.serverName, "pg-from-output");
        assert.equal(server.props.location, "northeurope");
        assert.deepEqual(server.props.sku, { name: "Standard_D4ds_v5", tier: "GeneralPurpose" });
        assert.deepEqual(server.props.storage, { storageSizeGB: 256, autoGrow: "Enabled" });
        assert.deepEqual(server.props.backup, { backupRetentionDays: 21, geoRedundantBackup: "Enabled" });
        assert.deepEqual(server.props.maintenanceWindow, { customWindow: "Enabled", dayOfWeek: 3, startHour: 1, startMinute: 0 });
        assert.deepEqual(server.props.tags, { owner: "platform" });
        for (const input of ["serverName", "location", "sku", "storage", "backup", "authConfig", "maintenanceWindow", "tags", "resourceGroupName"]) {
            assert.deepEqual(server.propertyDependencies[input], [source], input);
        }
        const parameter = built.named("unit-param-log-min-duration-statement");
        assert.equal(parameter.props.value, "250");
        assert.ok(parameter.propertyDependencies.value.includes(source));
    });

    test("the FQDN error names the server even when its name is an Output", async () => {
        let server: FlexibleServer | undefined;
        await build(() => { server = new FlexibleServer("unit", args({ serverName: pulumi.output("pg-named") })); });
        assert.equal(await unwrap(server!.fqdn), "pg-named.postgres.database.azure.com");
    });
});

describe("FlexibleServer refuses bad arguments before declaring anything", () => {
    const refused: [string, Partial<FlexibleServerArgs>, RegExp][] = [
        ["serverName", { serverName: "PG_Unit" }, /FlexibleServer unit: serverName "PG_Unit" must be 3–63 characters/],
        ["version", { version: "12" }, /FlexibleServer unit: version "12" is not offered .*Use one of 13, 14, 15, 16, 17, 18/],
        ["tier", { tier: "Basic" as never }, /FlexibleServer unit: tier "Basic" is not a compute tier/],
        ["sku vs tier", { sku: "Standard_D2ds_v5", tier: "Burstable" }, /FlexibleServer unit: sku "Standard_D2ds_v5" does not belong to the Burstable tier/],
        ["HA on Burstable", { highAvailability: "ZoneRedundant" }, /FlexibleServer unit: highAvailability ZoneRedundant is not offered on the Burstable tier/],
        ["availabilityZone", { availabilityZone: "4" }, /FlexibleServer unit: availabilityZone "4" must be 1, 2 or 3/],
        ["storageGb", { storageGb: 100 }, /FlexibleServer unit: storageGb 100 is not a Flexible Server storage size/],
        ["backupRetentionDays", { backupRetentionDays: 40 }, /FlexibleServer unit: backupRetentionDays 40 is outside 7–35 days/],
        ["maintenanceWindow", { maintenanceWindow: { dayOfWeek: 7, startHour: 0, startMinute: 0 } }, /FlexibleServer unit: maintenanceWindow.dayOfWeek must be a whole number from 0 to 6/],
        ["mixed without login", { auth: "mixed" }, /FlexibleServer unit: administratorLogin is required with auth mixed/],
        ["login without mixed", { administratorLogin: "pgowner" }, /FlexibleServer unit: administratorLogin is only used with auth mixed/],
        ["public access on a VNet-integrated server", { privateNetwork: { delegatedSubnetId: "/subnets/pg", privateDnsZoneId: "/zones/pg", dependsOn: [] }, publicNetworkAccess: "Enabled" },
            /FlexibleServer unit: a VNet-integrated server \(privateNetwork\) has public network access Disabled; remove publicNetworkAccess/],
        ["firewall without public access", { publicNetworkAccess: "Disabled", firewall: publicFirewall },
            /FlexibleServer unit: firewall rules apply to public access only; remove firewall or set publicNetworkAccess to Enabled/],
        ["firewall with private access", { privateNetwork: { delegatedSubnetId: "/subnets/pg", privateDnsZoneId: "/zones/pg", dependsOn: [] }, firewall: publicFirewall },
            /FlexibleServer unit: firewall rules apply to public access only/],
        ["version before its parameters", { version: "12", parameters: { log_min_duration_statement: "500" } }, /FlexibleServer unit: version "12" is not offered/],
        ["parameter name", { parameters: { "Log-Connections": "on" } }, /FlexibleServer unit: parameters has "Log-Connections", which is not a server parameter name/],
        ["parameter typo", { parameters: { log_conections: "on" } }, /FlexibleServer unit: parameters.log_conections "log_conections" is not a known server parameter. Did you mean "log_connections"\?/],
        ["weaker hashing", { parameters: { password_encryption: "md5" } }, /FlexibleServer unit: parameters.password_encryption "md5" is refused: only scram-sha-256/],
        ["value out of range", { parameters: { "logfiles.retention_days": "99" } }, /FlexibleServer unit: parameters.logfiles.retention_days "99" is not allowed/],
    ];
    for (const [what, change, message] of refused) {
        test(what, () => {
            assert.throws(() => new FlexibleServer("unit", args(change)), message);
        });
    }

    test("the same values as Outputs are not checked here (Azure checks them)", async () => {
        const built = await build(() => new FlexibleServer("unit", args({ storageGb: pulumi.output(100), parameters: { log_min_duration_statement: pulumi.output("x") } })));
        assert.deepEqual(built.named("unit-server").props.storage, { storageSizeGB: 100, autoGrow: "Enabled" });
    });
});
