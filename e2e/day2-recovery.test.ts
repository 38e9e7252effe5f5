/**
 * An interrupted `pulumi up` and the documented recovery (README "Recovering from an interrupted run",
 * docs/recovery.md), under the real CLI: the CLI is killed (SIGKILL, as a lost runner) while principals' roles
 * are being created, and again while their grants are being given; then `pulumi cancel` (if the stack is locked),
 * `pulumi refresh --clear-pending-creates`, `pulumi up` converge in one `up`: every principal has one role of its
 * object id, each grant once, no role the stack does not declare, and the next preview shows no changes.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureCli } from "./support/cli";
import { World } from "./support/world";

const stack = "rec";
const serverName = "entra-postgres-rec";
const deployerName = "dev-dba@contoso.com";
let world: World;
let current: any;
const started = Date.now();

async function pulumi(args: string[]) {
    const deployer = current.config["entra-postgres:admins"].find((a: { name: string }) => a.name === deployerName);
    world.signIn({ tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", subscriptionId: "00000000-0000-4000-8000-00000000e2e0", objectId: deployer.objectId, clientId: deployer.objectId });
    return world.pulumi([...args, "--stack", stack]);
}

async function ok(args: string[]): Promise<string> {
    const r = await pulumi(args);
    assert.equal(r.code, 0, r.output);
    return r.output;
}

const sql = async (query: string, params: unknown[] = [], database = "postgres") => world.sql(serverName, query, params, database);

/** Principals to add: service principals with write access to `app`, object ids made from `n`. */
function principals(prefix: string, count: number): { name: string; objectId: string; type: string; access: unknown[] }[] {
    return Array.from({ length: count }, (_, i) => ({
        name: `${prefix}-${i + 1}`,
        objectId: `${prefix === "roles" ? "1" : "2"}${String(i + 1).padStart(7, "0")}-0000-4000-8000-00000000e2e${i}`,
        type: "service",
        access: [{ database: "app", level: "write" }],
    }));
}

/** Processes this simulation started (their environment names its directory), by pid, with their command line. */
function simulationProcesses(): [number, string][] {
    return fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid).flatMap((entry): [number, string][] => {
        try {
            const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
            const command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
            return environ.includes(`ENTRA_E2E_SIM_DIR=${world.simDir}`) ? [[Number(entry), command]] : [];
        } catch {
            return [];
        }
    });
}

/** The CLI processes of this simulation. */
const cliProcesses = (): number[] => simulationProcesses().filter(([, cmd]) => cmd.startsWith(`${path.join(world.cli.binDir, "pulumi")} `)).map(([pid]) => pid);

/** Plugins and program processes of this simulation still running (PostgreSQL servers excepted). */
const leftovers = () => simulationProcesses().filter(([, cmd]) => !/^postgres:?$/.test(path.basename(cmd.split(" ")[0])));

/** Starts `pulumi up`, waits until `reached` holds in PostgreSQL, then kills the CLI as a lost runner would. */
async function killUpWhen(reached: () => Promise<boolean>): Promise<void> {
    const run = pulumi(["up", "--yes", "--skip-preview", "--parallel", "2"]);
    let done = false;
    void run.then(() => (done = true));
    const deadline = Date.now() + 240_000;
    while (!done && Date.now() < deadline && !(await reached().catch(() => false))) await new Promise((r) => setTimeout(r, 100));
    assert.equal(done, false, "the run was still going when the cut point was reached");
    for (const pid of cliProcesses()) process.kill(pid, "SIGKILL");
    const result = await run;
    assert.notEqual(result.code, 0, "the killed run did not finish");
    // The plugins notice their engine is gone and exit; whatever still runs after that is reported and ended.
    const gone = Date.now() + 10_000;
    while (leftovers().length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
    const left = leftovers();
    for (const [pid] of left) process.kill(pid, "SIGKILL");
    if (left.length > 0) process.stderr.write(`day2-recovery: still running 10 s after the CLI was killed, ended: ${left.map(([, cmd]) => cmd).join("; ")}\n`);
}

/** The documented recovery; `pulumi cancel` only when the stack says it is locked. */
async function recover(): Promise<void> {
    const exported = await pulumi(["stack", "export"]);
    const pending = exported.code === 0 ? (JSON.parse(exported.stdout).deployment?.pending_operations ?? []) : [];
    const refresh = await pulumi(["refresh", "--clear-pending-creates", "--yes"]);
    const locked = refresh.code !== 0 && /locked/i.test(refresh.output);
    process.stderr.write(`day2-recovery: the killed run left ${pending.length} pending operation(s): ${pending.map((p: any) => `${p.type} ${String(p.resource?.urn).split("::").pop()}`).join(", ")}; stack locked: ${locked}\n`);
    if (locked) {
        await ok(["cancel", "--yes"]);
        await ok(["refresh", "--clear-pending-creates", "--yes"]);
    } else {
        assert.equal(refresh.code, 0, refresh.output);
    }
    await ok(["up", "--yes", "--skip-preview"]);
}

/** Exactly the declared Entra roles, each of its object id, each with its grants once; nothing to change. */
async function converged(): Promise<void> {
    const declared = [...current.config["entra-postgres:admins"], ...current.config["entra-postgres:principals"]];
    const rows = await sql("select p.rolname, p.objectid from pgaadauth_list_principals(false) as p(rolname)");
    assert.deepEqual(
        rows.map((r: any) => `${r.rolname} ${r.objectid}`).sort(),
        declared.map((p) => `${p.name} ${p.objectId.toLowerCase()}`).sort(),
        "one role per declared identity, and no other",
    );
    for (const p of current.config["entra-postgres:principals"]) {
        const [acl] = await sql(
            "select (select count(*)::int from pg_database d, aclexplode(d.datacl) a where d.datname = 'app' and a.grantee = $1::regrole) as db, " +
            "(select count(*)::int from pg_class c, aclexplode(c.relacl) a where c.relname = 'orders' and a.grantee = $1::regrole) as tbl",
            [`"${p.name}"`], "app");
        assert.deepEqual(acl, { db: 1, tbl: 4 }, `${p.name}: CONNECT once, SELECT/INSERT/UPDATE/DELETE once each`);
    }
    await ok(["preview", "--expect-no-changes"]);
    assert.equal(cliProcesses().length, 0);
}

before(async () => {
    world = new World(ensureCli());
    process.env.ENTRA_E2E_SIM_DIR = world.simDir;
    world.addHosts([`${serverName}.postgres.database.azure.com`]);
    current = structuredClone(world.stackConfig("dev"));
    current.config["entra-postgres:server"] = { ...current.config["entra-postgres:server"], name: serverName };
    current.config["entra-postgres:vm"] = { enabled: false };
    world.writeStackConfig(stack, current);
    const init = await world.pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    assert.equal(init.code, 0, init.output);
    await ok(["up", "--yes", "--skip-preview"]);
    await sql(`SET ROLE "${deployerName}"; CREATE TABLE public.orders (id int primary key); RESET ROLE;`, [], "app");
});

after(async () => {
    process.stderr.write(`day2-recovery: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    await world?.close(process.env.ENTRA_E2E_KEEP === "1");
});

describe("a run killed, then cancel, refresh --clear-pending-creates, up", () => {
    test("killed while the roles are created: one up converges, no duplicate, no orphan", async () => {
        const added = principals("roles", 4);
        current.config["entra-postgres:principals"].push(...added);
        world.writeStackConfig(stack, current);
        await killUpWhen(async () => (await sql("select count(*)::int as n from pg_roles where rolname = any($1)", [added.map((p) => p.name)]))[0].n >= 1);
        await recover();
        await converged();
    });

    test("killed while the grants are given: one up converges, each grant once", async () => {
        const added = principals("grants", 3);
        current.config["entra-postgres:principals"].push(...added);
        world.writeStackConfig(stack, current);
        await killUpWhen(async () => (await sql(
            "select count(*)::int as n from pg_database d, aclexplode(d.datacl) a join pg_roles r on r.oid = a.grantee where d.datname = 'app' and r.rolname = any($1)",
            [added.map((p) => p.name)]))[0].n >= 1);
        await recover();
        await converged();
    });
});
