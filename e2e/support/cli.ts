/**
 * The Pulumi CLI for the end-to-end tests, built from Go modules and cached outside the clone.
 *
 * - `pulumi`: github.com/pulumi/pulumi/pkg/v3's cmd/pulumi at the version of @pulumi/pulumi in
 *   package-lock.json (or the nearest newer one the Go module proxy serves), built from the wrapper module
 *   e2e/cli, which repeats the `replace` directives of pkg/v3's go.mod (`go install` refuses them).
 * - `pulumi-language-nodejs`: e2e/cli/cmd/pulumi-language-nodejs, a minimal stand-in (the real one,
 *   github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, is not served by the proxy).
 * - `pulumi-resource-pulumi-nodejs` and `pulumi-analyzer-policy`: the launchers the CLI expects next to it.
 *
 * Cache: `${ENTRA_POSTGRES_CACHE:-~/.cache/entra-postgres}/pulumi-<version>/`, one directory per version;
 * the language host is rebuilt when its source changes. The SHA-256 of every binary is recorded when it is built
 * (`binaries.sha256`) and checked each time the cache is used: a binary that changed since is refused, with the
 * fix. A cache built before the record existed is recorded once, as found.
 */
import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const repoRoot = path.resolve(__dirname, "../..");
const wrapper = path.join(repoRoot, "e2e", "cli");

export function lockedPulumiVersion(): string {
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8"));
    const version = lock.packages?.["node_modules/@pulumi/pulumi"]?.version;
    if (typeof version !== "string") throw new Error("package-lock.json has no node_modules/@pulumi/pulumi entry.");
    return version;
}

function cacheRoot(): string {
    return process.env.ENTRA_POSTGRES_CACHE ?? path.join(os.homedir(), ".cache", "entra-postgres");
}

function goEnv(): NodeJS.ProcessEnv {
    return { ...process.env, GOFLAGS: "-buildvcs=false -mod=mod" };
}

function go(args: string[], cwd: string, log: (line: string) => void): void {
    log(`go ${args.join(" ")}`);
    // Two shared cores: the build yields to everything else.
    const result = childProcess.spawnSync("nice", ["-n", "15", "go", ...args], { cwd, env: goEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status === 127 || /nice: .*go.*No such file/.test(result.stderr ?? "")) throw goMissing();
    if (result.status !== 0) {
        throw new Error(`go ${args.join(" ")} failed in ${cwd}:\n${result.stderr}${result.stdout}`);
    }
}

function goMissing(): Error {
    return new Error("Go is not on PATH: the end-to-end tests build the Pulumi CLI from Go modules once (cached in ~/.cache/entra-postgres). Install Go 1.24 or later and put it on PATH.");
}

function compare(a: string, b: string): number {
    const pa = a.replace(/^v/, "").split(/[.-]/).map(Number);
    const pb = b.replace(/^v/, "").split(/[.-]/).map(Number);
    for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
    return 0;
}

/** The version to build: the locked one if the proxy serves it, else the nearest newer one it serves. */
function buildableVersion(locked: string, log: (line: string) => void): string {
    const result = childProcess.spawnSync("go", ["list", "-m", "-versions", "github.com/pulumi/pulumi/pkg/v3"], { cwd: wrapper, env: goEnv(), encoding: "utf8" });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") throw goMissing();
    if (result.status !== 0) throw new Error(`Cannot list github.com/pulumi/pulumi/pkg/v3 versions from the Go module proxy: ${result.stderr}`);
    const versions = result.stdout.trim().split(/\s+/).slice(1).filter((v) => /^v\d+\.\d+\.\d+$/.test(v));
    const candidates = versions.filter((v) => compare(v, locked) >= 0).sort(compare);
    if (candidates.length === 0) throw new Error(`The Go module proxy serves no github.com/pulumi/pulumi/pkg/v3 at or above v${locked}.`);
    if (candidates[0] !== `v${locked}`) log(`pkg/v3 v${locked} is not served; building ${candidates[0]}`);
    return candidates[0].slice(1);
}

export function hostHash(): string {
    const hash = crypto.createHash("sha256");
    for (const file of ["go.mod", "go.sum", "cmd/pulumi-language-nodejs/main.go", "launchers/pulumi-resource-pulumi-nodejs", "launchers/pulumi-analyzer-policy"]) {
        hash.update(file).update(fs.readFileSync(path.join(wrapper, file)));
    }
    return hash.digest("hex");
}

/** The files of a cached CLI, recorded and checked. */
export const cachedBinaries = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs", "pulumi-analyzer-policy"] as const;
const recordName = "binaries.sha256";

function sha256Of(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Writes `binaries.sha256` (`<sha256>  <file>` per line) for the binaries present in `binDir`. */
export function recordBinaries(binDir: string): void {
    const lines = cachedBinaries.filter((f) => fs.existsSync(path.join(binDir, f))).map((f) => `${sha256Of(path.join(binDir, f))}  ${f}`);
    fs.writeFileSync(path.join(binDir, recordName), `${lines.join("\n")}\n`);
}

/**
 * What is wrong with the cached binaries against their record: a binary whose SHA-256 differs, a recorded one that
 * is gone. `undefined` when there is no record yet.
 */
export function checkBinaries(binDir: string): string[] | undefined {
    const file = path.join(binDir, recordName);
    if (!fs.existsSync(file)) return undefined;
    const recorded = new Map(fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => {
        const [hash, name] = l.split(/\s+/);
        return [name, hash] as const;
    }));
    const problems: string[] = [];
    for (const name of cachedBinaries) {
        const at = path.join(binDir, name);
        const want = recorded.get(name);
        if (want === undefined) {
            if (fs.existsSync(at)) problems.push(`${name} is not in the record`);
        } else if (!fs.existsSync(at)) {
            problems.push(`${name} is recorded but missing`);
        } else if (sha256Of(at) !== want) {
            problems.push(`${name} has SHA-256 ${sha256Of(at)}, not the recorded ${want}`);
        }
    }
    return problems;
}

export interface Cli {
    /** Directory holding pulumi and its bundled plugins. */
    binDir: string;
    version: string;
}

/** Builds (once) or reuses the CLI for the locked @pulumi/pulumi version. */
export function ensureCli(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Cli {
    const locked = lockedPulumiVersion();
    const lockedDir = path.join(cacheRoot(), `pulumi-${locked}`);
    const resolvedFile = path.join(lockedDir, "built-version");
    const version = fs.existsSync(resolvedFile) ? fs.readFileSync(resolvedFile, "utf8").trim() : buildableVersion(locked, log);
    const binDir = lockedDir;
    fs.mkdirSync(binDir, { recursive: true });

    // Build in a copy of the wrapper module pinned to the version, so the clone's go.mod stays as committed.
    let work: string | undefined;
    const workDir = (): string => {
        if (!work) {
            work = fs.mkdtempSync(path.join(os.tmpdir(), "entra-e2e-cli-"));
            fs.cpSync(wrapper, work, { recursive: true });
            go(["get", `github.com/pulumi/pulumi/pkg/v3@v${version}`, `github.com/pulumi/pulumi/sdk/v3@v${version}`], work, log);
        }
        return work;
    };
    // Checked before any of them runs, except what is about to be built again (the language host and launchers,
    // when their sources changed): what is reused must be what was built there.
    const stamp = path.join(binDir, "language-host.sha256");
    const hash = hostHash();
    const hostReused = fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === hash;
    const reused = (name: string) => name === "pulumi" || hostReused;
    const problems = checkBinaries(binDir)?.filter((p) => reused(p.split(" ")[0]));
    if (problems !== undefined && problems.length > 0) {
        throw new Error(`The cached Pulumi CLI in ${binDir} is not what was built there (${problems.join("; ")}). Delete ${binDir} to build it again.`);
    }
    if (problems === undefined && fs.existsSync(path.join(binDir, "pulumi"))) {
        log(`recording the SHA-256 of the cached CLI in ${binDir} (built before binaries were recorded)`);
        recordBinaries(binDir);
    }
    let built = false;
    try {
        const pulumi = path.join(binDir, "pulumi");
        if (!fs.existsSync(pulumi)) {
            built = true;
            log(`building pulumi v${version} from github.com/pulumi/pulumi/pkg/v3 (once; cached in ${binDir})`);
            go(["build", "-o", `${pulumi}.tmp`, "-ldflags", `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`,
                "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"], workDir(), log);
            fs.renameSync(`${pulumi}.tmp`, pulumi);
            fs.writeFileSync(resolvedFile, `${version}\n`);
        }
        if (!hostReused) {
            built = true;
            log("building the pulumi-language-nodejs stand-in");
            const host = path.join(binDir, "pulumi-language-nodejs");
            go(["build", "-o", `${host}.tmp`, "-ldflags", `-X main.version=${version}`, "./cmd/pulumi-language-nodejs"], workDir(), log);
            fs.renameSync(`${host}.tmp`, host);
            for (const launcher of ["pulumi-resource-pulumi-nodejs", "pulumi-analyzer-policy"]) {
                fs.copyFileSync(path.join(wrapper, "launchers", launcher), path.join(binDir, launcher));
                fs.chmodSync(path.join(binDir, launcher), 0o755);
            }
            fs.writeFileSync(stamp, `${hash}\n`);
        }
        if (built) recordBinaries(binDir);
    } finally {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    }
    const printed = childProcess.execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim();
    log(`pulumi version: ${printed}`);
    return { binDir, version };
}

if (require.main === module) {
    ensureCli();
}
