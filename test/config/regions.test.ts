import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { regionCatalogue, regionsOf } from "../../components/config/regions";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { editConfig } from "../../testing/program";

const context = { project: "entra-postgres", stack: "prod" };

function parse(change: (c: Record<string, any>) => void) {
    return parseConfig(editConfig(loadStackConfig("prod"), change), context);
}

function problems(change: (c: Record<string, any>) => void): string[] {
    try {
        parse(change);
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

describe("location: a region offering Flexible Server in the configured cloud", () => {
    test("the region data names its Learn source and covers each cloud", () => {
        assert.equal(regionCatalogue.source.repo, "MicrosoftDocs/azure-databases-docs");
        assert.match(regionCatalogue.source.commit, /^[0-9a-f]{40}$/);
        assert.ok(regionsOf("public").some((r) => r.name === "westeurope"));
        assert.deepEqual(regionsOf("usgov").map((r) => r.name), ["usgovarizona", "usgovtexas", "usgovvirginia"]);
        assert.deepEqual(regionsOf("china").map((r) => r.name), ["chinaeast2", "chinaeast3", "chinanorth2", "chinanorth3"]);
    });

    test("westeurop is refused with the nearest region", () => {
        assert.deepEqual(problems((c) => { c.location = "westeurop"; }), [
            'entra-postgres:location: "westeurop" is not a region offering Azure Database for PostgreSQL flexible server in the public cloud. Did you mean "westeurope"? ' +
                '(Source: Microsoft Learn, "Azure regions" for Azure Database for PostgreSQL (includes/regions-table.md).)',
        ]);
    });

    test("display names are accepted and kept as written", () => {
        assert.equal(parse((c) => { c.location = "West Europe"; }).location, "West Europe");
    });

    test("a region of another cloud is refused, naming the cloud", () => {
        assert.match(problems((c) => { c.location = "usgovvirginia"; })[0], /region of the usgov cloud, but entra-postgres:cloud is public/);
        assert.equal(parse((c) => { c.location = "usgovvirginia"; c.cloud = "usgov"; }).location, "usgovvirginia");
    });

    test("without entra-postgres:location, azure-native:location is used, and a problem with it says so", () => {
        assert.equal(parse((c) => { delete c.location; c["azure-native:location"] = "northeurope"; }).location, "northeurope");
        assert.deepEqual(problems((c) => { delete c.location; c["azure-native:location"] = "northeurop"; }), [
            'azure-native:location: "northeurop" (taken from azure-native:location because entra-postgres:location is not set) is not a region offering ' +
                'Azure Database for PostgreSQL flexible server in the public cloud. Did you mean "northeurope"? (Source: Microsoft Learn, "Azure regions" for Azure Database for PostgreSQL (includes/regions-table.md).)',
        ]);
        assert.equal(parse((c) => { c["azure-native:location"] = "eastus"; }).location, "westeurope", "entra-postgres:location wins");
    });

    test("neither key set: required, naming both", () => {
        assert.deepEqual(problems((c) => { delete c.location; }), [
            "entra-postgres:location: is required. Set the Azure region, e.g. `pulumi config set entra-postgres:location westeurope` (or azure-native:location, which is then used).",
        ]);
    });

    test("what the region does not offer is refused at preview: zone-redundant HA, geo-redundant backup", () => {
        assert.deepEqual(problems((c) => { c.location = "canadaeast"; }), [
            'entra-postgres:server.highAvailability: ZoneRedundant is not offered in Canada East (Microsoft Learn, "Azure regions" for Azure Database for PostgreSQL (includes/regions-table.md)). Use SameZone, or a region with zone-redundant HA.',
        ]);
        assert.deepEqual(problems((c) => { c.location = "austriaeast"; }), [
            'entra-postgres:server.geoRedundantBackup: geo-redundant backup is not offered in Austria East (Microsoft Learn, "Azure regions" for Azure Database for PostgreSQL (includes/regions-table.md)). Set it to false or pick another region.',
        ]);
        assert.equal(parse((c) => { c.location = "canadaeast"; c.server.highAvailability = "SameZone"; }).server.highAvailability, "SameZone");
        // A temporary block ($ in the table) is left to Azure: West Europe keeps zone-redundant HA.
        assert.equal(parse(() => undefined).server.highAvailability, "ZoneRedundant");
    });
});
