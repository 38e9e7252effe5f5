import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { runStack } from "../../testing/program";

/**
 * The corp stack's URNs as first shipped (test/plan/fixtures/shipped-urns.json, key `corp`). A deployed stack
 * keeps every resource only if each URN is still declared or aliased; renaming a child of the private endpoint,
 * a zone link or any other resource without an alias fails here. (dev and prod: test/plan/childNames.test.ts.)
 */
const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "plan", "fixtures", "shipped-urns.json"), "utf8")) as Record<string, string[]>;

test("every URN of the shipped corp stack is still declared or aliased, and nothing else is declared", async () => {
    const run = await runStack("corp", undefined, true);
    assert.equal(run.error, undefined, String(run.error));
    const now = new Set(run.resources.flatMap((r) => [r.urn, ...r.aliases]));
    assert.deepEqual(shipped.corp.filter((urn) => !now.has(urn)), [], "a deployed resource would be deleted and created again");
    const recorded = new Set(shipped.corp);
    const added = run.resources.filter((r) => !recorded.has(r.urn) && !r.aliases.some((a) => recorded.has(a))).map((r) => r.urn);
    assert.deepEqual(added, [], "a new resource: add it to the fixture on purpose");
    assert.ok(shipped.corp.some((urn) => urn.endsWith("$azure-native:network:PrivateEndpoint::corp-pe-endpoint")));
});
