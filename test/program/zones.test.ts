import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { zoneIgnoreChanges } from "../../components/server";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { programEntry } from "../../plan/engine/project";
import { recordProgram } from "../../plan/engine/recorder";
import { editConfig } from "../../testing/program";

/** Records the program and the ignoreChanges the engine receives for each resource, by resource name. */
async function ignoreChangesOf(change: (c: Record<string, any>) => void): Promise<Map<string, string[]>> {
    const recording = await recordProgram(() => {
        delete require.cache[programEntry];
        require(programEntry);
    }, { stack: "prod", config: editConfig(loadStackConfig("prod"), change) });
    assert.equal(recording.error, undefined, String(recording.error));
    return new Map(recording.resources.map((r) => [r.name, r.ignoreChanges ?? []]));
}

describe("availability zones after a failover", () => {
    test("prod (zone-redundant HA, zone 1 pinned) ignores the zone swaps a failover makes", async () => {
        const ignored = await ignoreChangesOf(() => undefined);
        assert.deepEqual(ignored.get("prod-pg-server"), ["availabilityZone", "highAvailability.standbyAvailabilityZone"]);
    });

    test("same-zone HA ignores both zones too; without HA a pinned zone is enforced and an unpinned one ignored", async () => {
        assert.deepEqual(zoneIgnoreChanges({ highAvailability: "SameZone", availabilityZone: "2" }), ["availabilityZone", "highAvailability.standbyAvailabilityZone"]);
        assert.deepEqual(zoneIgnoreChanges({ highAvailability: "ZoneRedundant", availabilityZone: undefined }), ["availabilityZone", "highAvailability.standbyAvailabilityZone"]);
        assert.deepEqual(zoneIgnoreChanges({ highAvailability: "Disabled", availabilityZone: "1" }), []);
        assert.deepEqual(zoneIgnoreChanges({ highAvailability: "Disabled", availabilityZone: undefined }), ["availabilityZone"]);
        const noHa = await ignoreChangesOf((c) => { c.server = { ...c.server, highAvailability: "Disabled" }; });
        assert.deepEqual(noHa.get("prod-pg-server"), []);
    });
});
