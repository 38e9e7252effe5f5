import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../../testing/postgres";
import { rootCaFile } from "../../components/tlsRoots";
import { providerTrustedCas, testCaFileVariable } from "../../components/roles/trust";
import { tempDir } from "./installed";

const root = path.resolve(__dirname, "..", "..");

describe("what the role and SQL providers trust", () => {
    test("Azure's documented roots by default, the resource's caCertificate instead of them, a test CA only when named", () => {
        const saved = process.env[testCaFileVariable];
        try {
            delete process.env[testCaFileVariable];
            assert.equal(providerTrustedCas(undefined), fs.readFileSync(rootCaFile, "utf8"));
            assert.equal(providerTrustedCas("-----BEGIN CERTIFICATE-----\nother\n-----END CERTIFICATE-----\n"), "-----BEGIN CERTIFICATE-----\nother\n-----END CERTIFICATE-----\n");
            const dir = tempDir("entra-postgres-ca-");
            fs.writeFileSync(path.join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n");
            process.env[testCaFileVariable] = path.join(dir, "ca.pem");
            assert.equal(providerTrustedCas(undefined), `${fs.readFileSync(rootCaFile, "utf8")}\n-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n`);
            process.env[testCaFileVariable] = path.join(dir, "missing.pem");
            assert.throws(() => providerTrustedCas(undefined), new RegExp(`${testCaFileVariable} names .*missing\\.pem, which cannot be read`));
            fs.writeFileSync(path.join(dir, "empty.pem"), "nothing here");
            process.env[testCaFileVariable] = path.join(dir, "empty.pem");
            assert.throws(() => providerTrustedCas(undefined), /holds no PEM certificate/);
            fs.rmSync(dir, { recursive: true, force: true });
        } finally {
            if (saved === undefined) delete process.env[testCaFileVariable];
            else process.env[testCaFileVariable] = saved;
        }
    });
});

describe("against a real server whose certificate Node's store does not know", () => {
    let server: TestServer;
    let dir: string;
    let caFile: string;
    let script: string;

    before(async () => {
        server = await startTestServer();
        dir = tempDir("entra-postgres-trust-");
        caFile = path.join(dir, "server-ca.pem");
        fs.writeFileSync(caFile, server.caPem);
        // A role created in a fresh process (NODE_EXTRA_CA_CERTS is read at start-up), without caCertificate.
        script = path.join(dir, "create.ts");
        fs.writeFileSync(script, [
            `import { entraRoleProvider, setTokenSource, setRetryPolicy, closeAllConnections } from ${JSON.stringify(path.join(root, "components", "testing"))};`,
            `import { Client } from ${JSON.stringify(path.join(root, "node_modules", "pg"))};`,
            `(async () => {`,
            `    setTokenSource(async () => ({ token: ${JSON.stringify(server.adminToken)}, expiresOnTimestamp: Date.now() + 3_600_000 }));`,
            `    setRetryPolicy({ attempts: 1, baseDelayMs: 0, maxDelayMs: 0 });`,
            `    // Control: Node's default trust (with NODE_EXTRA_CA_CERTS) accepts the server.`,
            `    const plain = new Client({ host: ${JSON.stringify(server.host)}, port: ${server.port}, user: ${JSON.stringify(server.adminLogin)}, password: ${JSON.stringify(server.adminToken)}, database: "postgres", ssl: { rejectUnauthorized: true } });`,
            `    let node = "trusted";`,
            `    try { await plain.connect(); await plain.end(); } catch (err) { node = "refused: " + (err as Error).message; }`,
            `    let provider = "created";`,
            `    try {`,
            `        await entraRoleProvider.create!({ serverFqdn: ${JSON.stringify(server.host)}, port: ${server.port}, adminLogin: ${JSON.stringify(server.adminLogin)}, roleName: "trust-probe-" + process.pid, objectId: "6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", principalType: "service" });`,
            `    } catch (err) { provider = "refused: " + (err as Error).message; }`,
            `    await closeAllConnections();`,
            `    process.stdout.write(JSON.stringify({ node, provider }));`,
            `})();`,
        ].join("\n"));
    });
    after(async () => {
        await server.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    function run(env: Record<string, string>): { node: string; provider: string } {
        const { [testCaFileVariable]: _ignored, ...base } = process.env;
        const result = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: root, env: { ...base, ...env }, encoding: "utf8", timeout: 60_000 });
        assert.equal(result.status, 0, result.stderr);
        return JSON.parse(result.stdout) as { node: string; provider: string };
    }

    test("NODE_EXTRA_CA_CERTS does not make the providers trust a CA", () => {
        const { node, provider } = run({ NODE_EXTRA_CA_CERTS: caFile });
        assert.equal(node, "trusted", "Node itself trusts the extra CA");
        assert.match(provider, /^refused: TLS with .* failed/);
        assert.match(provider, /certs\/azure-postgres-roots\.pem/);
        assert.match(provider, /NODE_EXTRA_CA_CERTS are not used/);
    });

    test(`${testCaFileVariable} adds the test CA on purpose`, async () => {
        const { provider } = run({ [testCaFileVariable]: caFile });
        assert.equal(provider, "created");
        const { rows } = await server.query("select count(*)::int as n from pg_roles where rolname like 'trust-probe-%'");
        assert.equal(rows[0].n, 1);
    });
});
