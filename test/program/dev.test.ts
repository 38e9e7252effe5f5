import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { setTokenSource } from "../../components/testing";
import { byName, ofType, one, ProgramRun, runStack } from "../../testing/program";

/** The shipped `Pulumi.dev.yaml`: mixed auth, public access from one address, Burstable, no HA. */
describe("dev stack", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runStack("dev");
        assert.equal(run.error, undefined, String(run.error));
    });

    test("mixed auth: password administrator with a generated secret password, and Entra", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        const auth = server.props.authConfig as Record<string, unknown>;
        assert.equal(auth.activeDirectoryAuth, "Enabled");
        assert.equal(auth.passwordAuth, "Enabled");
        assert.equal(server.props.administratorLogin, "pgowner");
        assert.ok(server.secretKeys.includes("administratorLoginPassword"), "the password reaches Azure as a secret");
        assert.deepEqual(server.propertyDependencies.administratorLoginPassword, [one(run.resources, "random:index/randomPassword:RandomPassword").urn]);
        const password = one(run.resources, "random:index/randomPassword:RandomPassword");
        assert.equal(password.props.length, 32);
    });

    test("the tenant defaults to the deploying credential's", () => {
        assert.deepEqual(run.invokes.map((i) => i.token), ["azure-native:authorization:getClientConfig"]);
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        const tenantId = (server.props.authConfig as Record<string, unknown>).tenantId;
        assert.match(String(tenantId), /^[0-9a-f-]{36}$/);
        for (const admin of ofType(run.resources, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra")) {
            assert.equal(admin.props.tenantId, tenantId);
        }
    });

    test("admins are sent with the spec's exact principal types, User and Group (AdministratorsMicrosoftEntra.json, 2025-08-01)", () => {
        const admins = ofType(run.resources, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
        assert.deepEqual(admins.map((a) => [a.props.principalName, a.props.principalType]), [["dev-dba@contoso.com", "User"], ["Dev DB Admins", "Group"]]);
    });

    test("public access: firewall rules for the allowed address and the VM's egress, nothing allow-all", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(server.props.network, { publicNetworkAccess: "Enabled" });
        const rules = ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule");
        assert.deepEqual(rules.map((r) => [r.props.firewallRuleName, r.props.startIpAddress, r.props.endIpAddress]), [
            ["allow-203-0-113-10", "203.0.113.10", "203.0.113.10"],
            ["allow-vm-egress", "198.51.100.24", "198.51.100.24"],
        ]);
        assert.deepEqual(rules[1].propertyDependencies.startIpAddress, [byName(run.resources, "dev-net-nat-ip").urn]);
        assert.equal(ofType(run.resources, "azure-native:network:Subnet").some((s) => s.props.delegations), false, "no delegated subnet");
        assert.equal(ofType(run.resources, "azure-native:privatedns:PrivateZone").length, 0);
        assert.equal(ofType(run.resources, "azure-native:network:RouteTable").length, 0);
    });

    test("server writes form one chain: parameters, firewall rules, admins, databases (each created by the deployer, then declared to ARM)", () => {
        const owned = ofType(run.resources, "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase");
        const arm = ofType(run.resources, "azure-native:dbforpostgresql:Database");
        assert.equal(owned.length, arm.length);
        const chain = [
            ...ofType(run.resources, "azure-native:dbforpostgresql:Configuration"),
            ...ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule"),
            ...ofType(run.resources, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra"),
            ...owned.flatMap((o, i) => [o, arm[i]]),
        ];
        for (let i = 1; i < chain.length; i++) {
            assert.ok(chain[i].dependencies.includes(chain[i - 1].urn), `${chain[i].name} waits for ${chain[i - 1].name}`);
        }
    });

    test("Burstable, no HA, 7-day local backups, not protected", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(server.props.sku, { name: "Standard_B1ms", tier: "Burstable" });
        assert.equal((server.props.highAvailability as Record<string, unknown>).mode, "Disabled");
        assert.deepEqual(server.props.backup, { backupRetentionDays: 7, geoRedundantBackup: "Disabled" });
        assert.equal(server.protect, false);
        assert.equal((server.props.maintenanceWindow as Record<string, unknown>).customWindow, "Disabled");
        assert.equal(ofType(run.resources, "azure-native:monitor:DiagnosticSetting").length, 0, "diagnostics off in dev");
    });

    test("the generated password is exported only as a secret", async () => {
        const o = run.outputs as Record<string, unknown>;
        assert.equal(o.administratorLogin, "pgowner");
        const password = o.administratorPassword as pulumi.Output<string>;
        assert.ok(pulumi.Output.isInstance(password));
        assert.equal(await pulumi.isSecret(password), true);
        for (const [key, value] of Object.entries(o)) {
            if (key !== "administratorPassword" && !pulumi.Output.isInstance(value)) {
                assert.ok(!JSON.stringify(value ?? "").includes("Mock-"), `${key} holds no password`);
            }
        }
    });
});

describe("stack variants", () => {
    test("private access without a route table has no route table and no route", async () => {
        const run = await runStack("prod", (c: any) => { c.network.routeTable = false; });
        assert.equal(ofType(run.resources, "azure-native:network:RouteTable").length, 0);
        const subnet = byName(run.resources, "prod-net-server-subnet");
        assert.equal(subnet.props.routeTable, undefined);
        const rules = byName(run.resources, "prod-net-server-nsg").props.securityRules as Record<string, unknown>[];
        assert.ok(rules.some((r) => r.destinationAddressPrefix === "AzureActiveDirectory"), "the NSG rule stays");
    });

    test("allowAzureServices adds the 0.0.0.0 rule, and only then", async () => {
        const run = await runStack("dev", (c: any) => { c.network.allowAzureServices = true; });
        const rules = ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule");
        const azure = rules.filter((r) => r.props.startIpAddress === "0.0.0.0");
        assert.equal(azure.length, 1);
        assert.equal(azure[0].props.endIpAddress, "0.0.0.0");
    });

    test("CIDR and range entries become start–end firewall rules", async () => {
        const run = await runStack("dev", (c: any) => { c.network.allowedIps = ["198.51.100.0/28", "203.0.113.1-203.0.113.9"]; });
        const rules = ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule").filter((r) => r.props.firewallRuleName !== "allow-vm-egress");
        assert.deepEqual(rules.map((r) => [r.props.startIpAddress, r.props.endIpAddress]), [
            ["198.51.100.0", "198.51.100.15"],
            ["203.0.113.1", "203.0.113.9"],
        ]);
    });

    for (const [cloud, resource, zone] of [
        ["usgov", "https://ossrdbms-aad.database.usgovcloudapi.net", "entra-postgres-prod.private.postgres.database.usgovcloudapi.net"],
        ["china", "https://ossrdbms-aad.database.chinacloudapi.cn", "entra-postgres-prod.private.postgres.database.chinacloudapi.cn"],
    ]) {
        test(`cloud ${cloud}: token audience on the VM and DNS suffixes`, async () => {
            // No credential: the program asks for no token in any cloud (grants sign in when they are applied).
            setTokenSource(async () => { throw new Error("no credential in this test"); });
            const run = await runStack("prod", (c: any) => { c.cloud = cloud; c.location = cloud === "usgov" ? "usgovvirginia" : "chinanorth3"; }).finally(() => setTokenSource(undefined));
            assert.equal(run.error, undefined, String(run.error));
            const vm = one(run.resources, "azure-native:compute:VirtualMachine");
            const userData = Buffer.from(String((vm.props.osProfile as Record<string, unknown>).customData), "base64").toString("utf8");
            assert.ok(userData.includes(`resource='${resource}'`));
            assert.equal(one(run.resources, "azure-native:privatedns:PrivateZone").props.privateZoneName, zone);
            assert.match(String(run.outputs.connectCommand), /^az cloud set --name Azure(USGovernment|ChinaCloud) && /);
        });
    }

    test("an existing resource group is used by name, none is created", async () => {
        const run = await runStack("prod", (c: any) => { c.resourceGroupName = "rg-shared-data"; });
        assert.equal(ofType(run.resources, "azure-native:resources:ResourceGroup").length, 0);
        assert.equal(one(run.resources, "azure-native:dbforpostgresql:Server").props.resourceGroupName, "rg-shared-data");
    });

    test("parameters can be overridden and added; defaults stay otherwise", async () => {
        const run = await runStack("prod", (c: any) => { c.server.parameters = { log_checkpoints: "off", log_min_duration_statement: 500 }; });
        const values = Object.fromEntries(ofType(run.resources, "azure-native:dbforpostgresql:Configuration").map((p) => [p.props.configurationName, p.props.value]));
        assert.equal(values.log_checkpoints, "off");
        assert.equal(values.log_min_duration_statement, "500");
        assert.equal(values.require_secure_transport, "on");
    });

    test("PostgreSQL 18 leaves out the deprecated connection throttling", async () => {
        const run = await runStack("prod", (c: any) => { c.server.version = "18"; });
        const names = ofType(run.resources, "azure-native:dbforpostgresql:Configuration").map((p) => p.props.configurationName);
        assert.equal(names.includes("connection_throttle.enable"), false);
    });

    test("the VM can be left out", async () => {
        const run = await runStack("prod", (c: any) => { c.vm = { enabled: false }; });
        assert.equal(run.error, undefined, String(run.error));
        assert.equal(ofType(run.resources, "azure-native:compute:VirtualMachine").length, 0);
        assert.equal(run.outputs.vmName, undefined);
    });
});
