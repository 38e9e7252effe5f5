/**
 * A server's life after the first `pulumi up`, under the real CLI: one stack taken through the server-level
 * changes a platform team makes, each checked in the simulated server's PostgreSQL and in the simulated Azure,
 * each with what a user would expect. The simulated Azure's rules are in e2e/providers/azure/ (docs/e2e.md lists
 * them with their sources); the calls the program makes itself (a restart) reach the simulated Resource Manager
 * the harness serves on management.azure.com (support/armEndpoint.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ensureCli } from "./support/cli";
import { World } from "./support/world";
import { armHost, startArmEndpoint, type ArmEndpoint } from "./support/armEndpoint";
import type { FaultRule } from "./providers/azure/client";
import { armTokenResource, signedIn, tokenFor } from "./providers/common";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";

const stack = "day2";
const serverName = "entra-postgres-day2";
let world: World;
let arm: ArmEndpoint;

function baseConfig(): any {
    const config = structuredClone(world.stackConfig("dev"));
    const c = config.config;
    c["entra-postgres:server"] = {
        name: serverName, version: "16", sku: "Standard_D2ds_v5", tier: "GeneralPurpose", storageGb: 128,
        highAvailability: "Disabled", backupRetentionDays: 7, geoRedundantBackup: false,
    };
    c["entra-postgres:vm"] = { enabled: false };
    return config;
}

let current: any;
/** Changes the stack's server settings (and keeps them for the next step). */
function setServer(change: (server: Record<string, any>) => void): void {
    change(current.config["entra-postgres:server"]);
    world.writeStackConfig(stack, current);
}

async function pulumi(args: string[]) {
    const config = current.config;
    const deployer = config["entra-postgres:admins"].find((a: { name: string }) => a.name === config["entra-postgres:deployer"]);
    world.signIn({ tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", subscriptionId: "00000000-0000-4000-8000-00000000e2e0", objectId: deployer.objectId, clientId: deployer.objectId });
    return world.pulumi([...args, "--stack", stack]);
}

async function up(): Promise<string> {
    const r = await pulumi(["up", "--yes", "--skip-preview"]);
    assert.equal(r.code, 0, r.output);
    return r.output;
}

async function noChanges(): Promise<void> {
    const r = await pulumi(["preview", "--expect-no-changes"]);
    assert.equal(r.code, 0, r.output);
}

const sql = async (query: string, database = "postgres") => (await world.sql(serverName, query, [], database))[0];
const show = async (parameter: string): Promise<string> => (await sql(`select current_setting('${parameter}') as v`)).v;
const startedAt = async (): Promise<string> => String((await sql("select pg_postmaster_start_time() as t")).t);
const azure = (suffix: string) => world.resources().find(([id]) => id.endsWith(suffix))?.[1].outputs as Record<string, any>;
const server = () => azure(`/flexibleServers/${serverName}`);
const parameter = (name: string) => azure(`/flexibleServers/${serverName}/configurations/${name}`);
const faults = (rules: FaultRule[]) => fs.writeFileSync(path.join(world.simDir, "faults.json"), JSON.stringify(rules));
const requestLog = () => fs.readFileSync(path.join(world.simDir, "azure-requests.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

before(async () => {
    world = new World(ensureCli());
    process.env.ENTRA_E2E_SIM_DIR = world.simDir;
    const hosts = world.addHosts([`${serverName}.postgres.database.azure.com`, armHost]);
    arm = await startArmEndpoint(world.simDir, hosts.get(armHost)!);
    current = baseConfig();
    world.writeStackConfig(stack, current);
    const init = await world.pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    assert.equal(init.code, 0, init.output);
    await up();
    await sql("create table day2_marker (x int)", "app");
    await sql("insert into day2_marker values (42)", "app");
});

after(async () => {
    await arm?.close();
    await world?.close(process.env.ENTRA_E2E_KEEP === "1");
});

/** The data written before the change is still there. */
async function dataKept(): Promise<void> {
    assert.equal((await sql("select x from day2_marker", "app")).x, 42, "the table written at the start is intact");
}

describe("server parameters", () => {
    test("a dynamic parameter applies at once, without a restart", async () => {
        const before = await startedAt();
        setServer((s) => (s.parameters = { log_min_duration_statement: "250" }));
        await up();
        assert.equal(await show("log_min_duration_statement"), "250ms");
        assert.equal(await startedAt(), before, "no restart");
        assert.equal(parameter("log_min_duration_statement").isDynamicConfig, true);
        assert.equal(parameter("log_min_duration_statement").isConfigPendingRestart, false);
        await noChanges();
    });

    test("a static parameter on an unprotected stack (auto): the preview shows the restart, up restarts once and the value applies", async () => {
        const before = await startedAt();
        setServer((s) => (s.parameters = { ...s.parameters, max_connections: "157" }));
        const preview = await pulumi(["preview"]);
        assert.equal(preview.code, 0, preview.output);
        assert.match(preview.output, /\+\s+.*ServerRestart\s+day2-pg-restart\s+create/, "the preview names the restart");
        const output = await up();
        assert.match(output, /ServerRestart\s+day2-pg-restart\s+created/, output);
        assert.equal(await show("max_connections"), "157");
        assert.notEqual(await startedAt(), before, "the server restarted");
        assert.deepEqual(arm.restarts, [serverName], "one Servers_Restart call");
        assert.equal(parameter("max_connections").isConfigPendingRestart, false, "Azure no longer reports it pending");
        await dataKept();
        // No restart loop (hashicorp/terraform-provider-azurerm#22257): nothing changes on the next run.
        await noChanges();
    });

    test("a static parameter with restartForStaticParameters: operator waits, up says which, and an operator restart applies it", async () => {
        const before = await startedAt();
        setServer((s) => {
            s.restartForStaticParameters = "operator";
            s.parameters = { ...s.parameters, max_connections: "163" };
        });
        const output = await up();
        assert.match(output, /max_connections = 163 waits for a restart of server entra-postgres-day2/, output);
        assert.equal(await show("max_connections"), "157", "the running server keeps the old value");
        assert.equal(await startedAt(), before, "no restart");
        assert.equal(parameter("max_connections").isConfigPendingRestart, true);
        assert.deepEqual(arm.restarts, [serverName], "no new restart call");
        const pending = await pulumi(["preview"]);
        assert.match(pending.output, /max_connections = 163 waits for a restart/, "every preview says so until the restart");
        // The operator restarts the server (Servers_Restart, what `az postgres flexible-server restart` calls) and refreshes.
        await operatorRestart();
        assert.equal(await show("max_connections"), "163");
        const refresh = await pulumi(["refresh", "--yes"]);
        assert.equal(refresh.code, 0, refresh.output);
        const after = await pulumi(["preview", "--expect-no-changes"]);
        assert.equal(after.code, 0, after.output);
        assert.doesNotMatch(after.output, /waits for a restart/, after.output);
    });
});

/**
 * What an operator's `az postgres flexible-server restart` does: Servers_Restart against Resource Manager, then
 * the operation polled until it ends. (This process does not trust the test CA by default, so it is named here.)
 */
async function operatorRestart(): Promise<void> {
    const id = Object.keys(JSON.parse(fs.readFileSync(path.join(world.simDir, "azure-postgres.json"), "utf8")))[0];
    const me = signedIn();
    const ca = fs.readFileSync(path.join(world.simDir, "ca.crt"), "utf8");
    const request = (method: string, url: string) => new Promise<{ status: number; headers: Record<string, any>; body: string }>((resolve, reject) => {
        const req = https.request(url, { method, ca, headers: { authorization: `Bearer ${tokenFor(me.objectId, armTokenResource, me.tenantId)}`, "content-type": "application/json" } }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.end(method === "POST" ? "{}" : undefined);
    });
    const accepted = await request("POST", `${armTokenResource}${id}/restart?api-version=2025-08-01`);
    assert.equal(accepted.status, 202, accepted.body);
    for (;;) {
        const poll = await request("GET", String(accepted.headers["azure-asyncoperation"]));
        const status = JSON.parse(poll.body).status;
        if (status === "Succeeded") return;
        assert.equal(status, "InProgress", poll.body);
        await new Promise((r) => setTimeout(r, 200));
    }
}

describe("compute, storage, availability, backups, version", () => {
    test("SKU scale up and down: in place, a restart each time, data kept", async () => {
        for (const sku of ["Standard_D4ds_v5", "Standard_D2ds_v5"]) {
            const before = await startedAt();
            setServer((s) => (s.sku = sku));
            await up();
            assert.equal(server().sku.name, sku);
            assert.equal(server().state, "Ready");
            assert.notEqual(await startedAt(), before, `scaling to ${sku} restarted the server`);
            await dataKept();
        }
        await noChanges();
    });

    test("storage grows online; a shrink is refused before anything changes, naming the setting", async () => {
        const before = await startedAt();
        setServer((s) => (s.storageGb = 256));
        await up();
        assert.equal(server().storage.storageSizeGB, 256);
        assert.equal(await startedAt(), before, "growing storage is online");
        setServer((s) => (s.storageGb = 128));
        const snapshot = JSON.stringify(world.resources());
        const refused = await pulumi(["up", "--yes"]);
        assert.notEqual(refused.code, 0, refused.output);
        assert.match(refused.output, /storage cannot shrink from 256 GiB to 128 GiB \(setting server\.storageGb\)/, refused.output);
        assert.equal(JSON.stringify(world.resources()), snapshot, "nothing changed in the simulated Azure");
        setServer((s) => (s.storageGb = 256));
        await noChanges();
    });

    test("high availability on and off, in place", async () => {
        for (const mode of ["ZoneRedundant", "Disabled"]) {
            setServer((s) => (s.highAvailability = mode));
            await up();
            assert.equal(server().highAvailability.mode, mode);
            await dataKept();
        }
        await noChanges();
    });

    test("backup retention changes in place", async () => {
        setServer((s) => (s.backupRetentionDays = 14));
        await up();
        assert.equal(server().backup.backupRetentionDays, 14);
        await noChanges();
    });

    test("a major version upgrade is in place (data kept); a downgrade is refused before anything changes", async () => {
        const before = await startedAt();
        setServer((s) => (s.version = "17"));
        await up();
        assert.equal(server().version, "17");
        assert.notEqual(await startedAt(), before, "the server went offline for the upgrade");
        await dataKept();
        setServer((s) => (s.version = "16"));
        const refused = await pulumi(["up", "--yes"]);
        assert.notEqual(refused.code, 0, refused.output);
        assert.match(refused.output, /PostgreSQL 17 cannot be downgraded to 16 \(setting server\.version\)/, refused.output);
        assert.equal(server().version, "17");
        setServer((s) => (s.version = "17"));
        await noChanges();
    });
});

describe("transient Azure faults", () => {
    test("429 with Retry-After is retried and the change goes through", async () => {
        faults([{ match: { op: "update", type: "Server" }, status: 429, code: "TooManyRequests", retryAfterSeconds: 1, times: 2 }]);
        setServer((s) => (s.backupRetentionDays = 21));
        await up();
        assert.equal(server().backup.backupRetentionDays, 21);
        const tries = requestLog().filter((r) => r.op === "update" && r.type === "Server" && r.answer);
        assert.deepEqual(tries.slice(-3).map((r) => r.answer), ["429 TooManyRequests", "429 TooManyRequests", "accepted"]);
    });

    test("a 503 that persists is reported with its code after azure-native's 4 tries; the re-run converges", async () => {
        faults([{ match: { op: "update", type: "Server" }, status: 503, code: "ServiceUnavailable", times: 4 }]);
        setServer((s) => (s.backupRetentionDays = 28));
        const failed = await pulumi(["up", "--yes", "--skip-preview"]);
        assert.notEqual(failed.code, 0);
        assert.match(failed.output, /Status=503 Code="ServiceUnavailable".*after 4 tries/, failed.output);
        assert.equal(server().backup.backupRetentionDays, 21, "nothing applied");
        await up();
        assert.equal(server().backup.backupRetentionDays, 28);
        await noChanges();
    });

    test("ServerBusy is not retried (as azure-native does not) and is reported; an operation failing after acceptance too; re-runs converge", async () => {
        faults([{ match: { op: "update", type: "Configuration", name: "log_min_duration_statement" }, status: 409, code: "ServerBusy", message: "Server is busy with another operation." }]);
        setServer((s) => (s.parameters = { ...s.parameters, log_min_duration_statement: "500" }));
        const busy = await pulumi(["up", "--yes", "--skip-preview"]);
        assert.notEqual(busy.code, 0);
        assert.match(busy.output, /Status=409 Code="ServerBusy".*not retried/, busy.output);
        assert.equal(await show("log_min_duration_statement"), "250ms");
        faults([{ match: { op: "update", type: "Configuration", name: "log_min_duration_statement" }, status: 500, code: "InternalServerError", async: true }]);
        const failed = await pulumi(["up", "--yes", "--skip-preview"]);
        assert.notEqual(failed.code, 0);
        assert.match(failed.output, /Code="InternalServerError".*long-running operation ended Failed/, failed.output);
        await up();
        assert.equal(await show("log_min_duration_statement"), "500ms");
        await noChanges();
    });

    test("the stack's own restart call is retried on 429 too (auto)", async () => {
        faults([{ match: { op: "restart" }, status: 429, code: "TooManyRequests", retryAfterSeconds: 1 }]);
        setServer((s) => {
            delete s.restartForStaticParameters;
            s.parameters = { ...s.parameters, max_connections: "171" };
        });
        const restartsBefore = arm.restarts.length;
        await up();
        assert.equal(arm.restarts.length, restartsBefore + 1);
        assert.equal(await show("max_connections"), "171");
        assert.ok(requestLog().some((r) => r.endpoint === "arm" && r.answer === "429 TooManyRequests"));
        await noChanges();
    });
});

/** Processes started for this simulation (their environment names its directory), by pid, with their command line. */
function simulationProcesses(): Map<number, string> {
    const found = new Map<number, string>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
            if (environ.split("\0").includes(`ENTRA_E2E_SIM_DIR=${world.simDir}`)) {
                found.set(Number(entry), fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " "));
            }
        } catch {
            // gone, or not ours to read
        }
    }
    return found;
}

const parentOf = (pid: number): number => Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ")[1]);

describe("a killed CLI", () => {
    test("leaves no stand-in provider plugin running", async () => {
        setServer((s) => (s.backupRetentionDays = 30));
        const run = pulumi(["up", "--yes", "--skip-preview"]);
        const plugin = (): [number, string] | undefined => [...simulationProcesses()].find(([, cmd]) => cmd.includes("e2e/providers/azure-native.ts"));
        const deadline = Date.now() + 120_000;
        while (!plugin() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        const [pid] = plugin() ?? [];
        assert.ok(pid, "the azure-native stand-in started");
        const cli = parentOf(pid!);
        assert.match(fs.readFileSync(`/proc/${cli}/cmdline`, "utf8"), /pulumi/, "its parent is the CLI");
        process.kill(cli, "SIGKILL");
        await run;
        const gone = Date.now() + 5_000;
        while ([...simulationProcesses().values()].some((cmd) => cmd.includes("e2e/providers/")) && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual([...simulationProcesses().values()].filter((cmd) => cmd.includes("e2e/providers/")), [], "every stand-in plugin exited");
    });
});
