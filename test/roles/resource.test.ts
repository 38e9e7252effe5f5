import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { EntraRole } from "../../components/roles";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
}
const registered: Registered[] = [];

pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs });
            return { id: `${args.name}-id`, state: { ...args.inputs, objectId: args.inputs.objectId ?? "resolved-by-name", providerVersion: "1.0.0" } };
        },
        call: () => ({}),
    },
    "entra-postgres",
    "test",
    false,
);

const resolved = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

test("registers a dynamic EntraRole with its type token, defaults and serialized provider", async () => {
    const role = new EntraRole("vm-identity", {
        serverFqdn: "pg-prod.postgres.database.azure.com",
        adminLogin: "pulumi-deployer",
        roleName: "vm-app-01",
        objectId: "0b5f2c1e-4d7a-4a8e-9a51-2f0c9d6b7e11",
        principalType: "service",
    });

    assert.equal(await resolved(role.roleName), "vm-app-01");
    assert.equal(await resolved(role.objectId), "0b5f2c1e-4d7a-4a8e-9a51-2f0c9d6b7e11");
    const entry = registered.find((r) => r.name === "vm-identity");
    assert.equal(entry?.type, "pulumi-nodejs:dynamic/entra-postgres:EntraRole");
    assert.equal(entry?.inputs.isAdmin, false);
    assert.equal(entry?.inputs.isMfa, false);
    assert.equal(entry?.inputs.cloud, "public");
    assert.equal(entry?.inputs.port, 5432);
    assert.equal(entry?.inputs.dangerouslyDisableTlsVerification, false);
    assert.equal(typeof entry?.inputs.__provider, "string");
    assert.match(entry?.inputs.__provider, /pgaadauth_create_principal_with_oid/);
    assert.ok(!Object.keys(entry?.inputs ?? {}).some((k) => /token|password|secret/i.test(k)), "no credential input");
});

test("a role without objectId exposes the object id Azure resolved", async () => {
    const role = new EntraRole("readers", {
        serverFqdn: "pg-prod.postgres.database.azure.com",
        adminLogin: "pulumi-deployer",
        roleName: "Prod DB Readonly",
        principalType: "group",
    });
    assert.equal(await resolved(role.objectId), "resolved-by-name");
});

test("warns when TLS verification is turned off", async (t) => {
    const warn = t.mock.method(pulumi.log, "warn", async () => undefined);
    const role = new EntraRole("insecure", {
        serverFqdn: "pg-prod.postgres.database.azure.com",
        adminLogin: "pulumi-deployer",
        roleName: "insecure",
        objectId: "0b5f2c1e-4d7a-4a8e-9a51-2f0c9d6b7e12",
        principalType: "user",
        dangerouslyDisableTlsVerification: true,
    });
    await resolved(role.roleName);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0].arguments[0]), /dangerouslyDisableTlsVerification/);
});
