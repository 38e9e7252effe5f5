import * as assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { clouds } from "../../components/config/cloud";
import { ConfigError, parseConfig } from "../../components/config";
import { accessLevels, adminTypes, authModes, highAvailabilityModes, networkAccessModes, principalKinds, skuTiers } from "../../components/config/model";
import { allowedValues, defaults, keysAt, knownKeys, sections, Setting, settings } from "../../components/config/settings";
import { command, generatedFiles } from "../../scripts/docs";
import { projectConfig, renderConfiguration, renderPulumiYaml, renderReadme, renderSummary, renderTable, sectionOf } from "../../scripts/docs/settings";
import { loadStackConfig } from "../../plan/engine/configEncoding";

const rows = settings as readonly Setting[];
const context = { project: "entra-postgres", stack: "dev" };

/** The problems parseConfig reports for the dev stack with one raw value replaced. */
function problems(key: string, value: unknown): string[] {
    const raw: Record<string, unknown> = { ...loadStackConfig("dev") };
    const [top, ...rest] = key.split(".");
    if (rest.length === 0) {
        raw[`entra-postgres:${top}`] = typeof value === "string" ? value : JSON.stringify(value);
    } else {
        const obj = JSON.parse((raw[`entra-postgres:${top}`] as string | undefined) ?? "{}") as Record<string, unknown>;
        obj[rest.join(".")] = value;
        raw[`entra-postgres:${top}`] = JSON.stringify(obj);
    }
    try {
        parseConfig(raw, context);
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

describe("the settings table", () => {
    test("docs/configuration.md, the README's summary and Pulumi.yaml are what the table generates", () => {
        const fromSettings = generatedFiles().filter((f) => ["docs/configuration.md", "README.md", "Pulumi.yaml"].includes(f.file));
        assert.equal(fromSettings.length, 3);
        for (const { file, current, generated } of fromSettings) {
            assert.ok(current === generated, `${file} differs from components/config/settings.ts. Run \`${command}\` and commit the result.`);
        }
    });

    test("one row per key, each with a description, known types and Learn links", () => {
        const keys = rows.map((r) => r.key);
        assert.equal(new Set(keys).size, keys.length, "a key is listed twice");
        for (const row of rows) {
            assert.match(row.key, /^[A-Za-z]+(\[\])?(\.[A-Za-z]+(\[\])?)*$/, row.key);
            assert.ok(row.description.trim().length > 0, `${row.key} has a description`);
            assert.ok(row.default === undefined || row.defaultText === undefined || row.type === "string list", `${row.key}: a default or a default text`);
            if (row.learn !== undefined) {
                assert.match(row.learn, /^https:\/\/learn\.microsoft\.com\/azure\/[a-z0-9/-]+(#[a-z0-9-]+)?$/, `${row.key}: a Microsoft Learn page`);
            }
            if (row.values !== undefined && row.default !== undefined) {
                assert.ok(row.values.includes(row.default as string | number), `${row.key}: the default ${String(row.default)} is an allowed value`);
            }
        }
    });

    test("known keys and defaults are derived from the rows", () => {
        assert.deepEqual(knownKeys.top.slice(0, 3), ["location", "resourceGroupName", "auth"]);
        assert.deepEqual(knownKeys.access, ["database", "level"]);
        assert.deepEqual(knownKeys.maintenanceWindow, ["dayOfWeek", "startHour", "startMinute"]);
        assert.ok(knownKeys.principal.includes("access"));
        assert.ok(!knownKeys.top.includes("admins[]") && knownKeys.top.includes("admins"));
        for (const [name, section] of Object.entries(sections)) {
            assert.deepEqual(knownKeys[name as keyof typeof sections], keysAt(section.path), name);
        }
        assert.equal(defaults.auth, "entra-only");
        assert.equal(defaults.network.access, "private");
        assert.equal(defaults.server.storageGb, 128);
        assert.equal(defaults.diagnostics.retentionDays, 30);
        for (const row of rows.filter((r) => r.default !== undefined)) {
            const value = row.key.split(".").reduce<unknown>((obj, part) => (obj as Record<string, unknown>)[part], defaults);
            assert.deepEqual(value, row.default, row.key);
        }
    });

    test("a row nested below a section is known to the parser and listed in its section's table", () => {
        // What adding network.existing.serverSubnetId amounts to, without adding it.
        const nested = "network.existing.serverSubnetId";
        assert.equal(sectionOf(nested), "network");
        assert.equal(sectionOf("server.maintenanceWindow.dayOfWeek"), "maintenanceWindow");
        assert.equal(sectionOf("server.maintenanceWindow"), "server");
        assert.equal(sectionOf("principals[].access[].level"), "access");
        assert.match(renderTable("network"), /^\| `natGateway` \| boolean \| optional \| `true` \|/m);
    });

    test("the enumerations are the parser's own lists", () => {
        const enums: Record<string, readonly (string | number)[]> = {
            auth: authModes,
            cloud: clouds,
            "admins[].type": adminTypes,
            "principals[].type": principalKinds,
            "principals[].access[].level": accessLevels,
            "server.tier": skuTiers,
            "server.highAvailability": highAvailabilityModes,
        };
        for (const [key, values] of Object.entries(enums)) {
            assert.equal(rows.find((r) => r.key === key)?.values, values, key);
        }
        // The row lists the values in the order of the model's own list, which the network parser refuses others by.
        assert.deepEqual(allowedValues("network.access"), networkAccessModes);
    });

    test("the parser applies each top-level and network default and refuses values outside each enumeration", () => {
        const dev = parseConfig(loadStackConfig("dev"), context);
        assert.equal(dev.protect, defaults.protect);
        for (const key of ["auth", "cloud", "network.access", "server.tier", "server.highAvailability"]) {
            const found = problems(key, "no-such-value").find((p) => p.startsWith(`entra-postgres:${key}:`));
            assert.ok(found, `${key} refuses an unknown value`);
            for (const value of rows.find((r) => r.key === key)!.values!) {
                assert.ok(found.includes(String(value)), `${found} names ${value}`);
            }
        }
        const found = problems("network.noSuchKey", true);
        assert.ok(found.some((p) => p.includes("noSuchKey")), `an unknown network key is refused: ${JSON.stringify(found)}`);
    });

    test("Pulumi.yaml declares the top-level scalars with a default or required, and nothing else", () => {
        // Not location: declared without a default, Pulumi would refuse a stack that sets only azure-native:location.
        assert.deepEqual(Object.keys(projectConfig()), ["auth", "cloud", "deployer", "databases", "protect"]);
        const project = parseYaml(renderPulumiYaml("name: x\nconfig: {}\n")) as { config: Record<string, { type: string; default?: unknown; description: string }> };
        assert.deepEqual(project.config.auth, { type: "string", default: "entra-only", description: "entra-only: password logins disabled. mixed: also a password administrator." });
        assert.equal(project.config.deployer.default, undefined, "a declared key without a default is required to Pulumi");
        assert.equal(project.config.location, undefined, "location is required only without azure-native:location, which Pulumi.yaml cannot say");
        assert.deepEqual(project.config.databases.default, []);
        assert.equal(project.config.protect.default, false);
    });

    test("the README's summary lists every top-level key, and links only into docs/", () => {
        const summary = renderSummary();
        for (const key of keysAt("")) {
            assert.match(summary, new RegExp(`^\\| \`${key}\` \\|`, "m"), key);
        }
        for (const [, target] of summary.matchAll(/\]\(([^)]*)\)/g)) {
            assert.match(target, /^docs\/[a-z-]+\.md(#[a-z0-9-]+)?$/, target);
        }
    });

    test("a page without the markers of a table is refused with the markers to add", () => {
        assert.throws(() => renderConfiguration("# no tables\n"), /settings:top/);
        assert.throws(() => renderReadme("# no summary\n"), /settings:summary/);
        assert.throws(() => renderPulumiYaml("name: x\n"), /config:/);
    });
});
