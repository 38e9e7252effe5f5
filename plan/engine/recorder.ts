import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../analyzer/run";
import { azureMocks } from "./mocks";
import { programEntry, projectName } from "./project";
import { deserializeProperties, interceptRegistrations, waitForRegistrations, type AliasMessage } from "./sdkInternals";
import { containsSecret, secretPaths, withoutUnknowns } from "./wire";

/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and records every registration exactly as the engine
 * would receive it: type, name, inputs, parent, options and the dependency lists of the request. Azure is
 * replaced by `azureMocks`; nothing of the program is.
 *
 * Used by the tests, by `npm run plan` (offline review) and by the benchmarks. What the public mocks API
 * cannot show (parent, dependencies, aliases, secrets, unknowns) comes through `sdkInternals.ts`, and the
 * engine's rules the mock monitor does not apply are applied here (see {@link EngineRuleError}).
 */

/** A registration as recorded: what the policies see, plus which inputs were sent as secrets. */
export interface RecordedRegistration extends RecordedResource {
    /** Top-level input names whose value is (or contains) a secret. */
    secretKeys: string[];
    /** Dotted paths of inputs not known yet (preview); their value in `props` is `undefined`. */
    unknownPaths: string[];
    /** URNs this resource was known by before (its `aliases`), as the engine computes them. */
    aliases: string[];
    /** Property paths of the resource's `ignoreChanges` option (always set by the recorder). */
    ignoreChanges?: string[];
    /** Property paths of the resource's `replaceOnChanges` option. */
    replaceOnChanges?: string[];
    /** Dotted paths of the inputs sent as secrets, at the depth the secret was made (`osProfile.linuxConfiguration…`). */
    secretPaths?: string[];
    /** The resource's `deleteBeforeReplace` option: a replacement removes the old resource before creating the new. */
    deleteBeforeReplace?: boolean;
}

export interface Recording {
    resources: RecordedRegistration[];
    /**
     * Registrations the Pulumi engine would refuse (see {@link EngineRuleError}); `pulumi up` stops at the
     * first. Empty when the program is valid for the engine.
     */
    engineViolations: string[];
    /** Invokes the program made (token → inputs). */
    invokes: { token: string; inputs: Record<string, unknown> }[];
    /**
     * What the program threw (e.g. a `ConfigError`), after which nothing more was registered; or, when the
     * program ran but registered something the engine refuses, an {@link EngineRuleError}.
     */
    error?: unknown;
}

/**
 * A registration the Pulumi engine refuses, which `setMocks` lets through: a URN registered twice, a parent
 * or a dependency that was never registered. The messages are the engine's own:
 * - "Duplicate resource URN '%v'; try giving it a unique name": pulumi/pulumi pkg/diag/errors.go
 *   (GetDuplicateResourceURNError, commit de6ad611bfa0c6956df3f276d993cbd3560026cb), raised by
 *   stepGenerator.generateURN in pkg/resource/deploy/step_generator.go (commit 00285a9b6248a4a7606fd8eb3d3485f7c2e5de12).
 * - "could not find parent resource %v": stepGenerator.checkParent, same file.
 * - "resource %s's dependency %s refers to missing resource": the snapshot integrity check,
 *   pkg/resource/deploy/snapshot.go (commit a8ea363df970c58709097b3ab28e82afc5a0d9ce).
 * - "bad provider reference '%v' for resource '%v': %v": GetBadProviderError, pkg/diag/errors.go.
 */
export class EngineRuleError extends Error {
    constructor(readonly violations: readonly string[]) {
        super(`The Pulumi engine would refuse this program (${violations.length} problem${violations.length === 1 ? "" : "s"}):\n${violations.map((v) => `  - ${v}`).join("\n")}`);
        this.name = "EngineRuleError";
    }
}

/**
 * The URN the engine gives a registration: the parent's full qualified type (every ancestor's type joined by
 * `$`, the root stack left out), then the type and the name. `setMocks` keeps only the parent's own type, which
 * is not what a deployed stack holds. pulumi/pulumi pkg/resource/deploy/deployment.go `generateURN`.
 */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    let parentType = "";
    if (parent) {
        const qualified = parent.split("::")[2] ?? "";
        if (qualified.split("$").pop() !== "pulumi:pulumi:Stack") {
            parentType = qualified;
        }
    }
    return `urn:pulumi:${stack}::${project}::${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

export interface RecordOptions {
    stack: string;
    /** Raw stack config, as `pulumi.runtime.allConfig()` returns it (`ns:key` → string). */
    config: Record<string, string>;
    /** Keys of `config` the engine would mark secret. */
    secretKeys?: string[];
    /**
     * Preview: outputs Azure computes (ids, FQDN, identities) stay unknown, as in `pulumi preview`.
     * Otherwise the mocks invent plausible values, as after `pulumi up`.
     */
    preview?: boolean;
}

/** The URN an alias stands for: a URN as given, or a spec whose blanks are the resource's own values. */
function aliasUrn(alias: AliasMessage, stack: string, parent: string, type: string, name: string): string {
    if (alias.hasUrn()) {
        return alias.getUrn();
    }
    const spec = alias.getSpec()!;
    const aliasParent = spec.getNoparent() ? "" : spec.getParenturn() || parent;
    return engineUrn(spec.getStack() || stack, spec.getProject() || projectName, aliasParent, spec.getType() || type, spec.getName() || name);
}

/**
 * Records `program` (a function that declares resources, e.g. `() => require("../../index")`). Resolves once
 * every registration has reached the mock monitor.
 */
export async function recordProgram(program: () => unknown, options: RecordOptions): Promise<Recording> {
    const recording: Recording = { resources: [], invokes: [], engineViolations: [] };
    const preview = options.preview ?? false;
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(azureMocks(preview, (token, inputs) => recording.invokes.push({ token, inputs })), projectName, options.stack, preview);

    const registered = new Set<string>();
    interceptRegistrations((parent, type, name) => engineUrn(options.stack, projectName, parent, type, name), (req, urn) => {
        // The engine's checks, in the engine's order: parent, URN, then (at the snapshot) dependencies.
        const parent = req.getParent();
        if (parent && !registered.has(parent)) {
            recording.engineViolations.push(`could not find parent resource ${parent}`);
        }
        if (registered.has(urn)) {
            recording.engineViolations.push(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        }
        const dependencies = new Set(req.getDependenciesList());
        req.getPropertydependenciesMap().forEach((value) => value.getUrnsList().forEach((d) => dependencies.add(d)));
        for (const dependency of dependencies) {
            if (!registered.has(dependency)) {
                recording.engineViolations.push(`resource ${urn}'s dependency ${dependency} refers to missing resource`);
            }
        }
        const provider = req.getProvider();
        if (provider) {
            const providerUrn = provider.split("::").slice(0, -1).join("::");
            if (!registered.has(providerUrn)) {
                recording.engineViolations.push(`bad provider reference '${provider}' for resource '${urn}': the provider was never registered`);
            }
        }
        registered.add(urn);
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => {
            propertyDependencies[key] = value.getUrnsList();
        });
        const raw = (req.getObject() as { toJavaScript(): Record<string, unknown> }).toJavaScript();
        const unknownPaths: string[] = [];
        recording.resources.push({
            urn,
            secretKeys: Object.keys(raw).filter((key) => containsSecret(raw[key])),
            type: req.getType(),
            name: req.getName(),
            props: withoutUnknowns(deserializeProperties(req.getObject()), "", unknownPaths),
            unknownPaths,
            aliases: [
                ...(req.getAliasesList?.() ?? []).map((a) => aliasUrn(a, options.stack, parent, req.getType(), req.getName())),
                ...(req.getAliasurnsList?.() ?? []),
            ],
            ignoreChanges: req.getIgnorechangesList?.() ?? [],
            replaceOnChanges: req.getReplaceonchangesList?.() ?? [],
            deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
            secretPaths: secretPaths(raw, ""),
            parent: req.getParent() || undefined,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            provider: req.getProvider() || undefined,
            protect: req.getProtect(),
            custom: req.getCustom(),
        });
    });

    // The SDK formats a full stack trace for every resource (@pulumi/pulumi resource.js, `Resource.stackTrace`, with
    // Error.stackTraceLimit raised to Infinity) and for every promise it tracks (runtime/debuggable.js); with source
    // maps on (tsx turns them on), every frame of each is mapped back to TypeScript: a quarter of a plan's time
    // (0.31 s against 0.23 s a plan of dev, median of 5, bench/results.md machine). The recording reports errors by
    // message; a program bug's stack then points at the transpiled lines, which tsx keeps close to the source's.
    const sourceMaps = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try {
        await program();
    } catch (err) {
        recording.error = err;
    }
    try {
        await waitForRegistrations();
    } finally {
        process.setSourceMapsEnabled(sourceMaps);
    }
    if (recording.error === undefined && recording.engineViolations.length > 0) {
        recording.error = new EngineRuleError(recording.engineViolations);
    }
    return recording;
}

/**
 * Runs `index.ts` afresh (a module loaded by an earlier run is loaded again) and records it. `outputs` are the
 * module's exports: the stack outputs.
 */
export async function recordIndex(options: RecordOptions): Promise<Recording & { outputs: Record<string, unknown> }> {
    delete require.cache[programEntry];
    let outputs: Record<string, unknown> = {};
    const recording = await recordProgram(() => {
        outputs = require(programEntry);
    }, options);
    return { ...recording, outputs };
}

/** Resolves an output's value (undefined when unknown), for assertions. */
export function unwrap<T>(output: pulumi.Output<T> | T): Promise<T | undefined> {
    if (!pulumi.Output.isInstance(output)) {
        return Promise.resolve(output as T);
    }
    return new Promise((resolve) => (output as pulumi.Output<T>).apply((v) => resolve(v)));
}
