import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { cloudInit, loginScript, vmImage, vmRootCaPath } from "../../components/cloudInit";
import { humanConnectCommand } from "../../components/commands";
import { rootCaFile } from "../../components/tlsRoots";

const args = { host: "pg.postgres.database.azure.com", roleName: "prod-pg-client", defaultDatabase: "app", cloud: "public" as const };

describe("VM login script", () => {
    test("is valid bash", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "login-")), "pg-entra-login");
        fs.writeFileSync(file, loginScript(args));
        execFileSync("bash", ["-n", file]);
    });

    test("cloud-init is YAML whose script is the login script", () => {
        const doc = parseYaml(cloudInit(args)) as { packages: string[]; write_files: { path: string; permissions: string; content: string }[] };
        assert.deepEqual(doc.packages, ["postgresql-client", "curl", "jq", "ca-certificates"]);
        assert.equal(doc.write_files[0].path, vmRootCaPath);
        assert.equal(doc.write_files[0].permissions, "0644");
        assert.equal(doc.write_files[0].content, fs.readFileSync(rootCaFile, "utf8"), "the CA file arrives byte for byte");
        assert.equal(doc.write_files[1].path, "/usr/local/bin/pg-entra-login");
        assert.equal(doc.write_files[1].permissions, "0755");
        assert.equal(doc.write_files[1].content, loginScript(args));
    });

    /** Runs the script with curl and psql replaced by recorders; psql reports `psqlVersion`. */
    function runScript(script: string, psqlVersion: string, argv: string[]): { curlArgs: string; psqlArgs: string; password: string } {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "login-run-"));
        const file = path.join(dir, "pg-entra-login");
        fs.writeFileSync(file, script, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "curl"), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/curl.args"\necho '{"access_token":"eyJ0b2tlbi1mcm9tLWltZHM","expires_in":"3599"}'\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "psql"), [
            "#!/usr/bin/env bash",
            `if [ "$1" = "--version" ]; then echo '${psqlVersion}'; exit 0; fi`,
            `printf '%s\\n' "$@" > "${dir}/psql.args"`,
            `echo "$PGPASSWORD" > "${dir}/psql.password"`,
            "",
        ].join("\n"), { mode: 0o755 });
        execFileSync(file, argv, { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
        return {
            curlArgs: fs.readFileSync(path.join(dir, "curl.args"), "utf8"),
            psqlArgs: fs.readFileSync(path.join(dir, "psql.args"), "utf8").trim(),
            password: fs.readFileSync(path.join(dir, "psql.password"), "utf8").trim(),
        };
    }

    test("runs the token flow against a stand-in IMDS and hands the token to a verifying psql (libpq 16: system roots)", () => {
        // The image's client (Ubuntu 24.04, postgresql-client-16 16.14-0ubuntu0.24.04.1) prints this.
        assert.equal(vmImage.postgresqlClientMajor, 16);
        const run = runScript(loginScript(args), "psql (PostgreSQL) 16.14 (Ubuntu 16.14-0ubuntu0.24.04.1)", ["reports"]);
        assert.match(run.curlArgs, /Metadata: true/);
        assert.match(run.curlArgs, /api-version=2018-02-01&resource=https:\/\/ossrdbms-aad\.database\.windows\.net\n/);
        assert.equal(run.password, "eyJ0b2tlbi1mcm9tLWltZHM");
        assert.equal(run.psqlArgs,
            "host='pg.postgres.database.azure.com' port=5432 user='prod-pg-client' dbname='reports' sslmode=verify-full sslrootcert='system'");
    });

    test("an older psql (libpq before 16 reads `system` as a file name) verifies with the CA file", () => {
        const run = runScript(loginScript(args), "psql (PostgreSQL) 14.18 (Ubuntu 14.18-0ubuntu0.22.04.1)", []);
        assert.equal(run.psqlArgs,
            `host='pg.postgres.database.azure.com' port=5432 user='prod-pg-client' dbname='app' sslmode=verify-full sslrootcert='${vmRootCaPath}'`);
    });

    test("China: the CA file with every documented root, whatever the psql version", () => {
        const china = { ...args, host: "pg.postgres.database.chinacloudapi.cn", cloud: "china" as const };
        const run = runScript(loginScript(china), "psql (PostgreSQL) 16.9", ["app"]);
        assert.match(run.curlArgs, /resource=https:\/\/ossrdbms-aad\.database\.chinacloudapi\.cn\n/);
        assert.match(run.psqlArgs, new RegExp(`sslmode=verify-full sslrootcert='${vmRootCaPath}'$`));
    });

    test("no login path sends the token without verifying the server", () => {
        for (const cloud of ["public", "usgov", "china"] as const) {
            const script = loginScript({ ...args, cloud });
            assert.doesNotMatch(script, /sslmode=(disable|allow|prefer|require|verify-ca)\b/);
            const command = humanConnectCommand("pg.example", cloud, "app");
            assert.match(command, /sslmode=verify-full sslrootcert=\S[^"]*"$/);
            assert.doesNotMatch(command, /sslmode=(disable|allow|prefer|require|verify-ca)\b/);
        }
        assert.match(humanConnectCommand("pg.example", "public", "app"), /sslrootcert=system"$/);
        assert.match(humanConnectCommand("pg.example", "china", "app"), /sslrootcert=<checkout of entra-postgres>\/certs\/azure-postgres-roots\.pem"$/);
    });

    test("fails clearly when IMDS returns no token", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "login-fail-"));
        const script = path.join(dir, "pg-entra-login");
        fs.writeFileSync(script, loginScript(args), { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "curl"), "#!/usr/bin/env bash\necho '{\"error\":\"invalid_request\"}'\n", { mode: 0o755 });
        assert.throws(
            () => execFileSync(script, [], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, stdio: "pipe" }),
            (err: { stderr: Buffer }) => /no token from IMDS; is the system-assigned identity enabled/.test(err.stderr.toString()),
        );
    });
});
