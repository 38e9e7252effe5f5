/**
 * The provider text a program that runs the installed package stores in each dynamic resource's `__provider`
 * (see `dynamicResource.ts`), and how the providers tell it apart. Imports nothing: the providers' `diff` uses
 * {@link providerTextMigrates}, and Pulumi serializes the providers by value when the program runs from sources.
 */

/**
 * The first line of the pinned text: its format and the version of `entra-postgres` that wrote it. Format 1 loads
 * the package from `<program directory>/node_modules/entra-postgres` only, and only a version that can serve the
 * state (the same major version, at or above the writer's).
 */
export const pinnedTextHeader = "// entra-postgres provider module, format 1, written by entra-postgres@";

/** A semantic version as `package.json` carries it: `0.2.0`, `1.4.0-rc.1`, `1.4.0+build.7`. */
const versionPattern = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The version named by a pinned text's header, or `undefined` for any other text (a closure, 0.1.0's one-liner). */
export function pinnedTextVersion(text: unknown): string | undefined {
    if (typeof text !== "string" || !text.startsWith(pinnedTextHeader)) return undefined;
    const version = text.slice(pinnedTextHeader.length, text.indexOf("\n"));
    return versionPattern.test(version) ? version : undefined;
}

/**
 * Whether an update must rewrite the resource's provider text: the program now stores a pinned text, and the
 * state holds another one (0.1.0's unpinned `require`, a serialized closure, or another version's pin). The
 * engine runs `read` and `delete` with the text in the state, so without the update a stack upgraded from 0.1.0
 * would go on loading whatever `entra-postgres` Node finds, ancestors' `node_modules` included. Closures are
 * never rewritten for a closure: each run from sources serializes anew, and Pulumi's own dynamic resources do
 * not update for that either.
 */
export function providerTextMigrates(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    const next = news.__provider;
    return pinnedTextVersion(next) !== undefined && olds.__provider !== next;
}

/**
 * The module text stored in `__provider` for the installed package `version`: it checks what the program's own
 * `node_modules/entra-postgres` is, then requires `exportName` of the package subpath `subpath` (package.json
 * `exports`) from that package and no other. The dynamic provider host evaluates it with `require` resolving from
 * the program's directory (its working directory): pulumi/pulumi sdk/nodejs/cmd/dynamic-provider/index.ts,
 * `getProvider`, `requireFromString(text)` with no file name.
 */
export function pinnedProviderText(subpath: string, exportName: string, version: string): string {
    if (!versionPattern.test(version)) throw new Error(`entra-postgres has no valid version in its package.json (found "${version}").`);
    const q = JSON.stringify;
    return [
        `${pinnedTextHeader}${version}`,
        `// Loads ${subpath} (${exportName}) from the program directory's own node_modules/entra-postgres, never from a`,
        `// parent directory's, and only a version that serves state written by ${version}: the same major version, ${version} or later.`,
        "exports.handler = () => {",
        `    const written = ${q(version)}, subpath = ${q(subpath)}, exportName = ${q(exportName)};`,
        '    const fs = require("fs"), path = require("path"), Module = require("module");',
        "    const program = process.cwd();",
        '    const root = path.join(program, "node_modules", "entra-postgres");',
        "    const refuse = (why) => new Error(",
        "        `entra-postgres ${written} wrote this resource's state; its provider (${subpath}) cannot be loaded: ${why} ` +",
        "        `Fix: in ${program} run \\`npm install entra-postgres@${written}\\` (or a later ${written.split(\".\")[0]}.x version). ` +",
        "        \"An entra-postgres in a parent directory's node_modules is not used.\");",
        "    let manifest;",
        '    try { manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")); }',
        "    catch { throw refuse(`the program directory has no node_modules/entra-postgres (${root}).`); }",
        "    const parse = (v) => /^(\\d+)\\.(\\d+)\\.(\\d+)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$/.exec(String(v));",
        "    const want = parse(written), have = parse(manifest && manifest.version);",
        '    if (!manifest || manifest.name !== "entra-postgres" || !have) {',
        "        throw refuse(`${root} is not an entra-postgres release (name ${JSON.stringify(manifest && manifest.name)}, version ${JSON.stringify(manifest && manifest.version)}).`);",
        "    }",
        "    let order = 0;",
        "    for (let i = 1; i <= 3 && order === 0; i++) order = Number(have[i]) - Number(want[i]);",
        "    if (order === 0 && have[4] !== want[4]) order = have[4] === undefined ? 1 : want[4] === undefined ? -1 : have[4] < want[4] ? -1 : 1;",
        "    if (have[1] !== want[1]) throw refuse(`the installed entra-postgres ${manifest.version} is another major version, which does not serve state written by ${written}.`);",
        "    if (order < 0) throw refuse(`the installed entra-postgres ${manifest.version} is older than ${written}.`);",
        "    let provider;",
        "    // `require` below is that package's own: package.json `exports`, resolved in that package only.",
        `    try { provider = ((require) => require(${q(subpath)})[${q(exportName)}])(Module.createRequire(path.join(root, "package.json"))); }`,
        "    catch (err) { throw refuse(`the installed entra-postgres ${manifest.version} did not load (${err && err.message}).`); }",
        "    if (!provider) throw refuse(`the installed entra-postgres ${manifest.version} has no ${exportName} in ${subpath}.`);",
        "    return provider;",
        "};",
        "",
    ].join("\n");
}
