import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { recordProgram } from "../../../plan/engine/recorder";
import { deserializeProperties, isSecretWireValue, sdkInternals, sdkInternalsProblems, unknownMarker } from "../../../plan/engine/sdkInternals";

/**
 * The recorder's reach into @pulumi/pulumi beyond its public API, all in plan/engine/sdkInternals.ts. When an SDK
 * upgrade renames or drops one of them, these fail and name it.
 */
class Secretive extends pulumi.CustomResource {
    constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Secretive", name, props, opts);
    }
}
class Holder extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Holder", name, {}, opts);
        this.registerOutputs({});
    }
}

describe("the SDK internals the recorder uses", () => {
    test("are all in the installed @pulumi/pulumi", () => {
        const problems = sdkInternalsProblems();
        assert.deepEqual(problems, [], `plan/engine/sdkInternals.ts needs updating for this @pulumi/pulumi:\n${problems.join("\n")}`);
    });

    test("a symbol the SDK dropped is reported by module and name", () => {
        const rpc = require("@pulumi/pulumi/runtime/rpc") as Record<string, unknown>;
        const saved = rpc.specialSecretSig;
        delete rpc.specialSecretSig;
        try {
            assert.ok(sdkInternalsProblems().includes("@pulumi/pulumi/runtime/rpc: specialSecretSig is missing"), sdkInternalsProblems().join("\n"));
        } finally {
            rpc.specialSecretSig = saved;
        }
        assert.deepEqual(sdkInternalsProblems(), []);
    });

    test("a mock monitor method the SDK renamed is reported, and the recorder refuses to run", async () => {
        const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: Record<string, unknown> } };
        const saved = MockMonitor.prototype.newUrn;
        delete MockMonitor.prototype.newUrn;
        try {
            assert.ok(sdkInternalsProblems().includes("@pulumi/pulumi/runtime/mocks: MockMonitor.newUrn is missing"));
            await assert.rejects(recordProgram(() => undefined, { stack: "dev", config: {} }), /MockMonitor\.newUrn is missing/);
        } finally {
            MockMonitor.prototype.newUrn = saved;
        }
    });

    test("every symbol listed is checked", () => {
        assert.deepEqual(
            sdkInternals.map((s) => `${s.module}.${s.symbol}`).sort(),
            ["output.unknown", "runtime/mocks.MockMonitor", "runtime/rpc.deserializeProperties", "runtime/rpc.specialSecretSig", "runtime/rpc.specialSigKey", "runtime/settings.getMonitor", "runtime/settings.waitForRPCs"],
        );
    });

    test("the secret signature is the one the SDK serializes secrets with", async () => {
        const rpc = require("@pulumi/pulumi/runtime/rpc") as { serializeProperties(label: string, props: Record<string, unknown>, opts?: { keepOutputValues?: boolean }): Promise<Record<string, unknown>> };
        const wire = await rpc.serializeProperties("test", { hidden: pulumi.secret("s3cret"), plain: "visible" });
        assert.equal(isSecretWireValue(wire.hidden), true);
        assert.equal(isSecretWireValue(wire.plain), false);
        const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(v: unknown): unknown } };
        const read = deserializeProperties(Struct.fromJavaScript(wire));
        assert.equal(read.plain, "visible");
        assert.equal(isSecretWireValue(read.hidden), true, "a secret stays marked after deserializing");
    });

    test("what the request carries reaches the recording: parent, dependencies, secrets, unknowns, ignoreChanges", async () => {
        const recording = await recordProgram(() => {
            const holder = new Holder("h");
            const first = new Secretive("first", { token: pulumi.secret("s3cret"), label: "plain" }, { parent: holder, ignoreChanges: ["label"] });
            new Secretive("second", { after: first.id }, { parent: holder, dependsOn: [first] });
        }, { stack: "dev", config: {}, preview: true });
        assert.equal(recording.error, undefined, String(recording.error));
        const [, first, second] = recording.resources;
        assert.equal(first.parent, recording.resources[0].urn);
        assert.deepEqual(first.secretKeys, ["token"]);
        assert.equal(isSecretWireValue(first.props.token), true);
        assert.equal(first.props.label, "plain");
        assert.deepEqual(first.ignoreChanges, ["label"]);
        assert.deepEqual(second.dependencies, [first.urn]);
        assert.deepEqual(second.propertyDependencies.after, [first.urn]);
        assert.deepEqual(second.unknownPaths, ["after"]);
        assert.notEqual(unknownMarker, undefined);
    });
});
