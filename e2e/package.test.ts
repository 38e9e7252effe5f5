import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";

/**
 * In the end-to-end suite (not `npm test`): it builds the package, installs it beside the oldest declared peers and
 * type-checks consumers, half a minute of CPU that `npm test`'s five minutes cannot spare.
 *
 * The package as another program gets it: `npm pack` (which builds dist/ through `prepack`), the tarball
 * unpacked into a fresh consumer's node_modules the way npm places it, and next to it only the packages the
 * tarball's package.json declares (dependencies and peers), linked from this project's node_modules so the test
 * needs no network. A package the library imports without declaring it cannot be found there.
 */
const root = path.resolve(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let work: string;
let consumer: string;
let packed: { filename: string; files: { path: string }[] };
let manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };

function link(name: string): void {
    const target = path.join(root, "node_modules", name);
    assert.ok(fs.existsSync(target), `${name} is installed in the project`);
    const at = path.join(consumer, "node_modules", name);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    if (!fs.existsSync(at)) fs.symlinkSync(target, at, "dir");
}

/** A consumer whose registrations are recorded through the SDK's public mocks API. */
const program = `
const pulumi = require("@pulumi/pulumi");
const registered = [];
const guid = (n) => \`00000000-0000-4000-8000-\${String(n).padStart(12, "0")}\`;
(async () => {
    await pulumi.runtime.setMocks({
        newResource(args) {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs });
            const state = { ...args.inputs, name: args.inputs.serverName ?? args.inputs.vmName ?? args.name };
            if (args.type === "azure-native:compute:VirtualMachine") state.identity = { type: "SystemAssigned", principalId: guid(5) };
            if (args.type === "azure-native:dbforpostgresql:Server") state.fullyQualifiedDomainName = args.inputs.serverName + ".postgres.database.azure.com";
            if (args.type === "azure-native:network:PublicIPAddress") state.ipAddress = "198.51.100.24";
            return { id: args.name + "-id", state };
        },
        call(args) {
            return args.token === "azure-native:authorization:getClientConfig"
                ? { tenantId: guid(1), subscriptionId: guid(2), clientId: guid(3), objectId: guid(4) }
                : {};
        },
    }, "consumer", "dev", false);

    const lib = require("entra-postgres");
    const hooks = require("entra-postgres/testing");
    const config = lib.parseConfig(JSON.parse(process.argv[2]), { project: "consumer", stack: "dev" });
    const deployment = new lib.EntraPostgres("app", config);
    new lib.EntraRole("reporting", {
        serverFqdn: deployment.fqdn,
        adminLogin: "dba@contoso.com",
        roleName: "reporting",
        objectId: guid(9),
        principalType: "service",
    }, { parent: deployment });
    await pulumi.runtime.disconnect();

    let internal;
    try { require("entra-postgres/dist/roles/connection.js"); internal = "loaded"; } catch (err) { internal = err.code; }
    const provider = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/entra-postgres:EntraRole").map((r) => r.inputs.__provider);
    // Evaluated the way the dynamic provider host does (require resolving from the program's directory).
    if (typeof provider[0] !== "string") throw new Error("no serialized provider: " + JSON.stringify(provider[0]).slice(0, 300));
    const mod = { exports: {} };
    new Function("exports", "require", "module", provider[0])(mod.exports, require, mod);
    const loaded = mod.exports.handler();
    const check = await loaded.check({}, { serverFqdn: "x", adminLogin: "a", roleName: "é".repeat(40), principalType: "user" });
    console.log(JSON.stringify({
        exports: Object.keys(lib).sort(),
        testing: Object.keys(hooks).sort(),
        internal,
        types: registered.map((r) => r.type),
        names: registered.map((r) => r.name),
        providerLengths: provider.map((p) => p.length),
        provider: provider[0],
        checkFailures: (check.failures ?? []).map((f) => f.property),
    }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

/** A strict TypeScript consumer: type-checked against the shipped .d.ts, library checks included. */
const typedProgram = `
import * as pulumi from "@pulumi/pulumi";
import {
    EntraAccess, EntraPostgres, EntraRole, IdentityVm, parseConfig,
    type EntraAccessArgs, type EntraRoleArgs, type IdentityVmArgs, type StackConfig,
} from "entra-postgres";
import { setTokenSource, type TokenSource } from "entra-postgres/testing";
import type * as RoleProvider from "entra-postgres/provider";
import type * as SqlProvider from "entra-postgres/sql-provider";
import type * as RestartProvider from "entra-postgres/restart-provider";

// Every entry point resolves, with types.
export type EntryPoints = [typeof RoleProvider, typeof SqlProvider, typeof RestartProvider];

const config: StackConfig = parseConfig(new pulumi.Config().requireObject("settings"), { project: "consumer", stack: "dev" });
const deployment = new EntraPostgres("app", config);
const args: EntraRoleArgs = { serverFqdn: deployment.fqdn, adminLogin: "dba", roleName: "reporting", principalType: "service" };
export const role = new EntraRole("reporting", args, { parent: deployment }).roleName;
export const fqdn: string = deployment.fqdn;

// The workload components on their own, from Inputs of another resource; every optional argument left out.
const vmArgs: IdentityVmArgs = {
    resourceGroupName: deployment.resourceGroupName,
    location: "westeurope",
    vmName: "jobs-runner",
    sshPublicKey: pulumi.output("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7yEXAMPLEKEYdoNotUseA9b3cDeF4gHiJkLmNoPqRs jobs@example"),
    subnetId: deployment.network.vmSubnetId ?? pulumi.output("/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/z/subnets/jobs"),
    serverFqdn: deployment.fqdn,
};
const jobs = new IdentityVm("jobs", vmArgs);
const accessArgs: EntraAccessArgs = {
    serverFqdn: deployment.fqdn,
    tenantId: deployment.tenantId,
    deployerLogin: "dba@contoso.com",
    after: [deployment],
    identities: [{ name: jobs.roleName, objectId: jobs.principalId, type: "service", access: [{ database: "app", level: "read" }], dependsOn: [jobs.vm] }],
};
export const jobsRoles: string[] = [...new EntraAccess("jobs-access", accessArgs).roles.keys()];
const source: TokenSource = async () => ({ token: "t", expiresOnTimestamp: Date.now() });
setTokenSource(source);
`;

const settings = {
    location: "westeurope",
    auth: "entra-only",
    admins: [{ name: "dba@contoso.com", objectId: "3b1f6a52-1c1e-4f0e-9d53-2f6f0c1d7a01", type: "User" }],
    deployer: "dba@contoso.com",
    network: { access: "public", allowedIps: ["203.0.113.10"] },
    server: { name: "consumer-pg", version: "17", sku: "Standard_B1ms", tier: "Burstable", storageGb: 32 },
    vm: {
        size: "Standard_B2s",
        adminUsername: "azureuser",
        sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7yEXAMPLEKEYdoNotUseA9b3cDeF4gHiJkLmNoPqRs consumer@example",
        access: [{ database: "app", level: "write" }],
    },
    databases: ["app"],
    diagnostics: { enabled: false },
};

/** Runs the plain-node consumer in `dir` and checks what it declared and exported. */
function runConsumer(dir: string): void {
    const result = spawnSync(process.execPath, ["index.js", JSON.stringify(settings)], { cwd: dir, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const run = JSON.parse(result.stdout.trim().split("\n").pop()!) as {
        exports: string[];
        testing: string[];
        internal: string;
        types: string[];
        names: string[];
        providerLengths: number[];
        provider: string;
        checkFailures: string[];
    };
    // Named public API; the test hooks only through entra-postgres/testing; internals not reachable.
    for (const name of ["EntraPostgres", "EntraRole", "EntraNetwork", "FlexibleServer", "parseConfig", "ConfigError"]) {
        assert.ok(run.exports.includes(name), `${name} is exported`);
    }
    for (const hook of ["setTokenSource", "setRetryPolicy", "closeAllConnections", "entraRoleProvider"]) {
        assert.ok(!run.exports.includes(hook), `${hook} is not in the main entry point`);
        assert.ok(run.testing.includes(hook), `${hook} is in entra-postgres/testing`);
    }
    assert.equal(run.internal, "ERR_PACKAGE_PATH_NOT_EXPORTED");

    // The resources the components declare for this configuration.
    const count = (type: string) => run.types.filter((t) => t === type).length;
    assert.equal(count("entra-postgres:index:EntraPostgres"), 1);
    assert.equal(count("azure-native:resources:ResourceGroup"), 1);
    assert.equal(count("azure-native:dbforpostgresql:Server"), 1);
    assert.equal(count("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra"), 1);
    assert.equal(count("azure-native:dbforpostgresql:Database"), 1);
    assert.equal(count("azure-native:compute:VirtualMachine"), 1);
    assert.ok(count("azure-native:dbforpostgresql:FirewallRule") >= 1);
    // The VM's role and the consumer's own.
    assert.equal(count("pulumi-nodejs:dynamic/entra-postgres:EntraRole"), 2);
    assert.ok(run.names.includes("reporting"));

    // Compiled and installed, the provider is a stub that loads dist/roles/provider.js by package name.
    assert.ok(run.providerLengths.every((n) => n < 4_000), `serialized provider sizes ${run.providerLengths.join(", ")}`);
    assert.match(run.provider, /entra-postgres\/provider/);
    assert.ok(!/require\("pg"\)|pgaadauth/.test(run.provider), "the implementation is not inlined");
    // Evaluated, it loads the real provider, which validates the role name (over 63 bytes).
    assert.deepEqual(run.checkFailures, ["roleName"]);
}

/** Type-checks the strict TypeScript consumer in `dir` with a module kind and resolution. */
function typeCheck(dir: string, module: string, moduleResolution: string, libCheck = true): void {
    for (const name of ["typescript", "@types/node"]) {
        const at = path.join(dir, "node_modules", name);
        if (!fs.existsSync(at)) {
            fs.mkdirSync(path.dirname(at), { recursive: true });
            fs.symlinkSync(path.join(root, "node_modules", name), at, "dir");
        }
    }
    fs.writeFileSync(path.join(dir, "index.ts"), typedProgram);
    fs.writeFileSync(
        path.join(dir, `tsconfig.${moduleResolution}.json`),
        JSON.stringify({
            compilerOptions: {
                strict: true,
                target: "ES2022",
                module,
                moduleResolution,
                types: ["node"],
                skipLibCheck: false,
                noEmit: true,
                ...(moduleResolution === "node10" ? { ignoreDeprecations: "5.0" } : {}),
                // The declarations themselves are checked once (node16, and against the oldest peers); the other
                // resolutions check that every entry point resolves and types the consumer.
                ...(libCheck ? {} : { skipLibCheck: true }),
            },
            files: ["index.ts"],
        }),
    );
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", `tsconfig.${moduleResolution}.json`], { cwd: dir, encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout + result.stderr);
}

/**
 * The oldest peers the package declares, installed once per machine into a cache outside the clone
 * (`${ENTRA_POSTGRES_CACHE:-~/.cache/entra-postgres}/consumer-peers/<versions>`, from the npm registry, scripts
 * off): `@pulumi/pulumi` and `@pulumi/azure-native` at the floor of their peer ranges, the dependencies at the
 * floor of theirs. The newest are this project's own node_modules (the lockfile), used by the tests above.
 */
function oldestPeers(pkg: typeof manifest): { dir: string; versions: Record<string, string> } {
    const floor = (range: string) => {
        const m = /^\^?(\d+\.\d+\.\d+)$/.exec(range.trim());
        assert.ok(m, `a range with a floor to test (^x.y.z), not "${range}"`);
        return m![1];
    };
    const versions: Record<string, string> = {};
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) versions[name] = floor(range);
    const key = Object.entries(versions).map(([n, v]) => `${n.replace(/[@/]/g, "_")}-${v}`).sort().join("+");
    const cache = process.env.ENTRA_POSTGRES_CACHE ?? path.join(os.homedir(), ".cache", "entra-postgres");
    const dir = path.join(cache, "consumer-peers", key);
    if (!fs.existsSync(path.join(dir, "installed"))) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer-peers", private: true, dependencies: versions }));
        execFileSync(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], { cwd: dir, stdio: "pipe" });
        fs.writeFileSync(path.join(dir, "installed"), new Date().toISOString());
    }
    return { dir, versions };
}

describe("the npm package, installed into another program", () => {
    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "entra-postgres-package-"));
        consumer = path.join(work, "consumer");
        const out = execFileSync(npm, ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" });
        // prepack's own output (the build) precedes the JSON.
        packed = (JSON.parse(out.slice(out.indexOf("[\n"))) as (typeof packed)[])[0];
        const unpacked = path.join(consumer, "node_modules", "entra-postgres");
        fs.mkdirSync(unpacked, { recursive: true });
        execFileSync("tar", ["-xzf", path.join(work, packed.filename), "-C", unpacked, "--strip-components=1"]);
        manifest = JSON.parse(fs.readFileSync(path.join(unpacked, "package.json"), "utf8"));
        for (const name of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]) link(name);
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, main: "index.js" }));
        fs.writeFileSync(path.join(consumer, "index.js"), program);
    });
    after(() => fs.rmSync(work, { recursive: true, force: true }));

    test("the tarball holds the library only", () => {
        const files = packed.files.map((f) => f.path).sort();
        for (const required of [
            "package.json", "dist/index.js", "dist/index.d.ts", "dist/testing.js", "dist/testing.d.ts", "dist/roles/provider.js",
            // Data the library reads at run time: the parameter catalogue, the regions table, the root CAs.
            "dist/config/serverParameters.json", "dist/config/flexibleServerRegions.json", "certs/azure-postgres-roots.pem",
        ]) {
            assert.ok(files.includes(required), `${required} is shipped`);
        }
        const stray = files.filter((f) => !f.startsWith("dist/") && !["package.json", "README.md", "LICENSE", "CHANGELOG.md", "certs/azure-postgres-roots.pem"].includes(f));
        assert.deepEqual(stray, [], "no tests, benchmarks, workflows, policies or stack files");
        assert.ok(!files.some((f) => /\.test\.|(^|\/)(test|bench|plan|policies)\//.test(f)));
    });

    test("plain node requires it, runs it under mocks, and the role provider is serialized as a require by package name", () => {
        runConsumer(consumer);
    });

    test("with the oldest peers the package declares (@pulumi/pulumi and @pulumi/azure-native at their ranges' floors), it runs and type-checks the same", () => {
        const peers = oldestPeers(manifest);
        const older = path.join(work, "consumer-oldest");
        fs.mkdirSync(path.join(older, "node_modules"), { recursive: true });
        fs.cpSync(path.join(consumer, "node_modules", "entra-postgres"), path.join(older, "node_modules", "entra-postgres"), { recursive: true });
        // Every package of the peers' install, linked (a scope as a whole), so each resolves its own dependencies there.
        for (const entry of fs.readdirSync(path.join(peers.dir, "node_modules"))) {
            if (entry.startsWith(".")) continue;
            fs.symlinkSync(path.join(peers.dir, "node_modules", entry), path.join(older, "node_modules", entry), "dir");
        }
        const sdk = JSON.parse(fs.readFileSync(path.join(older, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
        const azure = JSON.parse(fs.readFileSync(path.join(older, "node_modules", "@pulumi", "azure-native", "package.json"), "utf8")).version;
        assert.deepEqual([sdk, azure], [peers.versions["@pulumi/pulumi"], peers.versions["@pulumi/azure-native"]]);
        fs.writeFileSync(path.join(older, "package.json"), JSON.stringify({ name: "consumer", private: true, main: "index.js" }));
        fs.writeFileSync(path.join(older, "index.js"), program);
        runConsumer(older);
        typeCheck(older, "node20", "node16");
    });

    test("compiled but not installed in the program's directory, the whole provider is serialized", () => {
        // The provider host's require finds only node_modules/entra-postgres from the program's directory up; this
        // project's own dist/ is not there, so a stub would not load in the host.
        const script =
            `const { serializableProvider } = require("./dist/roles/entraRole.js");` +
            `const { entraRoleProvider } = require("./dist/roles/provider.js");` +
            `process.stdout.write(String(serializableProvider() === entraRoleProvider));`;
        const result = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, "true");
    });

    // Each of TypeScript's module resolutions a consumer may use: node10 ignores `exports` (the subpaths resolve
    // through `typesVersions`), node16 follows it, bundler follows it with ESM syntax.
    for (const [module, moduleResolution] of [["commonjs", "node10"], ["node20", "node16"], ["esnext", "bundler"]]) {
        test(`a strict TypeScript consumer type-checks against the shipped .d.ts, every entry point (moduleResolution ${moduleResolution})`, () => {
            link("typescript");
            link("@types/node");
            typeCheck(consumer, module, moduleResolution, moduleResolution === "node16");
        });
    }
});
