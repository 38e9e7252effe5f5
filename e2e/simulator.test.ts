/**
 * The simulated Azure's documented behaviours, checked on the provider object directly (no CLI, no
 * PostgreSQL): the end-to-end lifecycle only shows that the program avoids them.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import type { FaultRule } from "./providers/azure/client";

let dir: string;
let provider: pulumi.provider.Provider;
const rg = "rg-sim";
const server = "sim-server";
const urn = (type: string, name: string) => `urn:pulumi:sim::entra-postgres::${type}::${name}`;
const serverUrn = urn("azure-native:dbforpostgresql:Server", "s");
const ruleUrn = urn("entra-postgres:server:FlexibleServer$azure-native:dbforpostgresql:FirewallRule", "r");
const adminUrn = urn("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", "a");

before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-e2e-sim-"));
    process.env.ENTRA_E2E_SIM_DIR = dir;
    process.env.ENTRA_E2E_SERVER_OPERATION_MS = "200";
    fs.writeFileSync(path.join(dir, "signed-in.json"), JSON.stringify({
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", subscriptionId: "00000000-0000-4000-8000-00000000e2e0",
        objectId: "0c5d8e21-4a3b-4c7d-9e8f-1a2b3c4d5e11", clientId: "0c5d8e21-4a3b-4c7d-9e8f-1a2b3c4d5e11",
    }));
    // A server record whose PostgreSQL is never reached: the operations below fail before they would.
    fs.writeFileSync(path.join(dir, "azure-resources.json"), JSON.stringify({
        [`/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`]: {
            type: "azure-native:dbforpostgresql:Server",
            outputs: {
                resourceGroupName: rg, serverName: server, location: "westeurope", version: "16", state: "Ready",
                sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" }, storage: { storageSizeGB: 128, autoGrow: "Enabled" },
                backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" }, highAvailability: { mode: "Disabled" },
                authConfig: { activeDirectoryAuth: "Enabled" },
            },
        },
    }));
    // Loaded once the environment and state above are in place: the provider reads them when its module loads.
    provider = (require("./providers/azure-native") as typeof import("./providers/azure-native")).provider;
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const serverArmId = `/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`;
const serverInputs = {
    resourceGroupName: rg, serverName: server, location: "westeurope", version: "16",
    sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" }, storage: { storageSizeGB: 128, autoGrow: "Enabled" },
    backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" }, highAvailability: { mode: "Disabled" },
};
const stored = (id: string) => JSON.parse(fs.readFileSync(path.join(dir, "azure-resources.json"), "utf8"))[id];
const faults = (rules: FaultRule[]) => fs.writeFileSync(path.join(dir, "faults.json"), JSON.stringify(rules));
const requests = () => fs.readFileSync(path.join(dir, "azure-requests.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

describe("simulated Azure", () => {
    const rule = (name: string) => ({ resourceGroupName: rg, serverName: server, firewallRuleName: name, startIpAddress: "203.0.113.1", endIpAddress: "203.0.113.1" });

    test("two writes on one server at once: the second fails with 409 ServerBusy", async () => {
        const results = await Promise.allSettled([
            provider.create!(ruleUrn, rule("first")),
            provider.create!(ruleUrn, rule("second")),
        ]);
        assert.equal(results[0].status, "fulfilled");
        assert.equal(results[1].status, "rejected");
        assert.match(String((results[1] as PromiseRejectedResult).reason), /Status=409 Code="ServerBusy"/);
    });

    test("one write after the other succeeds", async () => {
        await provider.create!(ruleUrn, rule("third"));
        await provider.create!(ruleUrn, rule("fourth"));
    });

    test("an Entra admin write while the server updates fails with AadAuthOperationCannotBePerformedWhenServerIsNotAccessible", async () => {
        const id = `/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`;
        const olds = { resourceGroupName: rg, serverName: server, location: "westeurope", tags: {} };
        const update = provider.update!(id, serverUrn, olds, { ...olds, tags: { changed: "yes" } });
        await new Promise((r) => setTimeout(r, 50));
        const admin = provider.create!(adminUrn, {
            resourceGroupName: rg, serverName: server, objectId: "1d6e9f32-5b4c-4d8e-af90-2b3c4d5e6f12",
            principalName: "Prod DB Admins", principalType: "Group", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        });
        await assert.rejects(admin, /AadAuthOperationCannotBePerformedWhenServerIsNotAccessible/);
        await update;
    });

    test("principalType must be spelled as the 2025-08-01 spec spells it", async () => {
        const inputs = (principalType: string) => ({ resourceGroupName: rg, serverName: server, objectId: "x", principalName: "p", principalType });
        for (const ok of ["User", "Group", "ServicePrincipal"]) {
            assert.deepEqual((await provider.check!(adminUrn, undefined, inputs(ok))).failures, []);
        }
        for (const bad of ["user", "group", "servicePrincipal"]) {
            const { failures } = await provider.check!(adminUrn, undefined, inputs(bad));
            assert.equal(failures?.[0]?.property, "principalType", bad);
        }
    });

    test("read-only properties are refused as inputs", async () => {
        const { failures } = await provider.check!(serverUrn, undefined, { resourceGroupName: rg, serverName: "sim-ro", location: "westeurope", fullyQualifiedDomainName: "x.example" });
        assert.deepEqual(failures?.map((f) => f.property), ["fullyQualifiedDomainName"]);
    });

    describe("a request Azure's models refuse fails as Azure answers it", () => {
        const ruleUrn = urn("azure-native:dbforpostgresql:FirewallRule", "r");
        const rule = (extra: Record<string, unknown>) => ({ resourceGroupName: rg, serverName: server, firewallRuleName: "allow-office", startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.10", ...extra });
        const newServer = (extra: Record<string, unknown>) => ({
            resourceGroupName: rg, serverName: "sim-new", location: "westeurope", version: "17", sku: { name: "Standard_B1ms", tier: "Burstable" },
            storage: { storageSizeGB: 32 }, highAvailability: { mode: "Disabled" }, ...extra,
        });

        test("a name outside the 2025-08-01 pattern: InvalidParameter, at check and at the PUT", async () => {
            const { failures } = await provider.check!(ruleUrn, undefined, rule({ firewallRuleName: "allow.office" }));
            assert.deepEqual(failures?.map((f) => f.property), ["firewallRuleName"]);
            assert.match(failures![0].reason, /^InvalidParameter: .*firewallRules \(api-version 2025-08-01\).*pattern/);
            await assert.rejects(provider.create!(ruleUrn, rule({ firewallRuleName: "allow.office" })), /Status=400 Code="InvalidParameter" Message=".*property 'firewallRuleName'/);
            await assert.rejects(provider.create!(ruleUrn, rule({ firewallRuleName: `r${"a".repeat(80)}` })), /Code="InvalidParameter".*maxLength 80/);
            await assert.rejects(provider.create!(ruleUrn, rule({ startIpAddress: "203.0.113.300" })), /Code="InvalidParameter".*'startIpAddress'/);
        });

        test("an unknown property, a wrong type, a missing required one: InvalidRequestContent", async () => {
            await assert.rejects(provider.create!(serverUrn, newServer({ storage: { storageSizeGB: 32, sizeInGB: 32 } })), /Status=400 Code="InvalidRequestContent".*'storage\.sizeInGB' is not a property/);
            await assert.rejects(provider.create!(serverUrn, newServer({ storage: { storageSizeGB: "32" } })), /Code="InvalidRequestContent".*'storage\.storageSizeGB' is a string/);
            await assert.rejects(provider.create!(serverUrn, newServer({ storage: { storageSizeGB: 32.5 } })), /Code="InvalidRequestContent".*an integer/);
            await assert.rejects(provider.create!(serverUrn, newServer({ sku: { name: "Standard_B1ms" } })), /Code="InvalidRequestContent".*'sku\.tier' is required/);
            await assert.rejects(provider.create!(serverUrn, newServer({ state: "Ready" })), /Code="InvalidRequestContent".*'state' is read-only/);
        });

        test("an enum value in the wrong case, in a fixed and in an extensible enum: InvalidParameter", async () => {
            await assert.rejects(provider.create!(serverUrn, newServer({ highAvailability: { mode: "zoneRedundant" } })), /Code="InvalidParameter".*"zoneRedundant" is "ZoneRedundant" in another case/);
            await assert.rejects(provider.create!(serverUrn, newServer({ sku: { name: "Standard_B1ms", tier: "burstable" } })), /Code="InvalidParameter".*'sku\.tier'/);
            const vmUrn = urn("azure-native:compute:VirtualMachine", "vm");
            const { failures } = await provider.check!(vmUrn, undefined, { resourceGroupName: rg, vmName: "vm1", location: "westeurope", identity: { type: "systemAssigned" } });
            assert.deepEqual(failures?.map((f) => f.property), ["identity.type"]);
        });

        test("an update is held to the same facts", async () => {
            const id = `/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`;
            const olds = { resourceGroupName: rg, serverName: server, location: "westeurope", tags: {} };
            await assert.rejects(provider.update!(id, serverUrn, olds, { ...olds, network: { publicNetworkAccess: "enabled" } }), /Code="InvalidParameter".*'network\.publicNetworkAccess'/);
        });

        test("what the models allow passes: a value beyond an extensible enum, the spec's HA mode Disabled, PostgreSQL 18, values a preview does not know yet", async () => {
            assert.deepEqual((await provider.check!(serverUrn, undefined, newServer({ version: "18" }))).failures, []);
            assert.deepEqual((await provider.check!(serverUrn, undefined, newServer({ sku: { name: "Standard_B1ms", tier: "FutureTier" } }))).failures, []);
            const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            assert.deepEqual((await provider.check!(ruleUrn, undefined, rule({ serverName: unknown, startIpAddress: unknown }))).failures, []);
            // The setting's name is its URL's, which the check fills in: not the body's read-only `name`.
            const diagnostics = await provider.check!(urn("azure-native:monitor:DiagnosticSetting", "diag"), undefined, {
                resourceUri: `/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`,
                workspaceId: "/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/rg-sim/providers/Microsoft.OperationalInsights/workspaces/w",
                logs: [{ categoryGroup: "allLogs", enabled: true }],
            });
            assert.deepEqual(diagnostics.failures, []);
            assert.match(diagnostics.inputs.name, /^diag[0-9a-f]{8}$/);
        });
    });

    test("ids are ARM resource ids; names are generated when absent and kept across checks", async () => {
        const first = await provider.check!(urn("azure-native:resources:ResourceGroup", "prod-rg"), undefined, { location: "westeurope" });
        assert.match(first.inputs.resourceGroupName, /^prod-rg[0-9a-f]{8}$/);
        const again = await provider.check!(urn("azure-native:resources:ResourceGroup", "prod-rg"), first.inputs, { location: "westeurope" });
        assert.equal(again.inputs.resourceGroupName, first.inputs.resourceGroupName);
        const created = await provider.create!(urn("azure-native:resources:ResourceGroup", "prod-rg"), first.inputs);
        assert.equal(created.id, `/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/${first.inputs.resourceGroupName}`);
    });

    test("create-only properties come from the contracts: on the server itself they replace, nested ones are refused by Azure", async () => {
        const diff = (changes: Record<string, unknown>) => provider.diff!(serverArmId, serverUrn, serverInputs, { ...serverInputs, ...changes });
        assert.deepEqual((await diff({ administratorLogin: "other" })).replaces, ["administratorLogin"]);
        assert.deepEqual((await diff({ availabilityZone: "2" })).replaces, ["availabilityZone"]);
        const geo = await diff({ backup: { backupRetentionDays: 7, geoRedundantBackup: "Enabled" } });
        assert.equal(geo.changes, true);
        assert.deepEqual(geo.replaces, [], "azure-native sends an update for a nested create-only property");
        const before = JSON.stringify(stored(serverArmId));
        await assert.rejects(provider.update!(serverArmId, serverUrn, serverInputs, { ...serverInputs, backup: { backupRetentionDays: 7, geoRedundantBackup: "Enabled" } }),
            /Status=400 Code="PropertyChangeNotAllowed".*backup\.geoRedundantBackup/);
        assert.equal(JSON.stringify(stored(serverArmId)), before, "nothing changed");
        assert.deepEqual((await diff({ location: "West Europe" })).changes, false, "location compares as azure-native compares it");
    });

    test("a server update leaves the server Updating while it runs, then Ready", async () => {
        const update = provider.update!(serverArmId, serverUrn, serverInputs, { ...serverInputs, backup: { backupRetentionDays: 14, geoRedundantBackup: "Disabled" } });
        await new Promise((r) => setTimeout(r, 80));
        assert.equal(stored(serverArmId).outputs.state, "Updating");
        const { outs } = await update;
        assert.equal(outs!.state, "Ready");
        assert.deepEqual(Object.entries(outs!).filter(([, v]) => v === undefined), [], "no undefined output (the wire's Struct has none)");
        assert.equal(stored(serverArmId).outputs.state, "Ready");
        assert.equal(stored(serverArmId).outputs.backup.backupRetentionDays, 14);
    });

    test("storage cannot shrink and a major version cannot go down: refused before anything changes", async () => {
        const before = JSON.stringify(stored(serverArmId));
        await assert.rejects(provider.update!(serverArmId, serverUrn, serverInputs, { ...serverInputs, storage: { storageSizeGB: 64, autoGrow: "Enabled" } }),
            /Status=400 Code="StorageSizeCannotBeReduced".*128 GiB to 64 GiB/);
        await assert.rejects(provider.update!(serverArmId, serverUrn, serverInputs, { ...serverInputs, version: "15" }), /Code="MajorVersionDowngradeNotSupported"/);
        assert.equal(JSON.stringify(stored(serverArmId)), before);
    });

    test("429 with Retry-After is retried as azure-native's client retries it, and the write then succeeds", async () => {
        faults([{ match: { op: "create", type: "FirewallRule", name: "throttled" }, status: 429, code: "TooManyRequests", retryAfterSeconds: 2, times: 2 }]);
        await provider.create!(ruleUrn, rule("throttled"));
        const tries = requests().filter((r) => r.name === "throttled" && r.attempt !== undefined && r.answer !== undefined);
        assert.deepEqual(tries.map((r) => r.answer), ["429 TooManyRequests", "429 TooManyRequests", "accepted"]);
        assert.deepEqual(requests().filter((r) => r.name === "throttled" && r.retryInSeconds !== undefined).map((r) => r.retryInSeconds), [2, 2], "Retry-After is honoured");
    });

    test("a 5xx that persists is reported after 4 tries; ServerBusy and a Retry-After over 120 s are not retried", async () => {
        faults([{ match: { name: "broken" }, status: 503, code: "ServiceUnavailable", times: 9 }]);
        await assert.rejects(provider.create!(ruleUrn, rule("broken")), /Status=503 Code="ServiceUnavailable".*after 4 tries/);
        faults([{ match: { name: "busy" }, status: 409, code: "ServerBusy", times: 1 }]);
        await assert.rejects(provider.create!(ruleUrn, rule("busy")), /Status=409 Code="ServerBusy".*not retried/);
        faults([{ match: { name: "slow" }, status: 429, code: "TooManyRequests", retryAfterSeconds: 300, times: 1 }]);
        await assert.rejects(provider.create!(ruleUrn, rule("slow")), /Retry-After 300s exceeds the client's MaxRetryDelay of 120s/);
        assert.equal(requests().filter((r) => r.name === "busy" && r.answer).length, 1);
        // The faults are used up: a re-run converges.
        await provider.create!(ruleUrn, rule("broken"));
    });

    test("a long-running operation can fail after Azure accepted it: reported, nothing applied, a re-run converges", async () => {
        faults([{ match: { op: "update", type: "Server" }, status: 500, code: "InternalServerError", message: "An unexpected error occured while processing the request.", async: true }]);
        const news = { ...serverInputs, backup: { backupRetentionDays: 21, geoRedundantBackup: "Disabled" } };
        await assert.rejects(provider.update!(serverArmId, serverUrn, serverInputs, news), /Code="InternalServerError".*long-running operation ended Failed/);
        assert.equal(stored(serverArmId).outputs.backup.backupRetentionDays, 14);
        assert.equal(stored(serverArmId).outputs.state, "Ready");
        await provider.update!(serverArmId, serverUrn, serverInputs, news);
        assert.equal(stored(serverArmId).outputs.backup.backupRetentionDays, 21);
    });
});
