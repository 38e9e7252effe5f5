import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { RecordedResource } from "../policies/evaluate";

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
}

export interface Recording {
    resources: RecordedRegistration[];
    /** Invokes the program made (token → inputs). */
    invokes: { token: string; inputs: Record<string, unknown> }[];
    /** What the program threw (e.g. a `ConfigError`), after which nothing more was registered. */
    error?: unknown;
}

export interface RecordOptions {
    stack: string;
    /** Raw stack config, as `pulumi.runtime.allConfig()` returns it (`ns:key` → string). */
    config: Record<string, string>;
    /**
     * Preview: outputs Azure computes (ids, FQDN, identities) stay unknown, as in `pulumi preview`.
     * Otherwise the mocks invent plausible values, as after `pulumi up`.
     */
    preview?: boolean;
}

/** Plain JSON of the stack's `Pulumi.<stack>.yaml` with the project's `Pulumi.yaml` defaults, as the CLI merges them. */
export function loadStackConfig(stack: string, file?: string): Record<string, string> {
    const project = parseYaml(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { config?: Record<string, { default?: unknown }> };
    const stackFile = file ?? path.join(projectRoot, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(`No stack settings at ${stackFile}. Stacks here: ${listStacks().join(", ")}.`);
    }
    const stackYaml = (parseYaml(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) {
            config[configKey(key)] = encodeConfigValue(decl.default);
        }
    }
    for (const [key, value] of Object.entries(stackYaml.config ?? {})) {
        config[configKey(key)] = encodeConfigValue(value);
    }
    return config;
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
}

/**
 * Records `program` (a function that declares resources, e.g. `() => require("../index")`). Resolves once
 * every registration has reached the mock monitor.
 */
export async function recordProgram(program: () => unknown, options: RecordOptions): Promise<Recording> {
    const recording: Recording = { resources: [], invokes: [] };
    const preview = options.preview ?? false;
    pulumi.runtime.setAllConfig(options.config, []);
    await pulumi.runtime.setMocks(azureMocks(preview), projectName, options.stack, preview);

    const settings = require("@pulumi/pulumi/runtime/settings");
    const rpc = require("@pulumi/pulumi/runtime/rpc");
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: (err: unknown, resp: unknown) => void) => {
        const urn: string = monitor.newUrn(req.getParent(), req.getType(), req.getName());
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
