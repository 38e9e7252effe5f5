import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { loadDerived, type DerivedType } from "../../contracts/check";
import { azureNativeApiVersion, command, drift, generate, generatedFiles } from "../../scripts/contractsDerive";
import { targets } from "../../scripts/contracts/targets";

const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };

/**
 * The derived layer is what Azure's generated models say now: regenerating it changes nothing, and every type's
 * oracle carries the api-version @pulumi/azure-native calls (or, where no build does, the two builds around it).
 */
describe("facts derived from Azure's generated models", () => {
    const derived = loadDerived();
    const types = derived.flatMap((n) => Object.entries(n.types));

    test("contracts/azure/derived/ is what the pinned models give", async () => {
        const files = await generatedFiles(await generate());
        assert.equal(files.length, derived.length);
        for (const { file, current, generated } of files) {
            assert.ok(current === generated, `${path.relative(root, file)} differs from Azure's models. Run \`${command}\` and commit the result.`);
        }
    });

    test("every type the program declares has derived facts, from its target", () => {
        assert.deepEqual(types.map(([token]) => token).sort(), targets.map((t) => t.token).sort());
    });

    test("each oracle package is pinned exactly, and the installed build is the one the facts were read from", () => {
        for (const [token, type] of types) {
            for (const oracle of type.oracles) {
                const pins = Object.entries(manifest.devDependencies).filter(([name, spec]) => name === oracle.package || spec === `npm:${oracle.package}@${oracle.version}`);
                assert.ok(pins.some(([name, spec]) => spec === oracle.version || spec === `npm:${oracle.package}@${oracle.version}` || name === oracle.package && spec === oracle.version),
                    `${token}: ${oracle.package}@${oracle.version} is not pinned exactly in package.json's devDependencies`);
            }
        }
        for (const source of targets.flatMap((t) => t.sources)) {
            const installed = JSON.parse(fs.readFileSync(require.resolve(`${source.module}/package.json`), "utf8")) as { name: string; version: string };
            const recorded = types.flatMap(([, t]) => t.oracles).filter((o) => o.package === installed.name);
            assert.ok(recorded.some((o) => o.version === installed.version), `${source.module}: ${installed.name}@${installed.version} installed, the facts name ${recorded.map((o) => o.version).join(", ")}`);
        }
    });

    test("no drift: each oracle carries the api-version @pulumi/azure-native calls for its type", () => {
        assert.deepEqual(drift(types), []);
        for (const [token, type] of types) {
            assert.equal(type.apiVersion, azureNativeApiVersion(token), token);
            if (type.oracles.length === 1) assert.equal(type.oracles[0].apiVersion, type.apiVersion, token);
        }
    });

    test("a version mismatch is a failure that says what to update", () => {
        const [token, server] = types.find(([t]) => t === "azure-native:dbforpostgresql:Server")!;
        const moved: DerivedType = { ...server, oracles: [{ ...server.oracles[0], apiVersion: "2024-08-01" }] };
        const [problem] = drift([[token, moved]]);
        assert.match(problem, /calls api-version 2025-08-01, the oracle @azure\/arm-postgresql-flexible@9\.0\.0 \(2024-08-01\) carries 2024-08-01/);
        assert.match(problem, /Pin the @azure\/arm-postgresql-flexible build that carries 2025-08-01 in package.json/);
        const [workspaceToken, workspace] = types.find(([t]) => t === "azure-native:operationalinsights:Workspace")!;
        const outside: DerivedType = { ...workspace, oracles: [workspace.oracles[0], { ...workspace.oracles[1], apiVersion: "2023-01-01" }] };
        assert.match(drift([[workspaceToken, outside]])[0], /outside the bracketing builds/);
        assert.match(drift([[token, { ...server, apiVersion: "2024-08-01" }]])[0], /derived facts are for api-version 2024-08-01.*Run `npm run contracts:derive`/);
    });

    test("where no build carries the api-version, the facts are those both bracketing builds state alike", () => {
        const [, workspace] = types.find(([t]) => t === "azure-native:operationalinsights:Workspace")!;
        assert.deepEqual(workspace.oracles.map((o) => o.apiVersion), ["2022-10-01", "2025-07-01"]);
        assert.ok(workspace.oracles[0].apiVersion < workspace.apiVersion && workspace.apiVersion < workspace.oracles[1].apiVersion);
        assert.equal(workspace.properties["sku.name"]?.type, "string");
        const [, group] = types.find(([t]) => t === "azure-native:resources:ResourceGroup")!;
        assert.deepEqual(group.oracles.map((o) => o.apiVersion), ["2021-04-01", "2024-11-01"]);
        assert.ok(group.required.includes("location"));
    });

    test("the models carry what the hand-written layer once copied: the 2025-08-01 name rules, PostgreSQL 18, resource group lengths", () => {
        const pg = derived.find((n) => n.namespace === "Microsoft.DBforPostgreSQL")!.types;
        assert.equal(pg["azure-native:dbforpostgresql:FirewallRule"].properties.firewallRuleName.pattern, "^[a-zA-Z0-9][-_a-zA-Z0-9]{0,79}(?<!-)$");
        assert.equal(pg["azure-native:dbforpostgresql:FirewallRule"].properties.firewallRuleName.maxLength, 80);
        assert.equal(pg["azure-native:dbforpostgresql:Database"].properties.databaseName.pattern, "^[a-zA-Z_][\\w\\-]{0,62}$");
        assert.equal(pg["azure-native:dbforpostgresql:Database"].properties.databaseName.maxLength, 63);
        assert.ok(pg["azure-native:dbforpostgresql:Server"].properties.version.enum?.includes("18"));
        const withLength = types.filter(([, t]) => t.properties.resourceGroupName?.maxLength === 90).map(([token]) => token).sort();
        assert.deepEqual(withLength, [
            ...["AdministratorsMicrosoftEntra", "Configuration", "Database", "FirewallRule", "Server", "VirtualEndpoint"].map((r) => `azure-native:dbforpostgresql:${r}`),
            "azure-native:resources:ResourceGroup",
        ]);
        for (const [token, type] of types.filter(([t]) => withLength.includes(t))) {
            assert.equal(type.properties.resourceGroupName.minLength, 1, token);
        }
    });
});
