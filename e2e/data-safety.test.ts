/**
 * Data safety through the real Pulumi CLI (docs/data-safety.md): a stack with a delete lock, Defender threat
 * protection, a customer-managed key, a read replica and a virtual endpoint; a second stack that restores the
 * first one's server at a point in time (the disaster-recovery drill). Checked in the simulated Azure and in the
 * real PostgreSQL behind each server (see docs/e2e.md):
 *
 * - a delete outside Pulumi (`az resource delete`, as the portal or a script would) is refused with 409
 *   ScopeLocked while the lock exists, and `pulumi destroy` of the unprotected stack still removes everything;
 * - the replica streams the primary's writes, refuses writes of its own, and Entra logins work on it;
 * - the restored server has the source's data and its roles work: grants, and a login with an Entra token.
 */
import assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "pg";
import { ensureCli, repoRoot } from "./support/cli";
import { World } from "./support/world";
import { postgresTokenResource, tokenFor } from "./providers/common";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const subscriptionId = "00000000-0000-4000-8000-00000000e2e0";
const names = { primary: "ds-primary", replica: "ds-replica", drill: "ds-drill" } as const;
const fqdn = (server: string) => `${server}.postgres.database.azure.com`;
const keyVault = `/subscriptions/${subscriptionId}/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/ds-keys`;

let world: World;
let base: any;

/** The prod stack file with the changes of a data safety stack. */
function stackFile(change: (config: Record<string, any>) => void): any {
    const file = structuredClone(base);
    const c = file.config;
    c["entra-postgres:protect"] = false;
    c["entra-postgres:vm"] = { enabled: false };
    change(c);
    return file;
}

function signIn(): { name: string; objectId: string } {
    const config = base.config;
    const deployer = config["entra-postgres:admins"].find((a: { name: string }) => a.name === config["entra-postgres:deployer"]);
    world.signIn({ tenantId, subscriptionId, objectId: deployer.objectId, clientId: deployer.objectId });
    return deployer;
}

async function pulumi(stack: string, args: string[]) {
    signIn();
    return world.pulumi([...args, "--stack", stack]);
}

function serverId(server: string): string {
    const found = world.resources().find(([id, r]) => r.type === "azure-native:dbforpostgresql:Server" && id.endsWith(`/flexibleServers/${server}`));
    assert.ok(found, `server ${server} exists in the simulated Azure`);
    return found[0];
}

/** Logs in to `server` as the Entra identity `role` with its token, as a client would. */
async function entraLogin(server: string, role: string, objectId: string, database = "postgres"): Promise<Client> {
    const client = new Client({
        host: fqdn(server), port: 5432, user: role, database,
        password: tokenFor(objectId, postgresTokenResource, tenantId),
        ssl: { ca: fs.readFileSync(path.join(world.simDir, "ca.crt"), "utf8") },
    });
    await client.connect();
    return client;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe().catch(() => undefined);
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 250));
    }
}

before(() => {
    world = new World(ensureCli());
    process.env.ENTRA_E2E_SIM_DIR = world.simDir;
    base = world.stackConfig("prod");
    world.addHosts(Object.values(names).map(fqdn));
});

after(async () => {
    await world?.close(process.env.ENTRA_E2E_KEEP === "1");
});

describe("a stack with a lock, Defender, a customer-managed key, a replica and a virtual endpoint", () => {
    test("pulumi up creates them, the lock last", async () => {
        world.writeStackConfig("safe", stackFile((c) => {
            c["entra-postgres:lock"] = { server: true };
            c["entra-postgres:server"] = {
                ...c["entra-postgres:server"],
                name: names.primary,
                highAvailability: "Disabled",
                availabilityZone: undefined,
                geoRedundantBackup: false,
                threatProtection: true,
                customerManagedKey: { keyUri: "https://ds-keys.vault.azure.net/keys/pg", keyVaultId: keyVault },
                replicas: [names.replica],
                virtualEndpoint: "ds-endpoint",
            };
        }));
        const init = await world.pulumi(["stack", "init", "safe", "--secrets-provider", "passphrase"]);
        assert.equal(init.code, 0, init.output);
        const up = await pulumi("safe", ["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.output);

        const primary = serverId(names.primary);
        const all = world.resources();
        const ofType = (t: string) => all.filter(([, r]) => r.type === t);
        const locks = ofType("azure-native:authorization:ManagementLockByScope").map(([, r]) => r.outputs);
        assert.deepEqual(locks.map((l) => [l.scope, l.level]).sort(), [[primary, "CanNotDelete"], [serverId(names.replica), "CanNotDelete"]].sort());
        assert.ok(ofType("azure-native:security:AdvancedThreatProtection").some(([, r]) => r.outputs.resourceId === primary && r.outputs.isEnabled === true));
        const server = all.find(([id]) => id === primary)![1].outputs as any;
        assert.equal(server.dataEncryption.type, "AzureKeyVault");
        const identity = ofType("azure-native:managedidentity:UserAssignedIdentity")[0];
        assert.equal(server.dataEncryption.primaryUserAssignedIdentityId, identity[0]);
        const grant = ofType("azure-native:authorization:RoleAssignment")[0][1].outputs;
        assert.equal(grant.scope, keyVault);
        assert.equal(grant.principalId, identity[1].outputs.principalId);
        const endpoint = ofType("azure-native:dbforpostgresql:VirtualEndpoint")[0][1].outputs;
        assert.deepEqual(endpoint.members, [names.replica]);
    });

    test("pulumi preview --expect-no-changes passes", async () => {
        const r = await pulumi("safe", ["preview", "--expect-no-changes"]);
        assert.equal(r.code, 0, r.output);
    });

    test("the replica streams the primary's writes, refuses its own, and takes Entra logins", async () => {
        // Written by the deployer (an Entra administrator), so the stack's default privileges cover the table.
        const deployer = signIn();
        const writer = await entraLogin(names.primary, deployer.name, deployer.objectId, "app");
        try {
            await writer.query("create table drill_marker (id int primary key, note text)");
            await writer.query("insert into drill_marker values (1, 'written on the primary')");
        } finally {
            await writer.end();
        }
        const rows = await eventually("the row on the replica", async () => {
            const r = await world.sql<{ note: string }>(names.replica, "select note from drill_marker where id = 1", [], "app");
            return r.length > 0 ? r : undefined;
        });
        assert.equal(rows[0].note, "written on the primary");
        await assert.rejects(world.sql(names.replica, "insert into drill_marker values (2, 'x')", [], "app"), /read-only transaction/);
        const login = await entraLogin(names.replica, deployer.name, deployer.objectId, "app");
        try {
            const { rows: who } = await login.query("select current_user as u, pg_is_in_recovery() as standby");
            assert.deepEqual(who[0], { u: deployer.name, standby: true });
        } finally {
            await login.end();
        }
    });

    test("a delete outside Pulumi (az resource delete) is refused with 409 ScopeLocked, and the server stays", () => {
        const primary = serverId(names.primary);
        const az = childProcess.spawnSync(path.join(repoRoot, "e2e", "path", "az"), ["resource", "delete", "--ids", primary], {
            env: { ...process.env, ENTRA_E2E_SIM_DIR: world.simDir }, encoding: "utf8",
        });
        assert.equal(az.status, 1, az.stderr);
        assert.match(az.stderr, /Status=409 Code="ScopeLocked"/);
        assert.match(az.stderr, /cannot perform delete operation because following scope\(s\) are locked/);
        assert.ok(world.resources().some(([id]) => id === primary), "the server is still in Azure");
        assert.ok(world.servers().some(([id]) => id === primary), "its PostgreSQL is still there");
    });
});

describe("a stack that restores the server at a point in time (the disaster-recovery drill)", () => {
    test("pulumi up restores it; the stack's roles work on it and the source's data is there", async () => {
        const pointInTime = new Date().toISOString();
        world.writeStackConfig("drill", stackFile((c) => {
            c["entra-postgres:server"] = {
                ...c["entra-postgres:server"],
                name: names.drill,
                highAvailability: "Disabled",
                availabilityZone: undefined,
                restore: { sourceServerId: serverId(names.primary), pointInTime },
            };
        }));
        const init = await world.pulumi(["stack", "init", "drill", "--secrets-provider", "passphrase"]);
        assert.equal(init.code, 0, init.output);
        const up = await pulumi("drill", ["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.output);

        const drill = world.resources().find(([id]) => id.endsWith(`/flexibleServers/${names.drill}`))![1].outputs as any;
        assert.equal(drill.createMode, "PointInTimeRestore");
        assert.equal(drill.pointInTimeUTC, pointInTime);
        const [row] = await world.sql<{ note: string }>(names.drill, "select note from drill_marker where id = 1", [], "app");
        assert.equal(row.note, "written on the primary", "the source's data is restored");
        await world.sql(names.drill, "insert into drill_marker values (2, 'written on the drill')", [], "app");

        const principal = base.config["entra-postgres:principals"][0];
        const listed = await world.sql<{ rolname: string; principaltype: string }>(names.drill, "select rolname, principaltype from pgaadauth_list_principals(false)");
        assert.ok(listed.some((p) => p.rolname === principal.name && p.principaltype === "group"), `${principal.name} is an Entra principal on the restored server`);
        const [granted] = await world.sql<{ connect: boolean; select: boolean }>(names.drill,
            "select has_database_privilege($1, 'app', 'CONNECT') as connect, has_table_privilege($1, 'drill_marker', 'SELECT') as select", [principal.name], "app");
        assert.deepEqual(granted, { connect: true, select: true });
        const deployer = signIn();
        const login = await entraLogin(names.drill, deployer.name, deployer.objectId, "app");
        try {
            const { rows } = await login.query("select count(*)::int as n from drill_marker");
            assert.equal(rows[0].n, 2, "the deployer logs in to the restored server with its Entra token and reads the data");
        } finally {
            await login.end();
        }
        const again = await pulumi("drill", ["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, again.output);
    });
});

describe("pulumi destroy", () => {
    test("of the drill, then of the locked but unprotected stack: the locks go first and nothing is left", async () => {
        const drill = await pulumi("drill", ["destroy", "--yes", "--skip-preview"]);
        assert.equal(drill.code, 0, drill.output);
        const safe = await pulumi("safe", ["destroy", "--yes", "--skip-preview"]);
        assert.equal(safe.code, 0, safe.output);
        assert.deepEqual(world.resources().map(([id]) => id), [], "the simulated Azure is empty");
        assert.deepEqual(world.servers(), []);
    });
});
