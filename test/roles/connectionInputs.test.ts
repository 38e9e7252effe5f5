import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { entraRoleProvider } from "../../components/roles/provider";
import { connectionFailures, connectionRules } from "../../components/roles/inputs";
import { entraDatabaseProvider, entraGrantsProvider } from "../../components/sql/provider";

/** One validator for how to reach a server, used alike by EntraRole and the SQL providers. */
const valid = { serverFqdn: "pg.postgres.database.azure.com", adminLogin: "deployer", cloud: "public", port: 5432 };
const role = { ...valid, roleName: "app", principalType: "service", objectId: "00000000-0000-4000-8000-000000000001" };
const grant = { ...valid, database: "app", roleName: "app", level: "read", owners: ["deployer"] };
const database = { ...valid, databaseName: "app", collation: "en_US.utf8" };

const bad: [string, Record<string, unknown>, RegExp][] = [
    ["serverFqdn", { serverFqdn: " pg.example " }, /^serverFqdn must be a non-empty string without surrounding spaces/],
    ["serverFqdn", { serverFqdn: "https://pg.example:5432" }, /^serverFqdn "https:\/\/pg.example:5432" must be a host name only/],
    ["adminLogin", { adminLogin: "" }, /^adminLogin must be a non-empty string/],
    ["cloud", { cloud: "mars" }, /^cloud must be one of public, usgov, china, got "mars"/],
    ["port", { port: 70000 }, /^port must be an integer from 1 to 65535, got 70000/],
    ["caCertificate", { caCertificate: "not a certificate" }, /^caCertificate must be PEM text/],
];

describe("the connection inputs' rules", () => {
    test("valid inputs pass; defaults (cloud, port, caCertificate) may be left out", () => {
        assert.deepEqual(connectionFailures(valid), []);
        assert.deepEqual(connectionFailures({ serverFqdn: valid.serverFqdn, adminLogin: valid.adminLogin }), []);
    });

    test("every missing required input is reported, in the rules' order", () => {
        assert.deepEqual(connectionFailures({}).map((f) => f.property), ["serverFqdn", "adminLogin"]);
        assert.deepEqual(Object.keys(connectionRules), ["serverFqdn", "adminLogin", "cloud", "port", "caCertificate"]);
    });

    for (const [property, change, reason] of bad) {
        test(`${property} ${JSON.stringify(change[property])} is refused with the same reason by every provider`, async () => {
            const failures = connectionFailures({ ...valid, ...change });
            assert.equal(failures.length, 1);
            assert.equal(failures[0].property, property);
            assert.match(failures[0].reason, reason);
            for (const [name, provider, inputs] of [
                ["EntraRole", entraRoleProvider, role],
                ["EntraGrants", entraGrantsProvider, grant],
                ["EntraDatabase", entraDatabaseProvider, database],
            ] as const) {
                const checked = await provider.check!({}, { ...inputs, ...change });
                assert.deepEqual(checked.failures, [failures[0]], name);
            }
        });
    }
});
