/**
 * `location` under the real Pulumi CLI: a stack that sets only `azure-native:location` (as Pulumi's azure templates
 * do) previews in that region, as docs/configuration.md says, instead of failing in the CLI's config validation
 * ("Stack '<stack>' is missing configuration value 'location'", which a `Pulumi.yaml` declaration without a default
 * would cause: see scripts/docs/settings.ts, projectConfig); with neither key, the program's own error names the key.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ensureCli } from "./support/cli";
import { World } from "./support/world";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const subscriptionId = "00000000-0000-4000-8000-00000000e2e0";

let world: World;
let base: any;

/** The prod stack file without entra-postgres:location, no VM, unprotected; `change` adjusts it further. */
function stackFile(change: (config: Record<string, any>) => void): any {
    const file = structuredClone(base);
    const c = file.config;
    delete c["entra-postgres:location"];
    c["entra-postgres:protect"] = false;
    c["entra-postgres:vm"] = { enabled: false };
    change(c);
    return file;
}

async function preview(stack: string, file: any) {
    world.writeStackConfig(stack, file);
    const init = await world.pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    assert.equal(init.code, 0, init.output);
    const deployer = file.config["entra-postgres:admins"].find((a: { name: string }) => a.name === file.config["entra-postgres:deployer"]);
    world.signIn({ tenantId, subscriptionId, objectId: deployer.objectId, clientId: deployer.objectId });
    return world.pulumi(["preview", "--json", "--stack", stack]);
}

before(() => {
    world = new World(ensureCli());
    process.env.ENTRA_E2E_SIM_DIR = world.simDir;
    base = world.stackConfig("prod");
});

after(async () => {
    await world?.close(process.env.ENTRA_E2E_KEEP === "1");
});

describe("location", () => {
    test("only azure-native:location: the preview runs, every regional resource in that region", async () => {
        const r = await preview("native-location", stackFile((c) => { c["azure-native:location"] = "northeurope"; }));
        assert.equal(r.code, 0, r.output);
        assert.doesNotMatch(r.output, /missing configuration value/);
        const steps = (JSON.parse(r.stdout) as { steps: { newState?: { type: string; inputs?: { location?: string } } }[] }).steps;
        const located = steps.map((s) => s.newState).filter((s) => typeof s?.inputs?.location === "string");
        assert.ok(located.some((s) => s!.type === "azure-native:dbforpostgresql:Server"), "the server has a location");
        // Private DNS zones and their links are global resources (location "global").
        assert.deepEqual([...new Set(located.map((s) => s!.inputs!.location).filter((l) => l !== "global"))], ["northeurope"]);
    });

    test("neither key: the program's error names entra-postgres:location and the fix, not Pulumi's config check", async () => {
        const r = await preview("no-location", stackFile(() => undefined));
        assert.notEqual(r.code, 0, r.output);
        assert.doesNotMatch(r.output, /missing configuration value/);
        assert.match(r.output, /entra-postgres:location: is required\. Set the Azure region/);
    });
});
