import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { defaults, knownKeys, parseConfig } from "../../components/config";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { projectRoot } from "../../plan/engine/project";

const context = { project: "entra-postgres", stack: "test" };
const minimal = {
    "entra-postgres:location": "westeurope",
    "entra-postgres:admins": JSON.stringify([{ name: "DB Admins", objectId: "6D2E8C41-52A7-4B9E-8F31-0A7C5E9D2B02", type: "Group" }]),
    "entra-postgres:deployer": "DB Admins",
    "entra-postgres:vm": JSON.stringify({ sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample me@host" }),
};

describe("parseConfig", () => {
    test("a minimal config gets the documented defaults", () => {
        const config = parseConfig(minimal, context);
        assert.equal(config.auth, "entra-only");
        assert.equal(config.cloud, "public");
        assert.equal(config.protect, false);
        assert.equal(config.network.access, "private");
        assert.equal(config.network.routeTable, false);
        assert.equal(config.server.name, "entra-postgres-test");
        assert.equal(config.server.version, "17");
        assert.equal(config.server.tier, "GeneralPurpose");
        assert.equal(config.server.backupRetentionDays, 7);
        assert.equal(config.vm.name, "test-pg-client");
        assert.equal(config.vm.publicIp, false);
        assert.equal(config.deployer.name, "DB Admins");
        assert.equal(config.admins[0].objectId, "6d2e8c41-52a7-4b9e-8f31-0a7c5e9d2b02", "object ids are normalised to lower case");
        assert.deepEqual(config.principals, []);
        assert.deepEqual(config.databases, []);
        assert.equal(config.server.parameters.require_secure_transport, "on");
    });

    test("keys with and without the namespace, and already-parsed values, are read alike", () => {
        const plain = parseConfig({
            location: "westeurope",
            admins: [{ name: "DB Admins", objectId: "6d2e8c41-52a7-4b9e-8f31-0a7c5e9d2b02", type: "Group" }],
            deployer: "DB Admins",
            vm: { sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample me@host" },
            "azure-native:location": "northeurope",
        }, context);
        assert.deepEqual(plain, parseConfig(minimal, context));
    });

    test("booleans and numbers given as strings are accepted", () => {
        const config = parseConfig({ ...minimal, "entra-postgres:protect": "true", "entra-postgres:server": JSON.stringify({ storageGb: "64", geoRedundantBackup: "true" }) }, context);
        assert.equal(config.protect, true);
        assert.equal(config.server.storageGb, 64);
        assert.equal(config.server.geoRedundantBackup, true);
    });

    test("the shipped stacks parse", () => {
        for (const stack of ["dev", "prod", "corp"]) {
            const config = parseConfig(loadStackConfig(stack), { project: "entra-postgres", stack });
            assert.equal(config.stack, stack);
        }
    });

    test("Pulumi.yaml declares the same defaults as the program", () => {
        const project = parseYaml(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> };
        assert.equal(project.config.auth.default, defaults.auth);
        assert.equal(project.config.cloud.default, defaults.cloud);
        assert.equal(project.config.protect.default, defaults.protect);
        assert.deepEqual(project.config.databases.default, []);
        for (const key of Object.keys(project.config)) {
            assert.ok((knownKeys.top as readonly string[]).includes(key), `Pulumi.yaml declares ${key}, which the program knows`);
        }
    });

    test("the configuration reference (docs/configuration.md) documents every key", () => {
        const page = fs.readFileSync(path.join(projectRoot, "docs", "configuration.md"), "utf8");
        assert.ok(page.startsWith("# Configuration\n"), "docs/configuration.md is the configuration reference");
        const reference = page;
        for (const [level, keys] of Object.entries(knownKeys)) {
            for (const key of keys) {
                const documented = level === "top" ? `\`${key}\`` : `\`${key}\``;
                assert.ok(reference.includes(documented), `docs/configuration.md documents ${level === "top" ? "" : `${level}.`}${key}`);
            }
        }
    });
});
