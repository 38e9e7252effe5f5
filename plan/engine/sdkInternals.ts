/**
 * The one module of the project that reaches into `@pulumi/pulumi` beyond its public API. Everything else of
 * the testing layer uses `pulumi.runtime.setMocks` (Azure's outputs, invokes) and what this module exports.
 *
 * The public mocks API hands `newResource` the type, name and inputs of a registration, but not what the
 * engine checks and the policies read: parent, dependency lists, aliases, which inputs are secret, which are
 * unknown. Those are only in the registration request the SDK sends to its monitor, so the recorder patches
 * the mock monitor's `registerResource` (and `newUrn`, to give the URNs the engine gives). The symbols used,
 * all in pulumi/pulumi sdk/nodejs:
 * - `runtime/settings`: `getMonitor()` (the mock monitor `setMocks` installed) and `waitForRPCs()`.
 * - `runtime/mocks`: `MockMonitor`'s `registerResource` and private `newUrn`.
 * - `runtime/rpc`: `deserializeProperties`, `specialSigKey` and `specialSecretSig` (the wire marker of a
 *   secret value).
 * - `output`: `unknown` (what `deserializeProperties` gives for a value not known at preview).
 *
 * `sdkInternalsProblems()` lists what the installed SDK no longer provides; test/plan/engine/sdkInternals.test.ts
 * fails with that list, and the recorder refuses to run with it, so an SDK upgrade that moves one of them is
 * caught by name rather than by a recording that silently lost its parents or secrets.
 */

/** The registration request the SDK sends its monitor (pulumi/pulumi proto/pulumi/resource.proto RegisterResourceRequest). */
export interface RegisterRequest {
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
    getIgnorechangesList?(): string[];
    getReplaceonchangesList?(): string[];
    getDeletebeforereplace?(): boolean;
}

/** An alias in a registration request: a URN, or a spec whose blanks are the resource's own values. */
export interface AliasMessage {
    hasUrn(): boolean;
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

type Callback = (err: unknown, resp: unknown) => void;

interface MockMonitorInternals {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: RegisterRequest, callback: Callback): unknown;
}

/** Every internal symbol this module uses: module path (under `@pulumi/pulumi/`), symbol, what it must be. */
export const sdkInternals: readonly { module: string; symbol: string; kind: "function" | "string" | "object" }[] = [
    { module: "runtime/settings", symbol: "getMonitor", kind: "function" },
    { module: "runtime/settings", symbol: "waitForRPCs", kind: "function" },
    { module: "runtime/rpc", symbol: "deserializeProperties", kind: "function" },
    { module: "runtime/rpc", symbol: "specialSigKey", kind: "string" },
    { module: "runtime/rpc", symbol: "specialSecretSig", kind: "string" },
    { module: "output", symbol: "unknown", kind: "object" },
    { module: "runtime/mocks", symbol: "MockMonitor", kind: "function" },
];

/** The mock monitor's methods the recorder replaces. */
export const mockMonitorMethods: readonly string[] = ["newUrn", "registerResource"];

function load(module: string): Record<string, unknown> | undefined {
    try {
        return require(`@pulumi/pulumi/${module}`) as Record<string, unknown>;
    } catch {
        return undefined;
    }
}

/**
 * What the installed `@pulumi/pulumi` no longer provides of what this module uses, one line per symbol
 * (e.g. "@pulumi/pulumi/runtime/rpc: specialSecretSig is missing"). Empty when all is in place.
 */
export function sdkInternalsProblems(): string[] {
    const problems: string[] = [];
    for (const { module, symbol, kind } of sdkInternals) {
        const loaded = load(module);
        if (loaded === undefined) {
            problems.push(`@pulumi/pulumi/${module}: the module is missing (needed for ${symbol})`);
            continue;
        }
        const value = loaded[symbol];
        if (value === undefined) {
            problems.push(`@pulumi/pulumi/${module}: ${symbol} is missing`);
        } else if (typeof value !== kind) {
            problems.push(`@pulumi/pulumi/${module}: ${symbol} is a ${typeof value}, expected a ${kind}`);
        }
    }
    const mockMonitor = load("runtime/mocks")?.MockMonitor as { prototype?: Record<string, unknown> } | undefined;
    for (const method of mockMonitorMethods) {
        if (mockMonitor?.prototype !== undefined && typeof mockMonitor.prototype[method] !== "function") {
            problems.push(`@pulumi/pulumi/runtime/mocks: MockMonitor.${method} is missing`);
        }
    }
    return problems;
}

function assertSdkInternals(): void {
    const problems = sdkInternalsProblems();
    if (problems.length > 0) {
        throw new Error(`The installed @pulumi/pulumi changed internals the recorder uses (plan/engine/sdkInternals.ts):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
}

const settings = () => require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown; waitForRPCs(): Promise<void> };
const rpc = () => require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(o: unknown): Record<string, unknown>; specialSigKey: string; specialSecretSig: string };

/** Inputs of a registration or an invoke as the program gave them (secrets unwrapped, unknowns as {@link unknownMarker}). */
export function deserializeProperties(object: unknown): Record<string, unknown> {
    return rpc().deserializeProperties(object);
}

/** Whether `value` (a wire value) is a secret: an object carrying the SDK's secret signature. */
export function isSecretWireValue(value: unknown): boolean {
    const { specialSigKey, specialSecretSig } = rpc();
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/**
 * The wire form of a secret holding `value`, as the SDK serializes `pulumi.secret(value)` and as the engine hands
 * secrets to a provider plugin: an object whose signature key carries the secret signature.
 */
export function secretWireValue<T>(value: T): { value: T } {
    const { specialSigKey, specialSecretSig } = rpc();
    return { [specialSigKey]: specialSecretSig, value } as { value: T };
}

/** What `deserializeProperties` gives for a value not known yet (preview). */
export const unknownMarker: unknown = require("@pulumi/pulumi/output").unknown;

/** Resolves once every registration and invoke the program started has reached the monitor. */
export function waitForRegistrations(): Promise<void> {
    return settings().waitForRPCs();
}

/**
 * Installed after `pulumi.runtime.setMocks`: gives the mock monitor the engine's URNs (`newUrn`) and shows
 * `onRegister` every registration request, with the URN it gets, before the mocks answer it.
 */
export function interceptRegistrations(newUrn: (parent: string, type: string, name: string) => string, onRegister: (req: RegisterRequest, urn: string) => void): void {
    assertSdkInternals();
    const monitor = settings().getMonitor() as MockMonitorInternals;
    monitor.newUrn = newUrn;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: Callback) => {
        onRegister(req, monitor.newUrn(req.getParent(), req.getType(), req.getName()));
        return register(req, callback);
    };
}
