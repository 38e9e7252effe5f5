import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { EngineRuleError, engineUrn, recordProgram } from "../../../plan/engine/recorder";

/** The recorder holds the engine's rules, which `setMocks` alone does not. */
class Thing extends pulumi.CustomResource {
    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, {}, opts);
    }
}
class Group extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Group", name, {}, opts);
        this.registerOutputs({});
    }
}

describe("the recorder enforces the engine's rules", () => {
    test("URNs are the engine's: every ancestor's type, the root stack left out", () => {
        assert.equal(engineUrn("dev", "p", "", "t:m:A", "a"), "urn:pulumi:dev::p::t:m:A::a");
        assert.equal(engineUrn("dev", "p", "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "t:m:A", "a"), "urn:pulumi:dev::p::t:m:A::a");
        assert.equal(engineUrn("dev", "p", "urn:pulumi:dev::p::t:m:G$t:m:H::h", "t:m:A", "a"), "urn:pulumi:dev::p::t:m:G$t:m:H$t:m:A::a");
    });

    test("two registrations with one URN stop the run with the engine's message", async () => {
        const recording = await recordProgram(() => {
            const group = new Group("g");
            new Thing("same", { parent: group });
            new Thing("same", { parent: group });
            new Thing("same"); // another parent: another URN
        }, { stack: "dev", config: {} });
        assert.ok(recording.error instanceof EngineRuleError, String(recording.error));
        assert.deepEqual(recording.engineViolations, [
            "Duplicate resource URN 'urn:pulumi:dev::entra-postgres::test:index:Group$test:index:Thing::same'; try giving it a unique name",
        ]);
        assert.match(String(recording.error), /Duplicate resource URN/);
    });

    test("a parent or a dependency that was never registered is refused", async () => {
        let outsider: Thing | undefined;
        await recordProgram(() => {
            outsider = new Thing("elsewhere");
        }, { stack: "dev", config: {} });
        const recording = await recordProgram(() => {
            new Thing("child", { parent: outsider });
            new Thing("waits", { dependsOn: [outsider!] });
        }, { stack: "dev", config: {} });
        const outsiderUrn = "urn:pulumi:dev::entra-postgres::test:index:Thing::elsewhere";
        assert.deepEqual(recording.engineViolations.sort(), [
            `could not find parent resource ${outsiderUrn}`,
            `resource urn:pulumi:dev::entra-postgres::test:index:Thing::waits's dependency ${outsiderUrn} refers to missing resource`,
        ]);
        assert.ok(recording.error instanceof EngineRuleError);
    });

    test("a provider that was never registered is refused", async () => {
        let provider: pulumi.ProviderResource | undefined;
        await recordProgram(() => {
            provider = new (class extends pulumi.ProviderResource {
                constructor() {
                    super("test", "elsewhere", {});
                }
            })();
        }, { stack: "dev", config: {} });
        const recording = await recordProgram(() => {
            new Thing("uses", { provider });
        }, { stack: "dev", config: {} });
        assert.equal(recording.engineViolations.length, 1, recording.engineViolations.join("\n"));
        assert.match(recording.engineViolations[0], /^bad provider reference 'urn:pulumi:dev::entra-postgres::pulumi:providers:test::elsewhere::.*' for resource/);
    });

    test("a valid program has no violations and no error", async () => {
        const recording = await recordProgram(() => {
            const group = new Group("g");
            const a = new Thing("a", { parent: group });
            new Thing("b", { parent: group, dependsOn: [a] });
        }, { stack: "dev", config: {} });
        assert.deepEqual(recording.engineViolations, []);
        assert.equal(recording.error, undefined);
        assert.equal(recording.resources.length, 3);
    });
});
