import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    catalogueEntry, checkParameterOverride, ConfigError, parameterCatalogue, parseConfig, secureParameterDefaults, supportedVersions,
} from "../../components/config";
import { parameterNeedsRestart } from "../../components/config/parameters";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { details } from "../../plan/render";
import { editConfig } from "../../testing/program";

const context = { project: "entra-postgres", stack: "prod" };

function parseProd(change: (c: Record<string, any>) => void) {
    return parseConfig(editConfig(loadStackConfig("prod"), change), context);
}

function problems(change: (c: Record<string, any>) => void): string[] {
    try {
        parseProd(change);
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

describe("server parameter catalogue (Microsoft Learn's parameter reference)", () => {
    test("every entry names its kind, type and a Learn page with its commit for each version, or says it is unconfirmed", () => {
        for (const entry of parameterCatalogue.parameters) {
            assert.ok(["dynamic", "static", "read-only"].includes(entry.kind), entry.name);
            assert.ok(entry.versions.every((v) => supportedVersions.includes(v)), entry.name);
            if (entry.unconfirmed) {
                continue;
            }
            for (const version of entry.versions) {
                const source = parameterCatalogue.sources[entry.sources[version]];
                assert.ok(source, `${entry.name} ${version}: source ${entry.sources[version]}`);
                assert.equal(source.repo, "MicrosoftDocs/azure-databases-docs");
                assert.match(source.path, /^articles\/postgresql\/flexible-server\/includes\/param-\d+-[a-z-]+\.md$/);
                assert.match(source.commit, /^[0-9a-f]{40}$/);
            }
        }
        // One entry per name and version.
        const seen = new Set<string>();
        for (const entry of parameterCatalogue.parameters) {
            for (const version of entry.versions) {
                const key = `${entry.name}@${version}`;
                assert.ok(!seen.has(key), key);
                seen.add(key);
            }
        }
    });

    test("Learn lists log_connections and log_disconnections as dynamic on every version 13-18 (not read-only)", () => {
        for (const version of supportedVersions) {
            for (const name of ["log_connections", "log_disconnections", "log_hostname"]) {
                const entry = catalogueEntry(name, version);
                assert.equal(entry?.kind, "dynamic", `${name} on ${version}`);
                assert.equal(entry?.confirmedVersions, undefined, `${name} was read for every version`);
            }
        }
        assert.equal(catalogueEntry("log_connections", "18")?.type, "set", "PostgreSQL 18 takes a list of connection stages");
    });

    test("every secure default is a catalogued, writable, valid value on every version", () => {
        for (const version of supportedVersions) {
            for (const [name, value] of Object.entries(secureParameterDefaults(version))) {
                const check = checkParameterOverride(name, value, version);
                assert.ok(check.ok, `${name}=${value} on ${version}: ${check.ok ? "" : check.message}`);
                assert.equal(check.catalogued, true, `${name} is in the catalogue`);
                assert.equal(check.restart, false, `${name} applies without a restart`);
            }
        }
    });

    test("connection logging is written on by default, and password_encryption is pinned where Learn's default is md5", () => {
        for (const version of supportedVersions) {
            const defaults = secureParameterDefaults(version);
            assert.equal(defaults.log_connections, "on");
            assert.equal(defaults.log_disconnections, "on");
            const learnDefault = catalogueEntry("password_encryption", version)?.default;
            assert.equal(defaults.password_encryption, learnDefault === "scram-sha-256" ? undefined : "scram-sha-256", version);
        }
        assert.equal(catalogueEntry("password_encryption", "13")?.default, "md5");
    });
});

describe("server.parameters overrides are checked before any resource", () => {
    test("log_connections and log_disconnections can be set (they are dynamic), and are written", () => {
        const config = parseProd((c) => { c.server.parameters = { log_disconnections: "off", log_connections: true }; });
        assert.equal(config.server.parameters.log_disconnections, "off");
        assert.equal(config.server.parameters.log_connections, "on");
    });

    test("PostgreSQL 18 accepts a list of connection stages for log_connections; 17 does not", () => {
        const v18 = parseProd((c) => { c.server.version = "18"; c.server.parameters = { log_connections: "receipt,authentication" }; });
        assert.equal(v18.server.parameters.log_connections, "receipt,authentication");
        assert.deepEqual(problems((c) => { c.server.parameters = { log_connections: "receipt" }; }), [
            'entra-postgres:server.parameters.log_connections: "receipt" is not allowed. Use one of: on, off.',
        ]);
    });

    test("an unknown name is refused with the nearest known one", () => {
        assert.deepEqual(problems((c) => { c.server.parameters = { log_conections: "on" }; }), [
            'entra-postgres:server.parameters.log_conections: "log_conections" is not a known server parameter. Did you mean "log_connections"?',
        ]);
    });

    test("an invalid value is refused with the allowed ones or the range", () => {
        assert.match(problems((c) => { c.server.parameters = { log_statement: "everything" }; })[0], /Use one of: none, ddl, mod, all/);
        assert.match(problems((c) => { c.server.parameters = { ssl_min_protocol_version: "tlsv1.3" }; })[0], /Did you mean "TLSv1.3"/);
        assert.match(problems((c) => { c.server.parameters = { "logfiles.retention_days": 30 }; })[0], /from 1 to 7/);
        assert.match(problems((c) => { c.server.parameters = { max_connections: "lots" }; })[0], /whole number from 25 to 5000/);
    });

    test("a read-only parameter is refused as read-only", () => {
        assert.deepEqual(problems((c) => { c.server.parameters = { log_replication_commands: "off" }; }), [
            "entra-postgres:server.parameters.log_replication_commands: is read-only on Azure Database for PostgreSQL flexible server (always on). Remove it.",
        ]);
    });

    test("a static parameter is accepted and the plan says it needs a restart", () => {
        const config = parseProd((c) => { c.server.parameters = { max_connections: 400 }; });
        assert.equal(config.server.parameters.max_connections, "400");
        assert.deepEqual(checkParameterOverride("max_connections", "400", "17"), { ok: true, value: "400", restart: true, catalogued: true });
        assert.equal(parameterNeedsRestart("log_connections"), false);
        const configuration = (name: string) => ({
            urn: `urn:${name}`, type: "azure-native:dbforpostgresql:Configuration", name, custom: true, protect: false,
            props: { configurationName: name, value: "400" }, secretKeys: [], unknownPaths: [], dependencies: [], propertyDependencies: {}, aliases: [],
        });
        assert.match(details(configuration("max_connections")).restart, /restart/);
        assert.equal(details(configuration("log_connections")).restart, undefined);
    });

    test("password_encryption other than scram-sha-256 is refused, though Learn allows md5", () => {
        assert.match(problems((c) => { c.server.parameters = { password_encryption: "md5" }; })[0], /password_encryption: "md5" is refused: only scram-sha-256 is allowed/);
        assert.equal(parseProd((c) => { c.server.parameters = { password_encryption: "scram-sha-256" }; }).server.parameters.password_encryption, "scram-sha-256");
    });

    test("a parameter of another version only is refused with the versions that have it", () => {
        assert.match(problems((c) => { c.server.version = "13"; c.server.parameters = { log_recovery_conflict_waits: "on" }; })[0], /not a server parameter of PostgreSQL 13/);
    });

    test("a name outside the catalogue's coverage and far from every known name passes through to Azure", () => {
        assert.equal(parseProd((c) => { c.server.parameters = { work_mem: "8192" }; }).server.parameters.work_mem, "8192");
    });
});
