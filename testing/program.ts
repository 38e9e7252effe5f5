import { editConfig, loadStackConfig } from "../plan/engine/configEncoding";
import { recordIndex, type RecordedRegistration as RecordedResource, type Recording } from "../plan/engine/recorder";

export { editConfig };

export interface ProgramRun extends Recording {
    /** The stack outputs `index.ts` exports. */
    outputs: Record<string, unknown>;
}

/** Runs the real `index.ts` under mocks with `config` (raw `ns:key` → string) and records it. */
export function runProgram(stack: string, config: Record<string, string>, preview = false): Promise<ProgramRun> {
    return recordIndex({ stack, config, preview });
}

/** Runs a shipped stack (`Pulumi.<stack>.yaml` over `Pulumi.yaml` defaults), optionally with settings changed. */
export function runStack(stack: string, change: (config: Record<string, unknown>) => void = () => undefined, preview = false): Promise<ProgramRun> {
    return runProgram(stack, editConfig(loadStackConfig(stack), change), preview);
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

export function one(resources: RecordedResource[], type: string): RecordedResource {
    const found = ofType(resources, type);
    if (found.length !== 1) {
        throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}

export function byName(resources: RecordedResource[], name: string): RecordedResource {
    const found = resources.find((r) => r.name === name);
    if (!found) {
        throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(", ")}`);
    }
    return found;
}

/** True when `resource` waits for `other`, directly or through a chain of dependencies. */
export function dependsOnTransitively(resources: RecordedResource[], resource: RecordedResource, other: RecordedResource): boolean {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const stack = [...resource.dependencies];
    while (stack.length > 0) {
        const urn = stack.pop()!;
        if (urn === other.urn) {
            return true;
        }
        if (!seen.has(urn)) {
            seen.add(urn);
            stack.push(...(byUrn.get(urn)?.dependencies ?? []));
        }
    }
    return false;
}
