/**
 * The shipped stacks through the real Pulumi engine: the CLI built from Go modules (support/cli.ts), the
 * program run by the Node.js language host, the simulated Azure and the stand-in random and postgresql
 * providers as plugins, the policy pack loaded by the CLI, state on a local file backend with a passphrase.
 * See docs/e2e.md.
 */
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ensureCli, repoRoot } from "./support/cli";
import { World } from "./support/world";
import { tokenFor, postgresTokenResource } from "./providers/common";

const stacks = ["prod", "dev"] as const;
type Stack = (typeof stacks)[number];

let world: World;
const fqdn = (stack: Stack) => `${world.stackConfig(stack).config["entra-postgres:server"].name}.postgres.database.azure.com`;
const serverName = (stack: Stack): string => world.stackConfig(stack).config["entra-postgres:server"].name;
const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** Signs `az` in as the stack's deployer (the identity that runs `pulumi up` for it). */
function signInAs(stack: Stack): { name: string; objectId: string } {
    const config = world.stackConfig(stack).config;
    const deployer = config["entra-postgres:admins"].find((a: { name: string }) => a.name === config["entra-postgres:deployer"]);
    world.signIn({ tenantId, subscriptionId: "00000000-0000-4000-8000-00000000e2e0", objectId: deployer.objectId, clientId: deployer.objectId });
    return deployer;
}

async function pulumi(stack: Stack, args: string[]) {
    signInAs(stack);
    return world.pulumi([...args, "--stack", stack]);
}

const policyArgs = (stack: Stack) => ["--policy-pack", `${repoRoot}/policies`, "--policy-pack-config", `${repoRoot}/policies/config/${stack}.json`];

async function outputs(stack: Stack): Promise<Record<string, any>> {
    const r = await pulumi(stack, ["stack", "output", "--json"]);
    assert.equal(r.code, 0, r.output);
    return JSON.parse(r.stdout);
}

/** Entra principals on the stack's server, by role name, with their database privileges in `app`. */
async function principals(stack: Stack): Promise<Map<string, { type: string; connect: boolean; usage: boolean }>> {
    const rows = await world.sql<{ rolname: string; principaltype: string }>(serverName(stack), "select rolname, principaltype from pgaadauth_list_principals(false)");
    const result = new Map<string, { type: string; connect: boolean; usage: boolean }>();
    for (const row of rows) {
        const [priv] = await world.sql<{ connect: boolean; usage: boolean }>(serverName(stack),
            "select has_database_privilege($1, 'app', 'CONNECT') as connect, has_schema_privilege($1, 'public', 'USAGE') as usage", [row.rolname], "app");
        result.set(row.rolname, { type: row.principaltype, ...priv });
    }
    return result;
}

before(() => {
    const cli = ensureCli();
    world = new World(cli);
    process.env.ENTRA_E2E_SIM_DIR = world.simDir; // tokenFor reads the simulation's signing key
    world.addHosts(stacks.map((s) => fqdn(s)));
});

after(async () => {
    await world?.close(process.env.ENTRA_E2E_KEEP === "1");
});

for (const stack of stacks) {
    describe(`${stack} stack`, () => {
        test("pulumi stack init with the shipped stack file", async () => {
            world.writeStackConfig(stack, world.stackConfig(stack));
            const r = await world.pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
            assert.equal(r.code, 0, r.output);
        });

        test("pulumi preview with the policy pack passes", async () => {
            const r = await pulumi(stack, ["preview", ...policyArgs(stack)]);
            assert.equal(r.code, 0, r.output);
            assert.match(r.stdout, /Policies:|policy/i, r.output);
        });

        test("pulumi up at the CLI's default parallelism; the roles and grants exist in PostgreSQL", async () => {
            const r = await pulumi(stack, ["up", "--yes", "--skip-preview"]);
            assert.equal(r.code, 0, r.output);
            const out = await outputs(stack);
            const config = world.stackConfig(stack).config;
            const live = await principals(stack);
            const expected = [out.vmRoleName, ...config["entra-postgres:principals"].map((p: { name: string }) => p.name)];
            for (const name of expected) {
                assert.ok(live.has(name), `role ${name} exists (found ${[...live.keys()].join(", ")})`);
                assert.ok(live.get(name)!.connect && live.get(name)!.usage, `${name} may connect to app and use schema public`);
            }
            for (const admin of config["entra-postgres:admins"]) {
                assert.ok(live.has(admin.name), `Entra admin ${admin.name} exists`);
            }
        });

        test("pulumi preview --expect-no-changes passes", async () => {
            const r = await pulumi(stack, ["preview", "--expect-no-changes"]);
            assert.equal(r.code, 0, r.output);
        });

        test("pulumi stack export holds no plaintext password or token", async () => {
            const r = await pulumi(stack, ["stack", "export"]);
            assert.equal(r.code, 0, r.output);
            const deployer = signInAs(stack);
            const token = tokenFor(deployer.objectId, postgresTokenResource, tenantId);
            assert.ok(!r.stdout.includes(token), "the deployer's token is not in state");
            assert.doesNotMatch(r.stdout, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, "no JWT in state");
            if (stack === "dev") {
                const secret = await pulumi(stack, ["stack", "output", "administratorPassword", "--show-secrets"]);
                assert.equal(secret.code, 0, secret.output);
                const password = secret.stdout.trim();
                assert.ok(password.length >= 32, "the generated administrator password is an output");
                assert.ok(!r.stdout.includes(password), "the administrator password is not in state in plain text");
                assert.match(r.stdout, /"ciphertext"/, "secrets are encrypted in state");
            }
        });

        test("a role dropped out of band: pulumi refresh reports it, pulumi up restores it", async () => {
            const victim = world.stackConfig(stack).config["entra-postgres:principals"][0].name as string;
            for (const database of ["app", "postgres"]) {
                await world.sql(serverName(stack), `DROP OWNED BY "${victim.replace(/"/g, '""')}"`, [], database);
            }
            await world.sql(serverName(stack), `DROP ROLE "${victim.replace(/"/g, '""')}"`);
            assert.ok(!(await principals(stack)).has(victim));

            const refresh = await pulumi(stack, ["refresh", "--yes"]);
            assert.equal(refresh.code, 0, refresh.output);
            assert.match(refresh.stdout, /deleted/, refresh.output);

            const up = await pulumi(stack, ["up", "--yes", "--skip-preview"]);
            assert.equal(up.code, 0, up.output);
            const restored = (await principals(stack)).get(victim);
            assert.ok(restored?.connect && restored.usage, `${victim} is back with its grants`);
        });

        test("adding a principal creates exactly one role and its grants", async () => {
            const config = world.stackConfig(stack);
            const added = { name: `${stack} e2e analysts`, objectId: crypto.randomUUID(), type: "group", access: [{ database: "app", level: "read" }] };
            config.config["entra-postgres:principals"].push(added);
            world.writeStackConfig(stack, config);

            const preview = await pulumi(stack, ["preview", "--json"]);
            assert.equal(preview.code, 0, preview.output);
            const steps = (JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string }[];
            const changed = steps.filter((s) => s.op !== "same");
            const typeOf = (urn: string) => urn.split("::")[2].split("$").pop();
            assert.ok(changed.every((s) => s.op === "create"), `only creates: ${changed.map((s) => `${s.op} ${s.urn}`).join("\n")}`);
            const types = changed.map((s) => typeOf(s.urn));
            const role = "pulumi-nodejs:dynamic/entra-postgres:EntraRole";
            assert.equal(types.filter((t) => t === role).length, 1, types.join("\n"));
            assert.ok(types.every((t) => [role, "postgresql:index/grant:Grant", "postgresql:index/defaultPrivileges:DefaultPrivileges"].includes(t!)), types.join("\n"));
            assert.ok(types.filter((t) => t === "postgresql:index/grant:Grant").length >= 2, "database and schema grants at least");

            const up = await pulumi(stack, ["up", "--yes", "--skip-preview"]);
            assert.equal(up.code, 0, up.output);
            const live = (await principals(stack)).get(added.name);
            assert.ok(live?.connect && live.usage, `${added.name} exists with its grants`);
            assert.equal(live!.type, "group");
        });

        if (stack === "prod") {
            test("a settings change that violates a mandatory policy stops pulumi up before any change", async () => {
                const original = world.stackConfig(stack);
                const changed = structuredClone(original);
                changed.config["entra-postgres:server"].backupRetentionDays = 7; // prod's policy config asks for 35
                world.writeStackConfig(stack, changed);
                const before = JSON.stringify(world.resources());
                try {
                    const up = await pulumi(stack, ["up", "--yes", ...policyArgs(stack)]);
                    assert.notEqual(up.code, 0, up.output);
                    assert.match(up.output, /postgres-backup-retention/, up.output);
                    assert.equal(JSON.stringify(world.resources()), before, "nothing changed in the simulated Azure");
                } finally {
                    world.writeStackConfig(stack, original);
                }
                const check = await pulumi(stack, ["preview", "--expect-no-changes"]);
                assert.equal(check.code, 0, check.output);
            });
        }
    });
}

describe("pulumi destroy", () => {
    const owned = (rg: string) => world.resources().filter(([id]) => id.includes(`/resourceGroups/${rg}`));

    test("dev: removes what the stack created and nothing else", async () => {
        const devRg = (await outputs("dev")).resourceGroupName as string;
        const prodRg = (await outputs("prod")).resourceGroupName as string;
        const prodBefore = JSON.stringify(owned(prodRg));
        assert.ok(owned(devRg).length > 0);
        const r = await pulumi("dev", ["destroy", "--yes", "--skip-preview"]);
        assert.equal(r.code, 0, r.output);
        assert.deepEqual(owned(devRg), [], "nothing of dev is left");
        assert.equal(JSON.stringify(owned(prodRg)), prodBefore, "prod is untouched");
        assert.ok(!world.servers().some(([id]) => id.includes(`/resourceGroups/${devRg}/`)), "dev's PostgreSQL is gone");
    });

    test("prod (protection off): removes what the stack created", async () => {
        const prodRg = (await outputs("prod")).resourceGroupName as string;
        const unprotect = await pulumi("prod", ["state", "unprotect", "--all", "--yes"]);
        assert.equal(unprotect.code, 0, unprotect.output);
        const r = await pulumi("prod", ["destroy", "--yes", "--skip-preview"]);
        assert.equal(r.code, 0, r.output);
        assert.deepEqual(owned(prodRg), []);
        assert.deepEqual(world.resources(), [], "the simulated Azure is empty");
        assert.deepEqual(world.servers(), []);
    });
});
