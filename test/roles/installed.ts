/**
 * Installed layouts of the package for the provider-text tests: this tree compiled as `npm pack` would ship it
 * (dist/, certs/, package.json), the previous release's sources (testing/releases), and program directories whose
 * own `node_modules` hold one of them, with the dependencies linked from this project's node_modules.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");
const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");

/** Packages the compiled provider loads at run time (package.json dependencies), linked into each program. */
const runtimeDependencies = ["pg", "@azure/identity", "@pulumi/pulumi"];

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Compiles `sourceRoot` (a tree with components/, package.json, tsconfig*.json, certs/) into an installable package in `into`. */
export function buildPackage(sourceRoot: string, into: string): string {
    fs.mkdirSync(into, { recursive: true });
    execFileSync(process.execPath, [tsc, "-p", path.join(sourceRoot, "tsconfig.build.json"), "--outDir", path.join(into, "dist"), "--declaration", "false"], {
        cwd: sourceRoot,
        stdio: "pipe",
    });
    fs.copyFileSync(path.join(sourceRoot, "package.json"), path.join(into, "package.json"));
    fs.cpSync(path.join(sourceRoot, "certs"), path.join(into, "certs"), { recursive: true });
    return into;
}

/** The release archive unpacked (sources, as tagged), with this project's node_modules beside it for its imports. */
export function unpackRelease(version: string, into: string): string {
    const archive = path.join(repoRoot, "testing", "releases", `entra-postgres-${version}.tar.gz`);
    execFileSync("tar", ["-xzf", archive, "-C", into]);
    const root = path.join(into, `entra-postgres-${version}`);
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
    return root;
}

/**
 * A program directory whose node_modules/entra-postgres is a copy of `pkg` (its package.json changed by `manifest`,
 * when given), next to the runtime dependencies. Returns the program directory.
 */
export function programWith(pkg: string | undefined, manifest?: (m: Record<string, unknown>) => void): string {
    const program = tempDir("entra-postgres-program-");
    fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "program", private: true }));
    for (const name of runtimeDependencies) {
        const at = path.join(program, "node_modules", name);
        fs.mkdirSync(path.dirname(at), { recursive: true });
        fs.symlinkSync(path.join(repoRoot, "node_modules", name), at, "dir");
    }
    if (pkg) installInto(program, pkg, manifest);
    return program;
}

/** Replaces the program's node_modules/entra-postgres with a copy of `pkg`. */
export function installInto(program: string, pkg: string, manifest?: (m: Record<string, unknown>) => void): void {
    const at = path.join(program, "node_modules", "entra-postgres");
    fs.rmSync(at, { recursive: true, force: true });
    fs.cpSync(pkg, at, { recursive: true });
    if (manifest) {
        const file = path.join(at, "package.json");
        const m = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        manifest(m);
        fs.writeFileSync(file, JSON.stringify(m, null, 2));
    }
}

/**
 * Loads a provider from `__provider` text exactly as the dynamic provider host does: `require-from-string` with no
 * file name, so `require` resolves from the working directory, which the engine sets to the program's directory.
 */
export function loadProviderText<T = Record<string, any>>(text: string, cwd: string): T {
    const requireFromString = require(require.resolve("require-from-string", { paths: [path.join(repoRoot, "node_modules", "@pulumi", "pulumi")] }));
    const before = process.cwd();
    process.chdir(cwd);
    try {
        return requireFromString(text).handler() as T;
    } finally {
        process.chdir(before);
    }
}
