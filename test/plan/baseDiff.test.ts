import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { render } from "../../plan/cli";
import { diffPlans, flattenTree, type Plan, type PlanDiff, type ResourceChange } from "../../plan/render";
import { projectRoot } from "../../plan/engine/project";
import { PlanWorker } from "./plansInWorker";

// Plans are made in a worker thread: a third faster than in the test's own (plansInWorker.ts).
const worker = new PlanWorker();
after(() => worker.close());

/** A shipped stack file, parsed, with its config edited (keys without the namespace). */
function document(stack: string, change: (c: Record<string, any>) => void = () => undefined) {
    const doc = parseYaml(fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const short: Record<string, any> = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^entra-postgres:/, ""), v]));
    change(short);
    return { config: Object.fromEntries(Object.entries(short).map(([k, v]) => [`entra-postgres:${k}`, v])) };
}

/** The plan of `stack` with `head` against the JSON of its plan with `base` (as `--format json` writes it). */
async function diffOf(stack: string, head: (c: Record<string, any>) => void, base: (c: Record<string, any>) => void = () => undefined): Promise<{ plan: Plan; diff: PlanDiff }> {
    const basePlan = JSON.parse(render(await worker.plan({ stack, document: document(stack, base), policies: false }), "json")) as Plan;
    const plan = await worker.plan({ stack, document: document(stack, head), base: basePlan, policies: false });
    return { plan, diff: plan.diff! };
}

const changeOf = (diff: PlanDiff, type: string): ResourceChange => {
    const change = diff.changed.find((c) => c.type === type);
    assert.ok(change, `${type} changed; changes: ${JSON.stringify(diff.changed.map((c) => c.name))}`);
    return change;
};
const inputOf = (change: ResourceChange, at: string) => {
    const input = change.inputs.find((i) => i.path === at);
    assert.ok(input, `${change.name}: ${at} changed; inputs: ${JSON.stringify(change.inputs)}`);
    return input;
};

const server = "azure-native:dbforpostgresql:Server";
const vm = "azure-native:compute:VirtualMachine";

describe("--base: every change before → after, with what it does", () => {
    let dev: Plan;
    before(async () => {
        dev = await worker.plan({ stack: "dev" });
    });

    test("the base plan's JSON carries every resource's inputs, secrets masked, and the stack's settings", () => {
        const nodes = flattenTree(dev.tree);
        const pg = nodes.find((n) => n.type === server)!;
        assert.equal((pg.inputs!.storage as Record<string, unknown>).storageSizeGB, 32);
        assert.equal(pg.inputs!.administratorLoginPassword, "[secret]");
        assert.equal(dev.settings!["entra-postgres:server.storageGb"], "32");
        assert.ok(nodes.every((n) => !("__provider" in (n.inputs ?? {}))), "no dynamic provider's code");
        assert.ok(nodes.find((n) => n.type === vm)!.ignoreChanges === undefined || Array.isArray(nodes.find((n) => n.type === vm)!.ignoreChanges));
    });

    test("the reproduction: storage 32 → 64, vm.size Standard_B2ms and tags, from a copy of Pulumi.dev.yaml", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-base-"));
        const copy = path.join(dir, "Pulumi.dev.yaml");
        const text = fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8")
            .replace("    storageGb: 32", "    storageGb: 64")
            .replace("    size: Standard_B2s", "    size: Standard_B2ms");
        fs.writeFileSync(copy, `${text}  entra-postgres:tags:\n    owner: platform-team\n`);
        const plan = await worker.plan({ stack: "dev", configFile: copy, base: dev });
        const diff = plan.diff!;
        assert.deepEqual(diff.settings, [
            { key: "entra-postgres:server.storageGb", before: "32", after: "64" },
            { key: "entra-postgres:tags.owner", after: "platform-team" },
            { key: "entra-postgres:vm.size", before: "Standard_B2s", after: "Standard_B2ms" },
        ]);
        assert.deepEqual([diff.added, diff.removed, diff.renamed], [[], [], []]);
        const pg = changeOf(diff, server);
        assert.deepEqual(inputOf(pg, "storage.storageSizeGB"), { path: "storage.storageSizeGB", before: "32", after: "64", effect: "in place" });
        assert.equal(inputOf(pg, "tags.owner").after, "platform-team");
        assert.equal(pg.effect, "in place");
        assert.deepEqual(inputOf(changeOf(diff, vm), "hardwareProfile.vmSize"), { path: "hardwareProfile.vmSize", before: "Standard_B2s", after: "Standard_B2ms", effect: "in place" });
        // Every resource that takes tags gets the new one.
        const tagged = flattenTree(plan.tree).filter((n) => n.inputs && "tags" in n.inputs).map((n) => n.name).sort();
        assert.ok(tagged.length >= 7, tagged.join(", "));
        assert.deepEqual(diff.changed.filter((c) => c.inputs.some((i) => i.path === "tags.owner")).map((c) => c.name).sort(), tagged);
        const out = render(plan, "text");
        assert.match(out, /Changes against the base plan: 0 added, 0 removed, 0 renamed, \d+ changed \(0 replaced, 0 refused, 0 restart, \d+ in place\)/);
        assert.match(out, /entra-postgres:server\.storageGb: 32 → 64/);
        assert.match(out, /storage\.storageSizeGB: 32 → 64 \(in place\)/);
        assert.match(out, /hardwareProfile\.vmSize: Standard_B2s → Standard_B2ms \(in place\)/);
        const json = JSON.parse(render(plan, "json")) as Plan;
        assert.equal(json.diff!.changed.find((c) => c.type === server)!.inputs.find((i) => i.path === "storage.storageSizeGB")!.effect, "in place");
        assert.match(render(plan, "markdown"), /storage\\\.storageSizeGB: 32 → 64 \(in place\)/);
    });

    test("the README's Offline plan example is what the command prints", async () => {
        const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
        const shown = /```text\n(Changes against the base plan:[\s\S]*?)\n```/.exec(readme)?.[1];
        assert.ok(shown, "the README shows a base diff");
        const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-readme-")), "Pulumi.dev.yaml");
        fs.writeFileSync(copy, fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8")
            .replace("    storageGb: 32", "    storageGb: 64")
            .replace("    size: Standard_B2s\n", "    size: Standard_B2ms\n")
            .replace("geoRedundantBackup: false", "geoRedundantBackup: true"));
        const out = render(await worker.plan({ stack: "dev", configFile: copy, base: dev }), "text");
        const start = out.indexOf("Changes against the base plan:");
        assert.equal(out.slice(start, out.indexOf("\n\n", start)), shown);
    });

    test("a storage shrink and a version downgrade are refused, as the ServerGuard refuses them", async () => {
        const { diff, plan } = await diffOf("dev", (c) => { c.server.storageGb = 32; c.server.version = "16"; }, (c) => { c.server.storageGb = 64; });
        const guard = changeOf(diff, "pulumi-nodejs:dynamic/entra-postgres:ServerGuard");
        assert.equal(guard.effect, "refused");
        assert.match(inputOf(guard, "storageGb").why!, /storage cannot shrink from 64 GiB to 32 GiB \(setting server\.storageGb\)/);
        assert.match(inputOf(guard, "version").why!, /PostgreSQL 17 cannot be downgraded to 16/);
        const pg = changeOf(diff, server);
        assert.equal(pg.effect, "refused");
        assert.equal(inputOf(pg, "storage.storageSizeGB").effect, "refused");
        assert.equal(inputOf(pg, "version").effect, "refused");
        assert.match(render(plan, "text"), /! dev-pg-server \[dbforpostgresql:Server\]: REFUSED/);
    });

    test("a property Azure fixes at creation is refused: the VM's admin user name", async () => {
        const { diff } = await diffOf("dev", (c) => { c.vm.adminUsername = "operator"; });
        const input = inputOf(changeOf(diff, vm), "osProfile.adminUsername");
        assert.equal(input.effect, "refused");
        assert.match(input.why!, /fixed at creation by the spec/);
    });

    test("a create-only property replaces the server: data loss, named; not stopped in an unprotected stack", async () => {
        const { diff, plan } = await diffOf("dev", (c) => { c.administratorLogin = "pgadmin"; });
        const pg = changeOf(diff, server);
        assert.equal(pg.effect, "replace");
        assert.match(inputOf(pg, "administratorLogin").why!, /x-ms-mutability without update/);
        assert.match(pg.consequence!, /^data loss: the server is deleted and created anew, empty/);
        assert.deepEqual(pg.causes, ["entra-postgres:administratorLogin"]);
        assert.equal(pg.stopped, undefined);
        // Its databases, parameters and administrators take its name, unknown until it is created anew: replaced with it.
        const database = changeOf(diff, "azure-native:dbforpostgresql:Database");
        assert.equal(database.effect, "replace");
        assert.match(inputOf(database, "serverName").why!, /^dev-pg-server is replaced, so serverName is known only after deploy/);
        assert.match(database.consequence!, /^data loss: the database is dropped/);
        assert.ok(diff.changed.filter((c) => c.type === "azure-native:dbforpostgresql:Configuration").every((c) => c.effect === "replace"));
        assert.match(render(plan, "text"), /\+- dev-pg-server \[dbforpostgresql:Server\]: REPLACE\n.*administratorLogin: pgowner → pgadmin \(replace:[^\n]*\n {6}DATA LOSS: the server/);
    });

    test("a new VM name replaces the VM: downtime", async () => {
        const { diff } = await diffOf("dev", (c) => { c.vm.name = "dev-pg-client-2"; });
        const change = changeOf(diff, vm);
        assert.equal(change.effect, "replace");
        assert.match(change.consequence!, /^downtime: /);
        assert.deepEqual(change.causes, ["entra-postgres:vm.name"]);
    });

    test("in a protected stack, replacing the server or removing a database is stopped, naming the setting and what to do instead", async () => {
        const renamed = await diffOf("prod", (c) => { c.server.name = "entra-postgres-prod2"; });
        const pg = changeOf(renamed.diff, server);
        assert.equal(pg.effect, "replace");
        assert.match(pg.stopped!, /prod-pg-server is protected \(entra-postgres:protect: true\): pulumi up stops before it would replace it \(changed: entra-postgres:server\.name\)\. Instead: keep entra-postgres:server\.name as in the base/);
        assert.match(render(renamed.plan, "text"), /STOPPED: prod-pg-server is protected/);
        assert.match(render(renamed.plan, "markdown"), /\*\*stopped:\*\* prod-pg-server is protected/);

        const dropped = await diffOf("prod", () => undefined, (c) => { c.databases = ["app", "reports"]; });
        const database = dropped.diff.removed.find((r) => r.type === "azure-native:dbforpostgresql:Database")!;
        assert.ok(database, JSON.stringify(dropped.diff.removed));
        assert.match(database.consequence!, /^data loss: the database and its data are dropped/);
        assert.match(database.stopped!, /is protected .* \(changed: entra-postgres:databases\)\. Instead: keep the database in entra-postgres:databases/);
    });

    test("a static parameter's new value is a restart: by the stack (auto) or by the operator", async () => {
        const auto = await diffOf("dev", (c) => { c.server.parameters = { max_connections: "157" }; }, (c) => { c.server.parameters = { max_connections: "100" }; });
        const parameter = auto.diff.changed.find((c) => c.type === "azure-native:dbforpostgresql:Configuration")!;
        assert.equal(parameter.effect, "restart");
        assert.match(inputOf(parameter, "value").why!, /the stack restarts the server after the write \(server\.restartForStaticParameters auto\)/);
        assert.equal(changeOf(auto.diff, "pulumi-nodejs:dynamic/entra-postgres:ServerRestart").effect, "restart");

        const operator = await diffOf("prod", (c) => { c.server.parameters = { ...c.server.parameters, max_connections: "157" }; }, (c) => { c.server.parameters = { ...c.server.parameters, max_connections: "100" }; });
        const waiting = operator.diff.changed.find((c) => c.type === "azure-native:dbforpostgresql:Configuration")!;
        assert.match(inputOf(waiting, "value").why!, /applies after you restart the server \(server\.restartForStaticParameters operator\)/);
    });

    test("the stack's own providers are asked: a principal's new type replaces its role, the guard changes in place", async () => {
        const { diff } = await diffOf("dev", (c) => { c.principals[0].type = "user"; c.server.storageGb = 64; });
        const role = changeOf(diff, "pulumi-nodejs:dynamic/entra-postgres:EntraRole");
        assert.equal(role.effect, "replace");
        assert.match(inputOf(role, "principalType").why!, /the stack's own provider replaces it when principalType changes/);
        assert.deepEqual(inputOf(changeOf(diff, "pulumi-nodejs:dynamic/entra-postgres:ServerGuard"), "storageGb"), { path: "storageGb", before: "32", after: "64", effect: "in place" });
    });

    test("secrets stay masked in the settings and inputs of the diff", async () => {
        const { plan } = await diffOf("dev", (c) => { c.vm.sshPublicKey = { secure: "v1:CCCCciphertext" }; });
        const json = render(plan, "json");
        assert.doesNotMatch(json, /secret-stand-in|5ec2e7a1-0000|secretStandIn|CCCCciphertext/);
        assert.equal(plan.diff!.settings.find((s) => s.key === "entra-postgres:vm.sshPublicKey")!.after, "[secret]");
    });

    test("a base plan without inputs (an earlier version) is compared by its details and says so", async () => {
        const old = JSON.parse(JSON.stringify(dev)) as Plan;
        for (const node of flattenTree(old.tree)) delete node.inputs;
        const diff = await diffPlans(old, dev);
        assert.match(diff.note!, /carries no resource inputs/);
        assert.deepEqual(diff.changed, []);
    });
});
