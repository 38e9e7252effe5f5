import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { pinnedProviderText } from "./providerText";

/**
 * The base of this package's dynamic resources (`EntraRole`, `EntraDatabase`, `EntraGrants`): what
 * `pulumi.dynamic.Resource` registers, with one difference in how the provider gets into the `__provider` input.
 *
 * The engine runs a dynamic resource's provider in the dynamic provider host, which evaluates the text in the
 * resource's `__provider` input as a module (`requireFromString(text).handler()`, its `require` resolving from the
 * program's directory) and calls the object `handler()` returns: pulumi/pulumi sdk/nodejs/cmd/dynamic-provider/index.ts,
 * `getProvider`. The type token is `pulumi-nodejs:dynamic/<module>:<type>`: sdk/nodejs/dynamic/index.ts, `Resource`.
 * `pulumi.dynamic.Resource` always produces that text with `pulumi.runtime.serializeFunction(() => provider)`,
 * which walks the provider's closure; its first call opens an inspector session and enables the debugger (V8 then
 * reports every script loaded, the whole Azure SDK included) and loads the TypeScript parser. Measured in
 * `npm run bench`, that is about 0.3 s of every preview.
 *
 * When the program runs this package compiled, out of the copy its own directory has installed, the provider host
 * can load the provider from that copy, so the module text is a short loader pinned to this version
 * (`packagedProviderModule`) and nothing needs serializing. Otherwise (from the TypeScript sources, or a copy the
 * loader would not use) the provider is serialized exactly as `pulumi.dynamic.Resource` does it, once per provider
 * object as the SDK caches it.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
    /**
     * @param provider The provider, or the module text (`exports.handler = () => provider`) to store as is.
     * @param module The type token's module (`entra-postgres`).
     * @param type The type token's type name (`EntraRole`).
     */
    constructor(provider: pulumi.dynamic.ResourceProvider | string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, module: string, type: string) {
        if (props[providerKey] !== undefined) throw new Error("A dynamic resource must not define the __provider key");
        super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, [providerKey]: typeof provider === "string" ? provider : serializedProvider(provider) }, opts);
    }
}

/** The input the provider host reads the provider from (sdk/nodejs/dynamic/index.ts, `providerKey`). */
const providerKey = "__provider";

const serialized = new WeakMap<pulumi.dynamic.ResourceProvider, pulumi.Output<string>>();

/** `serializeFunction(() => provider)`, a secret when the closure captured one: what `pulumi.dynamic.Resource` stores. */
function serializedProvider(provider: pulumi.dynamic.ResourceProvider): pulumi.Output<string> {
    let text = serialized.get(provider);
    if (text === undefined) {
        const result = pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        text = pulumi.output(result).apply((sf): pulumi.Output<string> => (sf.containsSecrets ? pulumi.secret(sf.text) : pulumi.output(sf.text)));
        serialized.set(provider, text);
    }
    return text;
}

/**
 * The module text stored in `__provider` for the installed package: pinned to this package's version (its
 * `package.json`), it loads `exportName` of the package subpath `module` (package.json `exports`) from the
 * program directory's own `node_modules/entra-postgres`, and says what to install when that copy is missing or
 * cannot serve the state (another major version, or older than the writer). See `providerText.ts`.
 *
 * What the pin names is a release, not a build: a registry version is immutable, so `0.2.0` is one exact code;
 * a git checkout (installed from a git URL, `npm link` or `file:`) carries whatever version its package.json says,
 * and is treated as that release. A program that needs one exact build runs from a registry or a packed tarball.
 */
export function packagedProviderModule(module: string, exportName: string, version: string = packageVersion()): string {
    return pinnedProviderText(module, exportName, version);
}

/** This package's version, from its package.json (`dist/roles/` or `components/roles/` is two levels below it). */
export function packageVersion(): string {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")) as { version?: unknown };
    return String(manifest.version);
}

/**
 * What a dynamic resource hands to {@link DynamicResource}: the pinned module text when this module runs compiled
 * out of the package installed in the program's own directory; otherwise (from the TypeScript sources, from a copy
 * in a parent directory's `node_modules`, or with no installed package) the provider itself, serialized whole, which
 * needs no package at all to be read or deleted later.
 */
export function providerOrPackaged(provider: pulumi.dynamic.ResourceProvider, module: string, exportName: string): pulumi.dynamic.ResourceProvider | string {
    return runsFromInstalledPackage() ? packagedProviderModule(module, exportName) : provider;
}

let packaged: boolean | undefined;

/**
 * Whether this module runs compiled (from `dist/`) out of `<program directory>/node_modules/entra-postgres`, the
 * only copy the pinned text loads. A copy Node would find in a parent directory's `node_modules` does not count.
 */
export function runsFromInstalledPackage(cwd: string = process.cwd()): boolean {
    if (cwd !== process.cwd()) return installedHere(cwd);
    packaged ??= installedHere(cwd);
    return packaged;
}

function installedHere(cwd: string): boolean {
    if (!__filename.endsWith(".js")) return false;
    const candidate = path.join(path.resolve(cwd), "node_modules", "entra-postgres");
    if (!fs.existsSync(path.join(candidate, "package.json"))) return false;
    // This file is <package>/dist/roles/dynamicResource.js.
    return fs.realpathSync(candidate) === fs.realpathSync(path.resolve(__dirname, "..", ".."));
}
