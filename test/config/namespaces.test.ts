import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseConfig } from "../../components/config";
import { maxNamespaceDistance, otherNamespaces } from "../../components/config/reader";
import { editDistance } from "../../components/config/errors";
import { loadStack, loadStackConfig } from "../../plan/engine/configEncoding";
import { runProgram } from "../../testing/program";

/**
 * Pulumi passes every namespace on to the program, so a key whose namespace is a near miss of the project's
 * (`entra-postgre:protect`) would be ignored and its default used; such a key is refused, naming the intended one.
 */

function problemsOf(raw: Record<string, string>): Map<string, string> {
    try {
        parseConfig(raw, { project: "entra-postgres", stack: "prod" });
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return new Map(err.problems.map((p) => [p.key, p.message]));
    }
    return new Map();
}

describe("a mistyped namespace", () => {
    test("a copy of prod with entra-postgre:protect fails before any resource, naming the key and the fix", async () => {
        const doc = parseYaml(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
        delete doc.config["entra-postgres:protect"];
        doc.config["entra-postgre:protect"] = true;
        const { config } = loadStack("prod", undefined, doc);
        const run = await runProgram("prod", config);
        assert.ok(run.error instanceof ConfigError, `expected a ConfigError, got ${String(run.error)}`);
        const problem = run.error.problems.find((p) => p.key === "entra-postgre:protect");
        assert.ok(problem, run.error.message);
        assert.match(problem.message, /Did you mean "entra-postgres:protect"\?/);
        assert.deepEqual(run.resources, [], "nothing was registered");
    });

    for (const [key, fix] of [
        ["entra_postgres:auth", "entra-postgres:auth"],
        ["Entra-Postgres:databases", "entra-postgres:databases"],
        ["entra-postgress:vm.size", "entra-postgres:vm.size"],
        ["entra-postgre:admin", "entra-postgres:admins"],
        ["entrapostgres:network.access", "entra-postgres:network.access"],
    ]) {
        test(`${key} is refused with ${fix}`, () => {
            const found = problemsOf({ ...loadStackConfig("prod"), [key]: "x" });
            assert.match(found.get(key) ?? "", new RegExp(`Did you mean "${fix.replace(/[.[\]]/g, "\\$&")}"`));
        });
    }

    test("the providers' and Pulumi's own namespaces stay allowed", () => {
        const raw = { ...loadStackConfig("prod") };
        for (const ns of otherNamespaces) {
            raw[`${ns}:someSetting`] = "x";
        }
        raw["azure-native:location"] = "westeurope";
        raw["postgresql:sslmode"] = "require";
        assert.deepEqual([...problemsOf(raw).keys()], []);
    });

    test("an unrelated namespace is not this check's business, however many keys it has", () => {
        assert.deepEqual([...problemsOf({ ...loadStackConfig("prod"), "network-stack:vnetName": "x", "myapp:protect": "true" }).keys()], []);
    });

    test("no allowed namespace is within the typo distance, so the list is not what keeps them apart", () => {
        for (const ns of otherNamespaces) {
            assert.ok(editDistance(ns, "entra-postgres") > maxNamespaceDistance, ns);
        }
    });
});
