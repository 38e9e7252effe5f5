/**
 * A value set with `pulumi config set --path --secret` under the real CLI: the engine marks the setting's top-level key
 * secret, and the program sends what it derives from it as secrets (components/secretSettings.ts), so the preview,
 * which shows secrets as "[secret]" unless asked, never prints the value.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ensureCli } from "./support/cli";
import { World } from "./support/world";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const subscriptionId = "00000000-0000-4000-8000-00000000e2e0";
// A key made for this test only; what matters is that its text never shows.
const sshPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGe2eSecretKeyForTheEndToEndTestOnly0123456 e2e@example";

let world: World;

before(() => {
    world = new World(ensureCli());
    process.env.ENTRA_E2E_SIM_DIR = world.simDir;
});

after(async () => {
    await world?.close(process.env.ENTRA_E2E_KEEP === "1");
});

describe("a secret set with --path --secret", () => {
    test("vm.sshPublicKey: the preview runs and never shows the key; the VM's osProfile is a secret", async () => {
        const file = world.stackConfig("prod");
        const c = file.config;
        c["entra-postgres:protect"] = false;
        delete c["entra-postgres:vm"].sshPublicKey;
        world.writeStackConfig("secret-key", file);
        const init = await world.pulumi(["stack", "init", "secret-key", "--secrets-provider", "passphrase"]);
        assert.equal(init.code, 0, init.output);
        const set = await world.pulumi(["config", "set", "--path", "--secret", "entra-postgres:vm.sshPublicKey", sshPublicKey, "--stack", "secret-key"]);
        assert.equal(set.code, 0, set.output);
        assert.match(world.stackConfig("secret-key").config["entra-postgres:vm"].sshPublicKey.secure, /\S/, "stored encrypted");

        const deployer = c["entra-postgres:admins"].find((a: { name: string }) => a.name === c["entra-postgres:deployer"]);
        world.signIn({ tenantId, subscriptionId, objectId: deployer.objectId, clientId: deployer.objectId });
        const r = await world.pulumi(["preview", "--json", "--stack", "secret-key"]);
        assert.equal(r.code, 0, r.output);
        assert.ok(!r.output.includes("SecretKeyForTheEndToEndTestOnly"), "the key is printed");
        const steps = (JSON.parse(r.stdout) as { steps: { newState?: { type: string; inputs?: Record<string, unknown> } }[] }).steps;
        const vm = steps.map((s) => s.newState).find((s) => s?.type === "azure-native:compute:VirtualMachine");
        assert.ok(vm, "the preview has the VM");
        assert.equal(vm.inputs!.osProfile, "[secret]");
    });
});
