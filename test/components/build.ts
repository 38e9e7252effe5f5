import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { recordProgram, type RecordedRegistration } from "../../plan/engine/recorder";

/**
 * Builds one component on its own under the mocks that replace Azure (plan/engine/recorder.ts) and returns what the
 * engine would receive: every registration, in order. `declare` creates the component (and any resource it
 * should wait for); nothing else of the program runs.
 */
export async function build(declare: () => unknown): Promise<Built> {
    const recording = await recordProgram(declare, { stack: "unit", config: {} });
    assert.equal(recording.error, undefined, String(recording.error));
    return new Built(recording.resources);
}

/** A resource declared before the component, standing in for an earlier write it must wait for. */
export function earlier(name: string): pulumi.CustomResource {
    return new Write(name);
}

class Write extends pulumi.CustomResource {
    constructor(name: string) {
        super("unit:index:Write", name, {});
    }
}

export class Built {
    constructor(readonly resources: RecordedRegistration[]) {}

    /** The one component of `type`. */
    component(type: string): RecordedRegistration {
        const found = this.resources.filter((r) => r.type === type);
        assert.equal(found.length, 1, `one ${type}`);
        return found[0];
    }

    /** The resources whose parent is `parent`, as `[type, name]` in declaration order. */
    childrenOf(parent: RecordedRegistration): [string, string][] {
        return this.resources.filter((r) => r.parent === parent.urn).map((r) => [r.type, r.name]);
    }

    named(name: string): RecordedRegistration {
        const found = this.resources.find((r) => r.name === name);
        assert.ok(found, `a resource named ${name}; have ${this.resources.map((r) => r.name).join(", ")}`);
        return found;
    }

    ofType(type: string): RecordedRegistration[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** Names of the resources `resource` waits for (its dependency list, which holds its `dependsOn`). */
    waitsFor(resource: RecordedRegistration): string[] {
        return resource.dependencies.map((urn) => urn.split("::").pop()!).sort();
    }
}
