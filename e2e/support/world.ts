/**
 * The world the end-to-end tests run the real Pulumi CLI in: a simulation directory (simulated Azure state,
 * PostgreSQL data, test CA, Entra signing key), /etc/hosts entries that make each server's Azure FQDN resolve
 * to a loopback address of its own, a copy of the project per run, a local file backend with a passphrase,
 * and the environment that puts the CLI, the stand-in plugins and the stand-in `az` on PATH.
 */
import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { Client } from "pg";
import { createCa } from "./pki";
import { preflight } from "./preflight";
import { repoRoot, type Cli } from "./cli";
import type { SignedIn } from "../providers/common";
import type { PgServerRecord } from "../providers/pgserver";

const hostsFile = process.env.ENTRA_E2E_HOSTS_FILE ?? "/etc/hosts";

/**
 * Replaces `file`'s text with `text` so that a reader (the resolver of a running server or CLI) sees the old text or
 * the new one, never a half-written file: the new text goes to a file beside it, which is renamed over it. A file
 * that cannot be replaced by rename, such as a container's /etc/hosts (a bind mount: rename fails with EBUSY), is
 * rewritten in place instead, the whole new text in one write before the old tail is cut, so it is never empty.
 */
export function replaceFileText(file: string, text: string, rename: (from: string, to: string) => void = fs.renameSync): "renamed" | "in place" {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.entra-e2e-${process.pid}`);
    try {
        fs.writeFileSync(temp, text, { mode: fs.statSync(file).mode & 0o777 });
        rename(temp, file);
        return "renamed";
    } catch (err) {
        fs.rmSync(temp, { force: true });
        if (!["EBUSY", "EXDEV", "EPERM", "EACCES", "EROFS"].includes(String((err as NodeJS.ErrnoException).code))) throw err;
    }
    const fd = fs.openSync(file, "r+");
    try {
        fs.writeSync(fd, text, 0);
        fs.ftruncateSync(fd, Buffer.byteLength(text));
    } finally {
        fs.closeSync(fd);
    }
    return "in place";
}

/** The hosts-file marker of every world of this process that still has entries, removed on exit or SIGINT/SIGTERM. */
const openMarkers = new Set<string>();

function removeMarkedHosts(markers: Iterable<string>): void {
    const all = [...markers];
    if (all.length === 0 || !fs.existsSync(hostsFile)) return;
    const text = fs.readFileSync(hostsFile, "utf8");
    const kept = text.split("\n").filter((l) => !all.some((m) => l.endsWith(m)));
    if (kept.join("\n") !== text) replaceFileText(hostsFile, kept.join("\n"));
}

let cleanupInstalled = false;

/**
 * An interrupted run (Ctrl-C, a killed test runner, a timeout) still takes its hosts entries out: on SIGINT or
 * SIGTERM they are removed and the signal is raised again, so the process ends as it would have; on any other exit
 * they are removed too.
 */
function installHostsCleanup(): void {
    if (cleanupInstalled) return;
    cleanupInstalled = true;
    process.on("exit", () => removeMarkedHosts(openMarkers));
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            removeMarkedHosts(openMarkers);
            openMarkers.clear();
            process.kill(process.pid, signal);
        });
    }
}

/** The simulation directory's name a hosts line was written for, if it is one of these runs' lines. */
export function markerRun(line: string): string | undefined {
    return /# entra-postgres e2e (\S+)$/.exec(line)?.[1];
}

/** Whether the run of that simulation directory is still going: its directory exists and its process lives. */
export function runIsLive(run: string): boolean {
    const dir = path.join(os.tmpdir(), run);
    if (!fs.existsSync(dir)) return false;
    const owner = path.join(dir, "owner.pid");
    if (!fs.existsSync(owner)) return true;
    try {
        process.kill(Number(fs.readFileSync(owner, "utf8")), 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

function sleepSync(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr, for assertion messages. */
    output: string;
}

export class World {
    readonly simDir: string;
    readonly projectDir: string;
    readonly passphrase = crypto.randomBytes(18).toString("base64url");
    private readonly marker: string;
    private readonly env: NodeJS.ProcessEnv;

    /**
     * @param opts.program The directory of the program to run (its Pulumi.yaml, index.ts, package.json,
     *   tsconfig.json, components/ and certs/): this checkout by default, or an unpacked earlier release
     *   (support/releases.ts). {@link World.useProgram} switches it later; node_modules is always this checkout's.
     * @param opts.copy Copy components/ and certs/ into the project instead of linking components/ (see useProgram).
     */
    constructor(readonly cli: Cli, opts: { program?: string; copy?: boolean } = {}) {
        preflight();
        this.simDir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-e2e-"));
        // The PostgreSQL servers run as `postgres` and must reach their data directories below this one.
        fs.chmodSync(this.simDir, 0o755);
        // Another run that waits for this one's host names asks whether this process still lives.
        fs.writeFileSync(path.join(this.simDir, "owner.pid"), String(process.pid));
        this.marker = `# entra-postgres e2e ${path.basename(this.simDir)}`;
        const ca = createCa("entra-postgres e2e test CA");
        fs.writeFileSync(path.join(this.simDir, "ca.crt"), ca.certPem);
        fs.writeFileSync(path.join(this.simDir, "ca.key"), ca.keyPem, { mode: 0o600 });
        fs.writeFileSync(path.join(this.simDir, "entra.key"), crypto.randomBytes(32), { mode: 0o600 });

        this.projectDir = path.join(this.simDir, "project");
        fs.mkdirSync(this.projectDir);
        this.useProgram(opts.program ?? repoRoot, { copy: opts.copy });
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(this.projectDir, "node_modules"));

        const nodeDir = path.dirname(process.execPath);
        this.env = {
            ...process.env,
            PATH: [cli.binDir, path.join(repoRoot, "e2e", "path"), nodeDir, process.env.PATH ?? ""].join(path.delimiter),
            PULUMI_HOME: path.join(this.simDir, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(this.simDir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: this.passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            // Type checking is `npm test`'s job (tsc); the program is only transpiled here.
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            NODE_EXTRA_CA_CERTS: path.join(this.simDir, "ca.crt"),
            // The role and SQL providers trust Azure's documented roots only (components/roles/trust.ts), never
            // NODE_EXTRA_CA_CERTS: the simulated servers' test CA is added to them on purpose.
            ENTRA_POSTGRES_TEST_CA_FILE: path.join(this.simDir, "ca.crt"),
            // DefaultAzureCredential asks the Azure CLI (the stand-in on PATH) and nothing else: no IMDS probe offline.
            AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
            ENTRA_E2E_SIM_DIR: this.simDir,
        };
        fs.mkdirSync(path.join(this.simDir, "backend"));
        // Kept with the simulation directory (ENTRA_E2E_KEEP=1) to inspect a failed run's state by hand.
        fs.writeFileSync(path.join(this.simDir, "passphrase"), this.passphrase, { mode: 0o600 });
    }

    /**
     * Runs the program of `dir` from now on, in the same project directory (the stack files, state and
     * node_modules stay): what a user does when they move a stack to another release of the program.
     *
     * By default components/ is a link to `dir`'s, and paths the program derives from its own files (the CA file
     * the postgresql provider is configured with, `certs/` beside components/) point into `dir`. With `copy`,
     * components/ and certs/ are copied into the project, so those paths are the same whichever program runs, as
     * they are for a user who upgrades a checkout in place.
     */
    useProgram(dir: string, opts: { copy?: boolean } = {}): void {
        for (const entry of ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]) {
            fs.copyFileSync(path.join(dir, entry), path.join(this.projectDir, entry));
        }
        for (const entry of ["components", "certs"]) fs.rmSync(path.join(this.projectDir, entry), { recursive: true, force: true });
        if (opts.copy) {
            for (const entry of ["components", "certs"]) fs.cpSync(path.join(dir, entry), path.join(this.projectDir, entry), { recursive: true });
        } else {
            fs.symlinkSync(path.join(dir, "components"), path.join(this.projectDir, "components"));
        }
    }

    /**
     * Maps each FQDN to a loopback address of its own (a block removed by {@link World.close}). The first line for a
     * name wins, so while another live run (another clone's, or a parallel file's) maps one of these names, this one
     * waits for it to finish rather than resolve the other run's servers (`ENTRA_E2E_HOSTS_WAIT_MS`, default 60 min).
     */
    addHosts(fqdns: string[]): Map<string, string> {
        installHostsCleanup();
        const waitMs = Number(process.env.ENTRA_E2E_HOSTS_WAIT_MS ?? 60 * 60_000);
        const deadline = Date.now() + waitMs;
        let told = false;
        for (;;) {
            const holder = fs.readFileSync(hostsFile, "utf8").split("\n").find((l) => {
                const owner = markerRun(l);
                return owner !== undefined && owner !== path.basename(this.simDir) && runIsLive(owner) && fqdns.includes(l.split(/\s+/)[1]);
            });
            if (holder === undefined) break;
            if (Date.now() > deadline) {
                throw new Error(`Another end-to-end run still maps ${holder.split(/\s+/)[1]} in ${hostsFile} (${holder}) after ${waitMs} ms: ` +
                    "runs that use the same server names take turns. Wait for it, or end it and remove its lines.");
            }
            if (!told) process.stderr.write(`Waiting for another end-to-end run, which maps ${holder.split(/\s+/)[1]} (${holder.replace(/^.*# /, "")}).\n`);
            told = true;
            sleepSync(2_000);
        }
        // Entries an interrupted run left behind (its simulation directory is gone, or its process) would shadow the new ones.
        const lines = fs.readFileSync(hostsFile, "utf8").split("\n");
        const stale = (l: string) => {
            const owner = markerRun(l);
            return owner !== undefined && !runIsLive(owner);
        };
        openMarkers.add(this.marker);
        const a = crypto.randomInt(16, 250);
        const b = crypto.randomInt(1, 250);
        const map = new Map(fqdns.map((f, i) => [f, `127.${a}.${b}.${i + 1}`]));
        const entries = [...map].map(([f, ip]) => `${ip} ${f} ${this.marker}`);
        const kept = lines.filter((l) => !stale(l));
        while (kept.length > 0 && kept[kept.length - 1] === "") kept.pop();
        replaceFileText(hostsFile, `${[...kept, ...entries].join("\n")}\n`);
        return map;
    }

    private removeHosts(): void {
        removeMarkedHosts([this.marker]);
        openMarkers.delete(this.marker);
    }

    signIn(identity: SignedIn): void {
        fs.writeFileSync(path.join(this.simDir, "signed-in.json"), JSON.stringify(identity));
    }

    /** The shipped stack file, as the test adjusts it. */
    stackConfig(stack: string): any {
        const file = path.join(this.projectDir, `Pulumi.${stack}.yaml`);
        return YAML.parse(fs.readFileSync(fs.existsSync(file) ? file : path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8"));
    }

    writeStackConfig(stack: string, config: any): void {
        fs.writeFileSync(path.join(this.projectDir, `Pulumi.${stack}.yaml`), YAML.stringify(config));
    }

    /** Runs the CLI in the project copy; never throws on a non-zero exit. */
    async pulumi(args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> {
        return new Promise((resolve, reject) => {
            const child = childProcess.spawn(path.join(this.cli.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], {
                cwd: this.projectDir,
                env: this.env,
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            const timer = setTimeout(() => child.kill("SIGINT"), opts.timeoutMs ?? 300_000);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                if (process.env.ENTRA_E2E_VERBOSE === "1") process.stderr.write(`$ pulumi ${args.join(" ")} (exit ${code})\n${stdout}${stderr}\n`);
                resolve({ code: code ?? -1, stdout, stderr, output: `$ pulumi ${args.join(" ")}\n${stdout}${stderr}` });
            });
        });
    }

    resources(): [string, { type: string; outputs: Record<string, unknown> }][] {
        const file = path.join(this.simDir, "azure-resources.json");
        return fs.existsSync(file) ? Object.entries(JSON.parse(fs.readFileSync(file, "utf8"))) : [];
    }

    servers(): [string, PgServerRecord][] {
        const file = path.join(this.simDir, "azure-postgres.json");
        return fs.existsSync(file) ? Object.entries(JSON.parse(fs.readFileSync(file, "utf8"))) : [];
    }

    /** Runs SQL as the superuser of the simulated server named `serverName`. */
    async sql<R = any>(serverName: string, query: string, params: unknown[] = [], database = "postgres"): Promise<R[]> {
        const found = this.servers().find(([id]) => id.endsWith(`/flexibleServers/${serverName}`));
        if (!found) throw new Error(`No simulated server ${serverName}.`);
        const record = found[1];
        const client = new Client({
            host: record.fqdn,
            port: record.port,
            user: "postgres",
            password: record.superuserPassword,
            database,
            ssl: { ca: fs.readFileSync(path.join(this.simDir, "ca.crt"), "utf8") },
        });
        await client.connect();
        try {
            return (await client.query(query, params)).rows as R[];
        } finally {
            await client.end();
        }
    }

    /** Stops every PostgreSQL still running, removes the hosts entries and the simulation directory. */
    async close(keep = false): Promise<void> {
        for (const [, record] of this.servers()) {
            try {
                const pid = Number(fs.readFileSync(path.join(record.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
                process.kill(pid, "SIGINT");
                for (let i = 0; i < 100; i++) {
                    process.kill(pid, 0);
                    await new Promise((r) => setTimeout(r, 100));
                }
            } catch {
                // not running
            }
        }
        this.removeHosts();
        if (!keep) fs.rmSync(this.simDir, { recursive: true, force: true });
    }
}
