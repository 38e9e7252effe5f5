import assert from "node:assert/strict";
import { test } from "node:test";
import { entraRoleProvider, entraRoleProviderVersion } from "../../components/roles";

const provider = entraRoleProvider as Required<typeof entraRoleProvider>;
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const inputs = {
    serverFqdn: "pg-prod.postgres.database.azure.com",
    adminLogin: "pulumi-deployer",
    roleName: "vm-app-01",
    objectId: "0b5f2c1e-4d7a-4a8e-9a51-2f0c9d6b7e11",
    principalType: "service",
};
// State as create writes it: inputs with defaults, the live object id and the provider version.
const state = {
    ...inputs,
    isAdmin: false,
    isMfa: false,
    cloud: "public",
    port: 5432,
    dangerouslyDisableTlsVerification: false,
    providerVersion: entraRoleProviderVersion,
    __provider: "exports.handler = ...",
};

test("reports no change when the inputs match the state", async () => {
    const diff = await provider.diff("id", state, { ...inputs, __provider: "other serialization" });
    assert.deepEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
});

for (const [property, value] of [
    ["roleName", "vm-app-02"],
    ["objectId", "7d1e0f7c-1111-4c4c-8888-000000000001"],
    ["principalType", "user"],
    ["serverFqdn", "pg-other.postgres.database.azure.com"],
    ["cloud", "usgov"],
    ["isAdmin", true],
    ["isMfa", true],
] as const) {
    test(`replaces the role, deleting it first, when ${property} changes`, async () => {
        const diff = await provider.diff("id", state, { ...inputs, [property]: value });
        assert.deepEqual(diff, { changes: true, replaces: [property], deleteBeforeReplace: true });
    });
}

for (const [property, value] of [
    ["adminLogin", "second-admin"],
    ["port", 6432],
    ["caCertificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"],
    ["dangerouslyDisableTlsVerification", true],
] as const) {
    test(`updates in place when only ${property} changes`, async () => {
        const diff = await provider.diff("id", state, { ...inputs, [property]: value });
        assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
    });
}

test("notices a role written by another provider version", async () => {
    const diff = await provider.diff("id", { ...state, providerVersion: "0.0.1" }, inputs);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
    const older = { ...state } as Record<string, unknown>;
    delete older.providerVersion;
    assert.equal((await provider.diff("id", older, inputs)).changes, true);
});

test("ignores host name case, object id case and a missing objectId input", async () => {
    const same = { ...inputs, serverFqdn: inputs.serverFqdn.toUpperCase(), objectId: inputs.objectId.toUpperCase() };
    assert.equal((await provider.diff("id", state, same)).changes, false);
    const { objectId: _resolved, ...byName } = inputs;
    assert.equal((await provider.diff("id", state, byName)).changes, false);
});

test("replaces when the server is not known yet in a preview", async () => {
    const diff = await provider.diff("id", state, { ...inputs, serverFqdn: unknown });
    assert.deepEqual(diff.replaces, ["serverFqdn"]);
});

test("check applies defaults and accepts values not known yet", async () => {
    const result = await provider.check({}, { ...inputs, serverFqdn: unknown });
    assert.deepEqual(result.failures, []);
    assert.equal(result.inputs.serverFqdn, unknown);
    assert.equal(result.inputs.cloud, "public");
    assert.equal(result.inputs.port, 5432);
    assert.equal(result.inputs.isAdmin, false);
    assert.equal(result.inputs.isMfa, false);
    assert.equal(result.inputs.dangerouslyDisableTlsVerification, false);
    assert.ok(!Object.values(result.inputs).includes(undefined), "no undefined values reach the engine");
});

test("check lists every invalid input with the setting to fix", async () => {
    const result = await provider.check({}, {
        serverFqdn: "https://pg-prod.postgres.database.azure.com",
        adminLogin: "",
        roleName: "x".repeat(64),
        objectId: "not-a-guid",
        principalType: "robot",
        cloud: "germany",
        port: 70000,
        caCertificate: "not pem",
        isAdmin: "yes",
    });
    assert.deepEqual(result.failures?.map((f) => f.property).sort(), [
        "adminLogin",
        "caCertificate",
        "cloud",
        "isAdmin",
        "objectId",
        "port",
        "principalType",
        "roleName",
        "serverFqdn",
    ]);
    assert.match(result.failures?.find((f) => f.property === "roleName")?.reason ?? "", /64 bytes/);
});

test("create refuses invalid inputs before connecting", async () => {
    await assert.rejects(provider.create({ ...inputs, principalType: "robot" }), /Invalid EntraRole inputs: principalType must be one of user, group, service/);
    await assert.rejects(provider.create({ ...inputs, roleName: "pg_monitor_x" }), /reserves for its own roles/);
});
