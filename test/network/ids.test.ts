import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { unwrap } from "../../plan/engine/recorder";
import { defaults, knownKeys } from "../../network/config";
import { networkStackConfig, recordNetwork } from "./network-stack";

const repoRoot = path.resolve(__dirname, "..", "..");
const sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
const group = `${sub}/resourceGroups/entra-postgres-corp-network/providers`;

/** The corp stack's `network.existing`, as agreed for the database stack (Pulumi.corp.yaml at the root). */
const expected = {
    vmSubnetId: `${group}/Microsoft.Network/virtualNetworks/entra-postgres-corp-vnet/subnets/clients`,
    endpointSubnetId: `${group}/Microsoft.Network/virtualNetworks/entra-postgres-corp-vnet/subnets/endpoints`,
    privateDnsZoneId: `${group}/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com`,
};

describe("network project ids feed the database stack", () => {
    it("stack corp exports exactly the network.existing ids of the corp database stack", async () => {
        const r = await recordNetwork("corp", networkStackConfig("corp"));
        assert.equal(r.error, undefined, String(r.error));
        assert.deepEqual(await unwrap(r.outputs.existing as any), expected);
        assert.equal(await unwrap(r.outputs.runnersSubnetId as any), `${group}/Microsoft.Network/virtualNetworks/entra-postgres-corp-vnet/subnets/runners`);
        assert.equal(await unwrap(r.outputs.networkSettingsId as any), `${group}/GitHub.Network/networkSettings/entra-postgres-corp-runners`);
        assert.equal(await unwrap(r.outputs.resourceGroupName as any), "entra-postgres-corp-network");
    });

    it("the root Pulumi.corp.yaml, when present, carries these ids", (t) => {
        const file = path.join(repoRoot, "Pulumi.corp.yaml");
        if (!fs.existsSync(file)) {
            t.skip("no Pulumi.corp.yaml at the repository root yet");
            return;
        }
        const config = (parse(fs.readFileSync(file, "utf8")) as { config: Record<string, any> }).config;
        const existing = config["entra-postgres:network"]?.existing as Record<string, string> | undefined;
        assert.ok(existing, "Pulumi.corp.yaml sets entra-postgres:network.existing");
        for (const [key, id] of Object.entries(expected)) {
            assert.equal(existing[key], id, `network.existing.${key}`);
        }
        assert.equal(existing.serverSubnetId, undefined, "private-endpoint mode has no server subnet");
    });

    it("the physical names in the ids are the names the resources are declared with", async () => {
        const r = await recordNetwork("corp", networkStackConfig("corp"));
        const byType = (type: string) => r.resources.filter((x) => x.type === type);
        for (const s of byType("azure-native:network:Subnet").filter((x) => x.props.subnetName !== "runners")) {
            const id = s.props.subnetName === "clients" ? expected.vmSubnetId : expected.endpointSubnetId;
            assert.ok(id.endsWith(`/resourceGroups/${String(s.props.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${String(s.props.virtualNetworkName)}/subnets/${String(s.props.subnetName)}`), id);
        }
        const zone = byType("azure-native:privatedns:PrivateZone")[0];
        assert.ok(expected.privateDnsZoneId.endsWith(`/resourceGroups/${String(zone.props.resourceGroupName)}/providers/Microsoft.Network/privateDnsZones/${String(zone.props.privateZoneName)}`));
    });
});

describe("network project packaging", () => {
    it("is type-checked and linted with the rest, built and packed never", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(repoRoot, "tsconfig.json"), "utf8"));
        assert.ok(tsconfig.include.includes("network/**/*.ts"));
        const build = JSON.parse(fs.readFileSync(path.join(repoRoot, "tsconfig.build.json"), "utf8"));
        assert.ok(!build.include.some((p: string) => p.startsWith("network")), "tsconfig.build.json leaves network/ out");
        const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
        assert.ok(!pkg.files.some((p: string) => p.startsWith("network")), "the npm tarball leaves network/ out");
        const eslint = fs.readFileSync(path.join(repoRoot, "eslint.config.mjs"), "utf8");
        assert.match(eslint, /files: \["index\.ts", "components\/\*\*\/\*\.ts", "network\/\*\*\/\*\.ts"\]/, "Pulumi's lint rules cover the network program");
        const project = parse(fs.readFileSync(path.join(repoRoot, "network", "Pulumi.yaml"), "utf8"));
        assert.equal(project.name, "entra-postgres-network");
        assert.equal(project.main, "index.ts");
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(repoRoot, "network", "tsconfig.json"), "utf8")).extends, "../tsconfig.json");
    });

    it("network/Pulumi.yaml declares the settings the program reads, with the program's defaults", () => {
        const project = parse(fs.readFileSync(path.join(repoRoot, "network", "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: string }> };
        // tags is a map, which Pulumi.yaml cannot declare; it is documented in docs/private-networking.md instead.
        assert.deepEqual(Object.keys(project.config).sort(), knownKeys.filter((k) => k !== "tags").sort());
        for (const [key, value] of Object.entries(defaults)) {
            assert.equal(project.config[key].default, value, `default of ${key}`);
        }
        for (const key of ["location", "subscriptionId", "githubDatabaseId"]) {
            assert.equal(project.config[key].default, undefined, `${key} is required`);
        }
    });

    it("network/index.ts runs under ts-node the way the Pulumi CLI loads it (from network/, its tsconfig)", () => {
        const script = `
            require("ts-node").register({ compiler: "typescript", project: "tsconfig.json", skipProject: false, compilerOptions: {} });
            const { recordProgram } = require("../plan/engine/recorder.ts");
            const config = { "entra-postgres-network:location": "northeurope", "entra-postgres-network:subscriptionId": "00000000-0000-0000-0000-000000000000", "entra-postgres-network:githubDatabaseId": "1" };
            recordProgram(() => require("./index.ts"), { stack: "corp", config }).then(
                (r) => { console.log(JSON.stringify({ count: r.resources.length, error: r.error ? String(r.error) : null })); process.exit(0); },
                (e) => { console.error(e); process.exit(1); });
        `;
        const result = spawnSync(process.execPath, ["-e", script], { cwd: path.join(repoRoot, "network"), encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        const outcome = JSON.parse(result.stdout.trim().split("\n").pop()!) as { count: number; error: string | null };
        assert.equal(outcome.error, null);
        assert.ok(outcome.count >= 13, `registered ${outcome.count}`);
    });
});
