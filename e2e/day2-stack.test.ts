/**
 * Stack-level day-2 changes under the real CLI, on one stack (dev's settings, no VM) taken first unprotected,
 * then protected (`entra-postgres:protect: true`, as prod ships): a change of network mode and databases added
 * and removed. Each is checked where a user would look (the preview), in the simulated Azure (its resources and
 * its request log, azure-requests.log) and in the simulated server's PostgreSQL. docs/e2e.md, "The stack-level
 * day-2 suite", lists what each step expects and why.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureCli } from "./support/cli";
import { World } from "./support/world";

const stack = "day2stack";
const serverName = "entra-postgres-day2-stack";
const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
let world: World;
let current: any;

function baseConfig(): any {
    const config = structuredClone(world.stackConfig("dev"));
    const c = config.config;
    c["entra-postgres:server"].name = serverName;
    c["entra-postgres:vm"] = { enabled: false };
    c["entra-postgres:protect"] = false;
    return config;
}

/** Changes the stack's settings (and keeps them for the next step). */
function configure(change: (c: Record<string, any>) => void): void {
    change(current.config);
    world.writeStackConfig(stack, current);
}

async function pulumi(args: string[]) {
    const c = current.config;
    const deployer = c["entra-postgres:admins"].find((a: { name: string }) => a.name === c["entra-postgres:deployer"]);
    world.signIn({ tenantId, subscriptionId: "00000000-0000-4000-8000-00000000e2e0", objectId: deployer.objectId, clientId: deployer.objectId });
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

interface Step {
    op: string;
    type: string;
    name: string;
    diffs: string[];
}

interface JsonStep {
    op: string;
    urn: string;
    oldState?: { inputs?: Record<string, unknown> };
    newState?: { inputs?: Record<string, unknown> };
}

/** The top-level inputs a step changes (the CLI's JSON has the old and new state, not the provider's diff). */
function changedInputs(step: JsonStep): string[] {
    const olds = step.oldState?.inputs ?? {};
    const news = step.newState?.inputs ?? {};
    return [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** `pulumi preview --json`: its steps that change something. */
async function previewSteps(): Promise<Step[]> {
    const r = await pulumi(["preview", "--json"]);
    assert.equal(r.code, 0, r.output);
    const plan = JSON.parse(r.stdout) as { steps?: JsonStep[] };
    return (plan.steps ?? []).filter((s) => s.op !== "same").map((s) => {
        const parts = s.urn.split("::");
        return { op: s.op, type: parts[2].split("$").pop()!, name: parts[3], diffs: changedInputs(s) };
    });
}

const sql = async (query: string, database = "postgres") => world.sql(serverName, query, [], database);
const databaseExists = async (name: string) => (await sql(`select 1 from pg_database where datname = '${name}'`)).length === 1;
const azure = (suffix: string) => world.resources().find(([id]) => id.endsWith(suffix))?.[1];
const requestLog = (): { op: string; type: string; name: string; answer?: string }[] => {
    const file = path.join(world.simDir, "azure-requests.log");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
};

before(async () => {
    world = new World(ensureCli());
    process.env.ENTRA_E2E_SIM_DIR = world.simDir;
    world.addHosts([`${serverName}.postgres.database.azure.com`]);
    current = baseConfig();
    world.writeStackConfig(stack, current);
    const init = await world.pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    assert.equal(init.code, 0, init.output);
    await up();
    await sql("create table stack_marker (x int)", "app");
    await sql("insert into stack_marker values (7)", "app");
});

after(async () => {
    await world?.close(process.env.ENTRA_E2E_KEEP === "1");
});

describe("an unprotected stack", () => {
    test("a database added is created in Azure and in PostgreSQL, owned by the deployer; removed, the preview names both deletes and up drops it", async () => {
        configure((c) => (c["entra-postgres:databases"] = ["app", "reports"]));
        await up();
        assert.ok(azure(`/flexibleServers/${serverName}/databases/reports`), "the Azure database exists");
        const [owner] = await sql("select pg_get_userbyid(datdba) as owner from pg_database where datname = 'reports'");
        assert.equal(owner.owner, current.config["entra-postgres:deployer"], "the deployer owns it (components/databases.ts)");
        await sql("create table r (x int)", "reports");

        configure((c) => (c["entra-postgres:databases"] = ["app"]));
        const steps = await previewSteps();
        const deletes = steps.filter((s) => s.op === "delete").map((s) => `${s.type} ${s.name}`).sort();
        assert.deepEqual(deletes, [
            "azure-native:dbforpostgresql:Database day2stack-db-reports",
            "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase day2stack-db-reports-owned",
        ], "the preview names the database's two resources as deleted, and nothing else");
        // Besides: the server's guard records the databases a protected stack may not drop (components/restart).
        assert.deepEqual(steps.filter((s) => s.op !== "delete"), [
            { op: "update", type: "pulumi-nodejs:dynamic/entra-postgres:ServerGuard", name: "day2stack-pg-guard", diffs: ["databases"] },
        ], "nothing else changes");
        await up();
        assert.equal(await databaseExists("reports"), false, "an unprotected stack drops a database taken out of `databases`");
        assert.equal(azure(`/flexibleServers/${serverName}/databases/reports`), undefined);
        assert.equal(await databaseExists("app"), true);
        assert.equal((await sql("select x from stack_marker", "app"))[0].x, 7, "the other database's data is intact");
        await noChanges();
    });

    let networkPreview: Step[] = [];

    test("network.access public → private: the preview shows what the change does to the server, and nothing is deployed", async () => {
        const before = JSON.stringify(world.resources());
        configure((c) => (c["entra-postgres:network"] = { access: "private" }));
        const steps = networkPreview = await previewSteps();
        const server = steps.find((s) => s.type === "azure-native:dbforpostgresql:Server");
        assert.ok(server, `the preview names the server (${JSON.stringify(steps)})`);
        assert.ok(server.diffs.includes("network"), `the server's change is its network (${server.diffs.join(", ")})`);
        assert.equal(JSON.stringify(world.resources()), before, "a preview changes nothing in Azure");
        configure((c) => (c["entra-postgres:network"] = baseConfig().config["entra-postgres:network"]));
        await noChanges();
    });

    // The spec sets no x-ms-mutability on Network, so the replacement is the program's (components/server.ts,
    // networkFixedAtCreation: a replaceOnChanges on the delegated subnet).
    test("network.access public → private: the preview names the server's replacement, as Azure cannot change the networking mode of a server in place", () => {
        // The preview of the test before.
        const server = networkPreview.filter((s) => s.type === "azure-native:dbforpostgresql:Server");
        assert.ok(server.some((s) => /replace/.test(s.op)), `the server is replaced (${server.map((s) => s.op).join(", ")})`);
    });
});

describe("a protected stack", () => {
    let ledgerRefusal = "";

    before(async () => {
        configure((c) => (c["entra-postgres:protect"] = true));
        await up();
        assert.ok(world.resources().some(([id, r]) => r.type === "azure-native:authorization:ManagementLockByScope" && id.includes(`/flexibleServers/${serverName}/`)),
            "protect turns the server's management lock on (dataSafety lock.server)");
    });

    test("a database with data taken out of `databases` is refused before anything changes; its data stays", async () => {
        configure((c) => (c["entra-postgres:databases"] = ["app", "ledger"]));
        await up();
        await sql("create table entries (id int primary key, amount numeric)", "ledger");
        await sql("insert into entries values (1, 100.50), (2, -20)", "ledger");

        configure((c) => (c["entra-postgres:databases"] = ["app"]));
        const requestsBefore = requestLog().length;
        const refused = await pulumi(["up", "--yes"]);
        ledgerRefusal = refused.output;
        assert.notEqual(refused.code, 0, refused.output);
        // The server's guard refuses it at check, in the preview `up` runs first (before Pulumi's own protect refusal).
        assert.match(refused.output, /database ledger on server \S+: leaving it out of the databases setting would drop it with its data/, refused.output);
        assert.deepEqual(requestLog().slice(requestsBefore), [], "no request reached Azure");
        assert.ok(azure(`/flexibleServers/${serverName}/databases/ledger`), "the Azure database is still there");
        assert.deepEqual(await sql("select id, amount::text from entries order by id", "ledger"), [{ id: 1, amount: "100.50" }, { id: 2, amount: "-20" }],
            "the data is still there");

        configure((c) => (c["entra-postgres:databases"] = ["app", "ledger"]));
        await noChanges();
    });

    test("the refusal names the stack setting and what to do instead", () => {
        // The refusal of the test before.
        assert.match(ledgerRefusal, /databases setting/);
        assert.match(ledgerRefusal, /entra-postgres:protect is true/);
        assert.match(ledgerRefusal, /Put ledger back into databases/);
    });

    test("network.access public → private: pulumi up is stopped before any change, and the server stays", async () => {
        configure((c) => (c["entra-postgres:network"] = { access: "private" }));
        const requestsBefore = requestLog().length;
        const refused = await pulumi(["up", "--yes"]);
        const sent = requestLog().slice(requestsBefore);
        assert.deepEqual(sent.filter((r) => r.type === "Server"), [], "no PUT, PATCH or DELETE reached the server");
        assert.notEqual(refused.code, 0, refused.output);
        assert.match(refused.output, /network\.access cannot change from public to private/, refused.output);
        assert.equal((azure(`/flexibleServers/${serverName}`)?.outputs.network as any)?.publicNetworkAccess, "Enabled");
        assert.equal((await sql("select x from stack_marker", "app"))[0].x, 7);
    });
});
