/**
 * The real PostgreSQL behind a simulated Flexible Server. Unlike testing/postgres.ts (whose server lives
 * as long as the test process) it must outlive each `pulumi` command, because the CLI stops provider plugins
 * when a command ends: so the postmaster runs detached, in its own session, and is found again through the
 * simulation's state. It is shaped like testing/postgres.ts's server: TLS only, the pgaadauth emulation
 * (testing/pgaadauth-emulation.sql), Entra administrators as login roles whose password is their token.
 */
import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as dns from "dns/promises";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { issueServerCertificate, type KeyPair } from "../support/pki";
import { postgresBinaries, postgresServerUser } from "../../testing/pgBinaries";
import { simDir } from "./common";

export interface PgServerRecord {
    fqdn: string;
    ip: string;
    port: number;
    dataDir: string;
    superuserPassword: string;
}

const repoRoot = path.resolve(__dirname, "../..");
const emulationSql = path.join(repoRoot, "testing", "pgaadauth-emulation.sql");

/** The binaries, where the server's user can run them (a copy when the clone is out of its reach: testing/pgBinaries.ts). */
function binDir(): string {
    return postgresBinaries().binDir;
}

/** Runs a PostgreSQL tool as the server's user; a failure says what the tool said, or why it did not start. */
function run(bin: string, args: string[], user: ReturnType<typeof postgresServerUser>): void {
    const result = childProcess.spawnSync(path.join(binDir(), bin), args, { ...user, encoding: "utf8", env: { ...process.env, LC_MESSAGES: "C" } });
    if (result.error) {
        throw new Error(`${bin} did not start (${path.join(binDir(), bin)}${user ? `, as uid ${user.uid}` : ""}): ${result.error.message}`, { cause: result.error });
    }
    if (result.status !== 0) {
        const said = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim() || "(no output)";
        throw new Error(`${bin} ${args.filter((a) => !a.startsWith("--pwfile")).join(" ")} failed (exit ${result.status ?? `signal ${result.signal}`}): ${said}`);
    }
}

/** The address the FQDN resolves to on this machine: the server listens there, on 5432 like Azure. */
export async function localAddressOf(fqdn: string): Promise<string> {
    let address: string;
    try {
        address = (await dns.lookup(fqdn, { family: 4 })).address;
    } catch (e) {
        throw new Error(`The simulated server's FQDN ${fqdn} does not resolve on this machine (${(e as Error).message}); the e2e harness adds it to /etc/hosts.`, { cause: e });
    }
    if (!address.startsWith("127.")) {
        throw new Error(`The simulated server's FQDN ${fqdn} resolves to ${address}, not to a loopback address; refusing to serve it.`);
    }
    return address;
}

export async function createPgServer(name: string, fqdn: string): Promise<PgServerRecord> {
    const ip = await localAddressOf(fqdn);
    const user = postgresServerUser();
    const base = path.join(simDir(), "servers", name);
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(base, { recursive: true, mode: 0o755 });
    const dataDir = path.join(base, "data");
    const superuserPassword = crypto.randomBytes(24).toString("base64url");
    const pwfile = path.join(base, "pwfile");
    fs.writeFileSync(pwfile, superuserPassword, { mode: 0o600 });
    if (user) {
        fs.chownSync(base, user.uid, user.gid);
        fs.chownSync(pwfile, user.uid, user.gid);
    }
    run("initdb", [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C.UTF-8"], user);
    fs.rmSync(pwfile);

    const ca: KeyPair = {
        certPem: fs.readFileSync(path.join(simDir(), "ca.crt"), "utf8"),
        keyPem: fs.readFileSync(path.join(simDir(), "ca.key"), "utf8"),
    };
    const tls = issueServerCertificate(ca, fqdn, ip);
    for (const [file, content, mode] of [["server.crt", tls.certPem, 0o644], ["server.key", tls.keyPem, 0o600]] as const) {
        const target = path.join(dataDir, file);
        fs.writeFileSync(target, content, { mode });
        if (user) fs.chownSync(target, user.uid, user.gid);
    }
    fs.writeFileSync(path.join(dataDir, "pg_hba.conf"), [
        "# TLS only, like Azure's Flexible Server with require_secure_transport on.",
        "hostssl all all 127.0.0.0/8 scram-sha-256",
        "host    all all all reject",
        "",
    ].join("\n"));
    fs.appendFileSync(path.join(dataDir, "postgresql.conf"), [
        "",
        `listen_addresses = '${ip}'`,
        "port = 5432",
        "unix_socket_directories = ''",
        "ssl = on",
        "ssl_cert_file = 'server.crt'",
        "ssl_key_file = 'server.key'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "",
    ].join("\n"));
    const record: PgServerRecord = { fqdn, ip, port: 5432, dataDir, superuserPassword };
    await startPgServer(record);
    await superuser(record, "postgres", async (c) => {
        await c.query(fs.readFileSync(emulationSql, "utf8"));
    });
    return record;
}

function postmasterPid(record: PgServerRecord): number | undefined {
    try {
        const pid = Number(fs.readFileSync(path.join(record.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
        process.kill(pid, 0);
        return pid;
    } catch {
        return undefined;
    }
}

export async function startPgServer(record: PgServerRecord): Promise<void> {
    if (postmasterPid(record)) return;
    const user = postgresServerUser();
    const log = fs.openSync(path.join(path.dirname(record.dataDir), "postgres.log"), "a");
    if (user) fs.fchownSync(log, user.uid, user.gid);
    const child = childProcess.spawn(path.join(binDir(), "postgres"), ["-D", record.dataDir], {
        ...user,
        detached: true,
        stdio: ["ignore", log, log],
        env: { ...process.env, LC_MESSAGES: "C" },
    });
    let spawnError: Error | undefined;
    child.on("error", (e) => (spawnError = e));
    child.unref();
    fs.closeSync(log);
    const deadline = Date.now() + 60_000;
    for (;;) {
        try {
            await superuser(record, "postgres", async (c) => void (await c.query("select 1")));
            return;
        } catch (e) {
            if (spawnError) throw new Error(`postgres did not start (${path.join(binDir(), "postgres")}): ${spawnError.message}; last connection attempt: ${(e as Error).message}`, { cause: e });
            if (Date.now() > deadline || child.exitCode !== null) {
                const log = path.join(path.dirname(record.dataDir), "postgres.log");
                const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").slice(-15).join("\n") : "(no log)";
                throw new Error(`PostgreSQL for ${record.fqdn} did not start${child.exitCode !== null ? ` (postgres exited with ${child.exitCode})` : ""}: ${(e as Error).message}\n${log}:\n${tail}`, { cause: e });
            }
            await new Promise((r) => setTimeout(r, 250));
        }
    }
}

export async function stopPgServer(record: PgServerRecord): Promise<void> {
    const pid = postmasterPid(record);
    if (!pid) return;
    process.kill(pid, "SIGINT"); // fast shutdown
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
        try {
            process.kill(pid, 0);
        } catch {
            return;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(pid, "SIGKILL");
}

/** Stops and starts the server: what a restart of the Flexible Server does to its PostgreSQL (static parameters apply). */
export async function restartPgServer(record: PgServerRecord): Promise<void> {
    await stopPgServer(record);
    await startPgServer(record);
}

export async function deletePgServer(record: PgServerRecord): Promise<void> {
    await stopPgServer(record);
    fs.rmSync(path.dirname(record.dataDir), { recursive: true, force: true });
}

/** Runs `work` as the server's superuser, over TLS verified against the test CA. */
export async function superuser<T>(record: PgServerRecord, database: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({
        host: record.ip,
        port: record.port,
        user: "postgres",
        password: record.superuserPassword,
        database,
        ssl: { ca: fs.readFileSync(path.join(simDir(), "ca.crt"), "utf8"), servername: record.fqdn },
        connectionTimeoutMillis: 10_000,
    });
    await client.connect();
    try {
        return await work(client);
    } finally {
        await client.end().catch(() => undefined);
    }
}
