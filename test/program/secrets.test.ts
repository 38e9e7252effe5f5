import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { configSecretCheck } from "../../components/config/secretKeys";
import { editConfig, loadStack, loadStackConfig } from "../../plan/engine/configEncoding";
import { recordIndex, type RecordedRegistration } from "../../plan/engine/recorder";

/**
 * A setting held as a secret (`pulumi config set --path --secret vm.sshPublicKey …`) stays secret in every resource
 * input and stack output derived from it. The engine marks the setting's top-level key secret (config/secretKeys.ts);
 * the program runs under the mocks with that key secret and the recorder reads which inputs were sent as secrets.
 */
type Run = Awaited<ReturnType<typeof recordIndex>>;

async function runWithSecret(stack: "dev" | "prod", secret: string, change: (c: Record<string, any>) => void = () => undefined): Promise<Run> {
    const run = await recordIndex({ stack, config: editConfig(loadStackConfig(stack), change), secretKeys: [`entra-postgres:${secret}`] });
    assert.equal(run.error, undefined, String(run.error));
    return run;
}

const ofType = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
const secretInputs = (r: RecordedRegistration, ...inputs: string[]) => {
    for (const input of inputs) {
        assert.ok(r.secretKeys.includes(input), `${r.type} ${r.name}: ${input} is not secret (secret: ${r.secretKeys.join(", ") || "none"})`);
    }
};
async function isSecretOutput(value: unknown): Promise<boolean> {
    return pulumi.Output.isInstance(value) ? await (value as unknown as { isSecret: Promise<boolean> }).isSecret : false;
}

const entraRole = "pulumi-nodejs:dynamic/entra-postgres:EntraRole";
/** Which resources of a type a case is about (the network case: the rules of allowedIps, not the VM's egress rule). */
const about: Record<string, (r: RecordedRegistration) => boolean> = {
    "azure-native:dbforpostgresql:FirewallRule": (r) => r.name.includes("allow-secret-"),
    // The principals' roles, not the VM's.
    [entraRole]: (r) => r.name.startsWith("prod-access-role-prod-db-readonly"),
};

interface SecretCase {
    /** The setting made secret (its top-level key) and what it holds. */
    key: string;
    stack: "dev" | "prod";
    change?: (c: Record<string, any>) => void;
    /** Resource type → the inputs that must be secret, on every resource of that type. */
    inputs: Record<string, string[]>;
    /** Stack outputs that must be secret. */
    outputs?: string[];
}

const cases: SecretCase[] = [
    { key: "vm", stack: "dev", inputs: { "azure-native:compute:VirtualMachine": ["osProfile", "vmName", "hardwareProfile"] }, outputs: ["vmRoleName", "vmConnectCommand"] },
    {
        key: "network", stack: "dev", change: (c) => { c.network.allowedIps = ["203.0.113.7", "198.51.100.0/24"]; },
        inputs: { "azure-native:dbforpostgresql:FirewallRule": ["startIpAddress", "endIpAddress"], "azure-native:network:VirtualNetwork": ["addressSpace"], "azure-native:network:Subnet": ["addressPrefix"] },
    },
    { key: "tags", stack: "prod", change: (c) => { c.tags = { "cost-center": "cc-4711" }; }, inputs: { "azure-native:dbforpostgresql:Server": ["tags"], "azure-native:network:VirtualNetwork": ["tags"], "azure-native:compute:VirtualMachine": ["tags"] } },
    { key: "administratorLogin", stack: "dev", inputs: { "azure-native:dbforpostgresql:Server": ["administratorLogin"] }, outputs: ["administratorLogin"] },
    { key: "tenantId", stack: "prod", inputs: { "azure-native:dbforpostgresql:Server": ["authConfig"], "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": ["tenantId"] } },
    { key: "admins", stack: "prod", inputs: { "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": ["objectId", "principalName"] }, outputs: ["entraAdmins", "deployer"] },
    { key: "server", stack: "prod", inputs: { "azure-native:dbforpostgresql:Server": ["serverName", "sku", "storage", "backup"], "azure-native:privatedns:PrivateZone": ["privateZoneName"] }, outputs: ["serverFqdn", "connectCommand"] },
    { key: "databases", stack: "prod", inputs: { "azure-native:dbforpostgresql:Database": ["databaseName"] }, outputs: ["databases"] },
    { key: "principals", stack: "prod", inputs: { [entraRole]: ["roleName", "objectId"] } },
    { key: "resourceGroupName", stack: "prod", change: (c) => { c.resourceGroupName = "rg-shared-data"; }, inputs: { "azure-native:dbforpostgresql:Server": ["resourceGroupName"], "azure-native:network:VirtualNetwork": ["resourceGroupName"] }, outputs: ["resourceGroupName"] },
    { key: "location", stack: "prod", inputs: { "azure-native:dbforpostgresql:Server": ["location"], "azure-native:resources:ResourceGroup": ["location"] } },
    { key: "diagnostics", stack: "prod", inputs: { "azure-native:operationalinsights:Workspace": ["retentionInDays"] } },
];

describe("a secret setting stays secret in what is derived from it", () => {
    test("the SDK still tells the program which settings are secret", () => {
        assert.equal(typeof configSecretCheck(), "function", "@pulumi/pulumi runtime/config no longer exports isConfigSecret");
    });

    for (const c of cases) {
        test(`${c.key}: ${Object.entries(c.inputs).map(([t, i]) => `${t.split(":").pop()} ${i.join(", ")}`).join("; ")}`, async () => {
            const run = await runWithSecret(c.stack, c.key, c.change);
            for (const [type, inputs] of Object.entries(c.inputs)) {
                const found = ofType(run, type).filter(about[type] ?? (() => true));
                assert.ok(found.length > 0, `no ${type}`);
                found.forEach((r) => secretInputs(r, ...inputs));
            }
            for (const name of c.outputs ?? []) {
                assert.ok(await isSecretOutput(run.outputs[name]), `stack output ${name} is not secret`);
            }
        });
    }

    test("vm.sshPublicKey set with --path --secret: the key never reaches an input in plain text", async () => {
        const run = await runWithSecret("dev", "vm");
        const key = JSON.parse(loadStackConfig("dev")["entra-postgres:vm"]).sshPublicKey as string;
        for (const r of run.resources) {
            for (const [input, value] of Object.entries(r.props)) {
                if (JSON.stringify(value ?? null).includes(key.split(" ")[1])) {
                    assert.ok(r.secretKeys.includes(input), `${r.type} ${r.name}.${input} holds the key in plain text`);
                }
            }
        }
    });

    test("secret allowedIps do not name their firewall rules: names and URNs are never secret", async () => {
        const run = await runWithSecret("dev", "network", (c) => { c.network.allowedIps = ["203.0.113.7", "198.51.100.0/24"]; });
        const rules = ofType(run, "azure-native:dbforpostgresql:FirewallRule").filter((r) => r.name.includes("allow-secret-"));
        assert.equal(rules.length, 2);
        for (const r of run.resources) {
            assert.doesNotMatch(r.urn, /203-0-113-7|198-51-100/, r.urn);
        }
    });

    test("without secret settings nothing is sent as a secret that was not before", async () => {
        const run = await recordIndex({ stack: "prod", config: loadStackConfig("prod") });
        const server = ofType(run, "azure-native:dbforpostgresql:Server")[0];
        assert.deepEqual(server.secretKeys, []);
        assert.equal(await isSecretOutput(run.outputs.serverFqdn), false);
    });
});

describe("the offline plan stands in secure: values of the right shape", () => {
    test("a secure: entry in network.allowedIps plans, and its rule's inputs are secret", async () => {
        const doc = {
            config: {
                ...Object.fromEntries(Object.entries(loadStackConfig("dev")).map(([k, v]) => [k, /^[[{]/.test(v) ? JSON.parse(v) : v])),
            } as Record<string, any>,
        };
        doc.config["entra-postgres:network"] = { ...doc.config["entra-postgres:network"], allowedIps: ["203.0.113.7", { secure: "v1:AAAA" }] };
        doc.config["entra-postgres:vm"] = { ...doc.config["entra-postgres:vm"], sshPublicKey: { secure: "v1:BBBB" } };
        const stack = loadStack("dev", undefined, doc);
        assert.deepEqual(stack.secretKeys.sort(), ["entra-postgres:network", "entra-postgres:vm"]);
        const run = await recordIndex({ stack: "dev", config: stack.config, secretKeys: stack.secretKeys });
        assert.equal(run.error, undefined, String(run.error));
        const rules = ofType(run, "azure-native:dbforpostgresql:FirewallRule").filter((r) => r.name.includes("allow-secret-"));
        assert.equal(rules.length, 2);
        rules.forEach((r) => secretInputs(r, "startIpAddress", "endIpAddress"));
        secretInputs(ofType(run, "azure-native:compute:VirtualMachine")[0], "osProfile");
    });
});
