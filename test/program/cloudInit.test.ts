import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { cloudInit, loginScript } from "../../components/cloudInit";

const args = { host: "pg.postgres.database.azure.com", roleName: "prod-pg-client", defaultDatabase: "app", cloud: "public" as const };

describe("VM login script", () => {
    test("is valid bash", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "login-")), "pg-entra-login");
        fs.writeFileSync(file, loginScript(args));
        execFileSync("bash", ["-n", file]);
    });

    test("cloud-init is YAML whose script is the login script", () => {
        const doc = parseYaml(cloudInit(args)) as { packages: string[]; write_files: { path: string; permissions: string; content: string }[] };
        assert.deepEqual(doc.packages, ["postgresql-client", "curl", "jq"]);
        assert.equal(doc.write_files[0].path, "/usr/local/bin/pg-entra-login");
        assert.equal(doc.write_files[0].permissions, "0755");
        assert.equal(doc.write_files[0].content, loginScript(args));
    });

    test("runs the token flow against a stand-in IMDS and hands the token to psql as PGPASSWORD", () => {
        // curl and psql are replaced by recorders on PATH; the script itself runs unchanged.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "login-run-"));
        const script = path.join(dir, "pg-entra-login");
        fs.writeFileSync(script, loginScript(args), { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "curl"), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/curl.args"\necho '{"access_token":"eyJ0b2tlbi1mcm9tLWltZHM","expires_in":"3599"}'\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "psql"), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/psql.args"\necho "$PGPASSWORD" > "${dir}/psql.password"\n`, { mode: 0o755 });
        execFileSync(script, ["reports"], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
        const curlArgs = fs.readFileSync(path.join(dir, "curl.args"), "utf8");
        assert.match(curlArgs, /Metadata: true/);
        assert.match(curlArgs, /api-version=2018-02-01&resource=https:\/\/ossrdbms-aad\.database\.windows\.net\n/);
        assert.equal(fs.readFileSync(path.join(dir, "psql.password"), "utf8").trim(), "eyJ0b2tlbi1mcm9tLWltZHM");
        assert.equal(fs.readFileSync(path.join(dir, "psql.args"), "utf8").trim(),
            "host=pg.postgres.database.azure.com port=5432 user=prod-pg-client dbname=reports sslmode=require");
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
