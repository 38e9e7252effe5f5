import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { RecordedResource } from "../policies/evaluate";
import { readStackFile, type StackFile } from "./stackFile";

/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and records every registration exactly as the engine
 * would receive it: type, name, inputs, parent, options and the dependency lists of the request. Azure is
 * replaced by `azureMocks`; nothing of the program is.
 *
 * Used by the tests, by `npm run plan` (offline review) and by the benchmarks.
 */

export const projectRoot = path.resolve(__dirname, "..");
export const projectName = "entra-postgres";
/** The program's entry point, `index.ts`. */
export const programEntry = require.resolve("../index");

/** A registration as recorded: what the policies see, plus which inputs were sent as secrets. */
export interface RecordedRegistration extends RecordedResource {
    /** Top-level input names whose value is (or contains) a secret. */
    secretKeys: string[];
    /** Dotted paths of inputs not known yet (preview); their value in `props` is `undefined`. */
    unknownPaths: string[];
    /** URNs this resource was known by before (its `aliases`), as the engine computes them. */
    aliases: string[];
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

/** Plain JSON of the stack's `Pulumi.<stack>.yaml` with the project's `Pulumi.yaml` defaults, as the CLI merges them. */
export function loadStackConfig(stack: string, file?: string): Record<string, string> {
    return loadStack(stack, file).config;
}

/**
 * The stack's settings as the engine hands them to the program, with what the plan had to stand in for
 * (`secure:` values, ESC environments: see `stackFile.ts`). `document`: the parsed stack file instead of one
 * on disk.
 */
export function loadStack(stack: string, file?: string, document?: unknown): { config: Record<string, string>; secretKeys: string[] } & Omit<StackFile, "config" | "secretKeys"> & { file: string } {
    const project = parseYaml(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { config?: Record<string, { default?: unknown }> };
    const stackFile = file ?? path.join(projectRoot, `Pulumi.${stack}.yaml`);
    if (document === undefined && !fs.existsSync(stackFile)) {
        throw new Error(`No stack settings at ${stackFile}. Stacks here: ${listStacks().join(", ")}.`);
    }
    const read = readStackFile(stackFile, document);
    const config: Record<string, string> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) {
            config[configKey(key)] = encodeConfigValue(decl.default);
        }
    }
    for (const [key, value] of Object.entries(read.config)) {
        config[configKey(key)] = encodeConfigValue(value);
    }
    const secretKeys = [...new Set(read.secretKeys.map((k) => configKey(k.split(/[.[]/)[0])))];
    return { config, secretKeys, standIns: read.standIns, environments: read.environments, file: stackFile };
}

/** Stack names: one per `Pulumi.<stack>.yaml` at the project root. */
export function listStacks(): string[] {
    return fs.readdirSync(projectRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A key as the engine hands it over: `entra-postgres:auth` for `auth`; keys of other namespaces unchanged. */
export function configKey(key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/** A value as the engine hands it over: strings as they are, anything structured as JSON. */
export function encodeConfigValue(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A deterministic GUID-shaped value from a seed, so recorded runs are repeatable. */
function fakeGuid(seed: string): string {
    let h = 0x811c9dc5;
    const hex: string[] = [];
    for (let round = 0; round < 4; round++) {
        for (const ch of `${round}:${seed}`) {
            h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
        }
        hex.push(h.toString(16).padStart(8, "0"));
    }
    const s = hex.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** The wire value of an output not known until the resource exists. */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Outputs Azure computes, which a preview shows as unknown (inputs pass through, as the provider's preview does). */
function computedInPreview(type: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "azure-native:dbforpostgresql:Server":
            return { fullyQualifiedDomainName: unknownValue };
        case "azure-native:compute:VirtualMachine":
            return { identity: { ...(inputs.identity ?? {}), principalId: unknownValue, tenantId: unknownValue } };
        case "azure-native:network:PublicIPAddress":
            return { ipAddress: unknownValue };
        case "random:index/randomPassword:RandomPassword":
            return { result: unknownValue };
        default:
            return {};
    }
}

/** What Azure would compute after `pulumi up`; in preview nothing is invented. */
function azureMocks(preview: boolean): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
            if (preview) {
                return { id: undefined, state: { ...args.inputs, ...computedInPreview(args.type, args.inputs) } };
            }
            const inputs = args.inputs as Record<string, any>;
            const state: Record<string, unknown> = { ...inputs, name: inputs.serverName ?? inputs.vmName ?? args.name };
            switch (args.type) {
                case "azure-native:dbforpostgresql:Server":
                    state.fullyQualifiedDomainName = `${inputs.serverName}.postgres.database.azure.com`;
                    break;
                case "azure-native:compute:VirtualMachine":
                    state.identity = { ...(inputs.identity ?? {}), principalId: fakeGuid(`principal:${args.name}`), tenantId: fakeGuid("tenant") };
                    break;
                case "random:index/randomPassword:RandomPassword":
                    state.result = `Mock-${fakeGuid(args.name)}`;
                    break;
                case "azure-native:network:PublicIPAddress":
                    state.ipAddress = "198.51.100.24";
                    break;
            }
            return { id: `/subscriptions/${fakeGuid("subscription")}/mock/${args.type.split(":").pop()}/${args.name}`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            if (args.token === "azure-native:authorization:getClientConfig") {
                return preview ? {} : {
                    tenantId: fakeGuid("tenant"),
                    subscriptionId: fakeGuid("subscription"),
                    clientId: fakeGuid("client"),
                    objectId: fakeGuid("deployer"),
                };
            }
            return {};
        },
    };
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getObject(): unknown;
    getAliasesList?(): AliasMessage[];
    getAliasurnsList?(): string[];
}

interface AliasMessage {
    hasUrn(): boolean;
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
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
 * Records `program` (a function that declares resources, e.g. `() => require("../index")`). Resolves once
 * every registration has reached the mock monitor.
 */
export async function recordProgram(program: () => unknown, options: RecordOptions): Promise<Recording> {
    const recording: Recording = { resources: [], invokes: [], engineViolations: [] };
    const preview = options.preview ?? false;
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(azureMocks(preview), projectName, options.stack, preview);

    const settings = require("@pulumi/pulumi/runtime/settings");
    const rpc = require("@pulumi/pulumi/runtime/rpc");
    const monitor = settings.getMonitor();
    monitor.newUrn = (parent: string, type: string, name: string) => engineUrn(options.stack, projectName, parent, type, name);
    const registered = new Set<string>();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: (err: unknown, resp: unknown) => void) => {
        const urn: string = monitor.newUrn(req.getParent(), req.getType(), req.getName());
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
            props: withoutUnknowns(rpc.deserializeProperties(req.getObject()), "", unknownPaths),
            unknownPaths,
            aliases: [
                ...(req.getAliasesList?.() ?? []).map((a) => aliasUrn(a, options.stack, parent, req.getType(), req.getName())),
                ...(req.getAliasurnsList?.() ?? []),
            ],
            parent: req.getParent() || undefined,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            provider: req.getProvider() || undefined,
            protect: req.getProtect(),
            custom: req.getCustom(),
        });
        return register(req, callback);
    };
    const invoke = monitor.invoke.bind(monitor);
    monitor.invoke = (req: { getTok(): string; getArgs(): unknown }, callback: (err: unknown, resp: unknown) => void) => {
        recording.invokes.push({ token: req.getTok(), inputs: rpc.deserializeProperties(req.getArgs()) });
        return invoke(req, callback);
    };

    try {
        await program();
    } catch (err) {
        recording.error = err;
    }
    await settings.waitForRPCs();
    if (recording.error === undefined && recording.engineViolations.length > 0) {
        recording.error = new EngineRuleError(recording.engineViolations);
    }
    return recording;
}

/** The marker Pulumi's wire format puts on a secret value. */
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

function containsSecret(value: unknown): boolean {
    if (value === null || typeof value !== "object") {
        return false;
    }
    if ((value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === secretSignature) {
        return true;
    }
    return Object.values(value as Record<string, unknown>).some(containsSecret);
}

/** Replaces the SDK's unknown markers by `undefined`, collecting their paths. */
function withoutUnknowns<T>(value: T, path: string, paths: string[]): T {
    if (value === pulumiUnknown) {
        paths.push(path);
        return undefined as T;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => withoutUnknowns(v, `${path}[${i}]`, paths)) as T;
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutUnknowns(v, path ? `${path}.${k}` : k, paths)])) as T;
    }
    return value;
}

const pulumiUnknown: unknown = require("@pulumi/pulumi/output").unknown;

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
