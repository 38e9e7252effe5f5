/**
 * One mocked run of a shipped stack, as `pulumi preview` runs the program: loads the same SDK modules as the
 * floor child, then records `index.ts` under `pulumi.runtime.setMocks` until every registration has reached
 * the mock monitor. Times are milliseconds since this process started.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { failToParent, reportToParent } from "./report";

const ready = performance.now();
const stack = process.argv[2];
const modules = JSON.parse(process.argv[3] ?? "[]") as string[];
if (!stack || modules.length === 0) failToParent("programRun: pass the stack name and the SDK modules as a JSON list");
// "dist": index.ts runs as usual, but its `./components` is the compiled library (npm run build), as a program
// that installed the package gets it; the role provider is then serialized as a require by package name.
const dist = process.argv[4] === "dist";
const root = path.resolve(__dirname, "..", "..");
if (dist) {
    // The role provider is serialized as a stub only for a package the program's directory has installed
    // (node_modules/entra-postgres), so run from a directory where this project is installed so.
    const program = fs.mkdtempSync(path.join(os.tmpdir(), "entra-postgres-bench-"));
    fs.mkdirSync(path.join(program, "node_modules"));
    fs.symlinkSync(root, path.join(program, "node_modules", "entra-postgres"), "dir");
    process.chdir(program);
    process.on("exit", () => fs.rmSync(program, { recursive: true, force: true }));
}

/**
 * Loads the compiled library and enters it in the module cache under the path `index.ts`'s `./components`
 * resolves to, so the program gets it without a resolve hook (a hook would slow down every `require` of the
 * run, the SDK's included, and the floor has none). Called inside the program phase: loading the library is
 * part of the program's cost.
 */
function useCompiledLibrary(): void {
    const compiled = path.join(root, "dist", "index.js");
    require(compiled);
    require.cache[path.join(root, "components", "index.ts")] = require.cache[compiled];
}

for (const name of modules) {
    require(name);
}
const sdkLoaded = performance.now();

// Loaded after the SDK on purpose, so the SDK's share is measured the same way as in the floor child.
const { loadStackConfig } = require("../../plan/engine/configEncoding") as typeof import("../../plan/engine/configEncoding");
const { programEntry } = require("../../plan/engine/project") as typeof import("../../plan/engine/project");
const { recordProgram } = require("../../plan/engine/recorder") as typeof import("../../plan/engine/recorder");

void (async () => {
    let declared = 0;
    const recording = await recordProgram(() => {
        if (dist) useCompiledLibrary();
        require(programEntry);
        declared = performance.now();
    }, { stack, config: loadStackConfig(stack), preview: true });
    const settled = performance.now();
    if (recording.error !== undefined) {
        failToParent(`programRun: the ${stack} stack failed: ${recording.error instanceof Error ? recording.error.message : String(recording.error)}`);
    }
    if (recording.resources.length === 0) failToParent(`programRun: the ${stack} stack registered nothing`);
    reportToParent({
        readyMs: ready,
        sdkLoadedMs: sdkLoaded,
        declaredMs: declared,
        settledMs: settled,
        resources: recording.resources.length,
    });
})();
