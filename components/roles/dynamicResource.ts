import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

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
 * When the program runs this package compiled, out of the copy its directory has installed, the provider host can
 * `require` the provider by package name, so the module text is a fixed one-liner (`packaged`) and nothing needs
 * serializing. Otherwise (from the TypeScript sources, or a copy the host would not find) the provider is serialized
 * exactly as `pulumi.dynamic.Resource` does it, once per provider object as the SDK caches it.
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
 * The module text stored in `__provider` for the installed package: the provider host evaluates it with `require`
 * resolving from the program's directory and calls `handler()`, which requires `exportName` of the package subpath
 * `module` (package.json `exports`).
 */
export function packagedProviderModule(module: string, exportName: string): string {
    return `exports.handler = () => require(${JSON.stringify(module)}).${exportName};\n`;
}

/**
 * What a dynamic resource hands to {@link DynamicResource}: the packaged module text when this module runs compiled
 * out of the package the program's directory has installed; otherwise (from the TypeScript sources, from another
 * copy, or with no installed package) the provider itself, serialized whole.
 */
export function providerOrPackaged(provider: pulumi.dynamic.ResourceProvider, module: string, exportName: string): pulumi.dynamic.ResourceProvider | string {
    return runsFromInstalledPackage() ? packagedProviderModule(module, exportName) : provider;
}

let packaged: boolean | undefined;

/**
 * Whether this module runs compiled (from `dist/`) out of the package that the program's directory has installed:
 * the first `node_modules/entra-postgres` from there upwards, which is where the provider host's `require` finds it.
 */
export function runsFromInstalledPackage(): boolean {
    if (packaged === undefined) {
        const installed = __filename.endsWith(".js") ? installedPackageRoot(process.cwd()) : undefined;
        // This file is <package>/dist/roles/dynamicResource.js.
        packaged = installed !== undefined && installed === fs.realpathSync(path.resolve(__dirname, "..", ".."));
    }
    return packaged;
}

/** Real path of the first `node_modules/entra-postgres` in `dir` or above, as Node's module lookup walks. */
function installedPackageRoot(dir: string): string | undefined {
    for (let at = path.resolve(dir); ; at = path.dirname(at)) {
        const candidate = path.join(at, "node_modules", "entra-postgres");
        if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
        if (path.dirname(at) === at) return undefined;
    }
}
