import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePolicies, type PolicyResult } from "../../plan/analyzer";
import { loadPolicyConfig } from "../../plan/analyzer/policyConfig";
import { editConfig, loadStackConfig } from "../../plan/engine/configEncoding";
import { runProgram } from "../../testing/program";

/**
 * A new stack, its settings copied from prod, with no policy config of its own (`pulumi preview --policy-pack
 * policies` without `--policy-pack-config`): every rule runs at the pack's default level, and the program passes
 * every one that is mandatory by default. The stack is named `staging`, which has no policies/config file.
 */
const stack = "staging";
const mandatory = (results: PolicyResult[]) => results.filter((r) => r.enforcementLevel === "mandatory").map((r) => `${r.policyName}: ${r.message}`);

async function planNew(change: (c: Record<string, any>) => void = () => undefined, preview = true) {
    const run = await runProgram(stack, editConfig(loadStackConfig("prod"), change), preview);
    assert.equal(run.error, undefined, String(run.error));
    return { run, results: await evaluatePolicies(run.resources, { stack }) };
}

describe("a new stack copied from prod, with the pack's defaults", () => {
    test("the stack has no policy config of its own", () => {
        assert.deepEqual(loadPolicyConfig(stack), {});
    });

    for (const preview of [true, false]) {
        test(`passes every mandatory rule (${preview ? "preview" : "update"})`, async () => {
            const { results } = await planNew(undefined, preview);
            assert.deepEqual(mandatory(results), []);
        });
    }

    // (Public access is a choice the pack's defaults refuse, by the setting's own rules; not tested here.)
    test("with network.access private-endpoint, too", async () => {
        const { results } = await planNew((c) => { c.network = { access: "private-endpoint" }; });
        assert.deepEqual(mandatory(results), []);
    });

    test("vm-no-extensions and nsg-lateral-traversal each ran and found nothing, rather than being skipped", async () => {
        const { run, results } = await planNew();
        const vm = run.resources.find((r) => r.type === "azure-native:compute:VirtualMachine");
        assert.equal((vm?.props.osProfile as { allowExtensionOperations?: boolean }).allowExtensionOperations, false);
        const nsgs = run.resources.filter((r) => r.type === "azure-native:network:NetworkSecurityGroup");
        assert.ok(nsgs.length >= 2, "the VM's and the server's NSG");
        for (const nsg of nsgs) {
            const rules = nsg.props.securityRules as { access: string; direction: string; destinationAddressPrefix: string; destinationPortRange?: string }[];
            const denied = rules.filter((r) => r.access === "Deny" && r.direction === "Outbound" && r.destinationAddressPrefix === "VirtualNetwork").map((r) => r.destinationPortRange);
            assert.deepEqual(denied, ["22", "3389"], nsg.name);
        }
        assert.deepEqual(results.filter((r) => ["vm-no-extensions", "nsg-lateral-traversal"].includes(r.policyName)), []);
    });

    test("vm.allowExtensions: true lets Azure run extensions, and the pack's default stops it until the stack opts out", async () => {
        const { run, results } = await planNew((c) => { c.vm.allowExtensions = true; });
        const vm = run.resources.find((r) => r.type === "azure-native:compute:VirtualMachine");
        assert.equal((vm?.props.osProfile as { allowExtensionOperations?: boolean }).allowExtensionOperations, true);
        assert.deepEqual(mandatory(results).map((m) => m.split(":")[0]), ["vm-no-extensions"]);
        const optedOut = await evaluatePolicies(run.resources, { config: { "vm-no-extensions": "advisory" } });
        assert.deepEqual(mandatory(optedOut), []);
    });

    test("the NSGs' deny leaves the VM's own traffic alone: 5432 to the server, 443 to Entra ID", async () => {
        const { run } = await planNew();
        for (const nsg of run.resources.filter((r) => r.type === "azure-native:network:NetworkSecurityGroup")) {
            for (const rule of nsg.props.securityRules as { access: string; destinationPortRange?: string; destinationPortRanges?: string[] }[]) {
                if (rule.access === "Deny") {
                    const ports = rule.destinationPortRanges ?? [rule.destinationPortRange];
                    assert.ok(!ports.includes("5432") && !ports.includes("443") && !ports.includes("*"), `${nsg.name}: ${JSON.stringify(rule)}`);
                }
            }
        }
    });
});
