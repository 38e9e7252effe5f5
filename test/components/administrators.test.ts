import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EntraAdministrators } from "../../components/administrators";
import type { EntraAdmin } from "../../components/config";
import { fakeGuid } from "../../plan/engine/mocks";
import { build, earlier } from "./build";

const componentType = "entra-postgres:administrators:EntraAdministrators";
const adminType = "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra";
const admins: EntraAdmin[] = [
    { name: "platform-deployer", objectId: "0a1b2c3d-1111-4111-8111-111111111111", type: "ServicePrincipal" },
    { name: "dba@contoso.com", objectId: "3b1f6a52-1c1e-4f0e-9d53-2f6f0c1d7a01", type: "User" },
    { name: "db-admins", objectId: "6d2e8c41-52a7-4b9e-8f31-0a7c5e9d2b02", type: "Group" },
];

function declare(list: readonly EntraAdmin[] = admins): () => EntraAdministrators {
    return () => new EntraAdministrators("unit", {
        resourceGroupName: "rg",
        serverName: "pg-unit",
        tenantId: "tenant",
        admins: list,
        after: [earlier("param-a"), earlier("fw-b")],
    });
}

describe("EntraAdministrators on its own", () => {
    test("children: one admin per identity, named by identity, parented to the component; the former names with the object id are aliases", async () => {
        const built = await build(declare());
        const children = built.childrenOf(built.component(componentType));
        assert.equal(children.length, 3);
        assert.ok(children.every(([type]) => type === adminType));
        assert.equal(children[0][1], "unit-platform-deployer");
        // Not a plain name (`@`, `.`): its readable slug, then a hash of the exact name; the old names are aliases.
        assert.match(children[1][1], /^unit-dba-contoso-com--[0-9a-f]{12}$/);
        // (The provider's own aliases, to its older API versions' type tokens, keep the name.)
        const aliasNames = (name: string) => new Set(built.named(name).aliases.map((urn) => urn.split("::").pop()));
        const formerHashed = [...aliasNames(children[1][1])].find((n) => /^unit-dba-contoso-com-3b1f6a52--[0-9a-f]{12}$/.test(n!));
        assert.ok(formerHashed, "the name with the object id and the hash is an alias");
        assert.deepEqual(aliasNames(children[1][1]), new Set([children[1][1], "unit-dba-contoso-com", formerHashed, "unit-dba-contoso-com-3b1f6a52"]));
        assert.deepEqual(aliasNames(children[0][1]), new Set([children[0][1], "unit-platform-deployer-0a1b2c3d"]));
        assert.equal(children[2][1], "unit-db-admins");
        // A new object id under one name is one admin replaced, the old one removed first.
        assert.ok(built.named(children[0][1]).deleteBeforeReplace, "deleteBeforeReplace");
    });

    test("admins are written one after another, the first after every earlier server write", async () => {
        let component: EntraAdministrators | undefined;
        const built = await build(() => { component = declare()(); });
        const written = built.ofType(adminType);
        assert.deepEqual(built.waitsFor(written[0]), ["fw-b", "param-a"]);
        assert.deepEqual(built.waitsFor(written[1]), [written[0].name]);
        assert.deepEqual(built.waitsFor(written[2]), [written[1].name]);
        assert.equal(component!.last, component!.admins[2], "`last` is the end of the chain");
    });

    test("each admin's inputs: object id, name, the spec's principalType and the tenant", async () => {
        const built = await build(declare());
        assert.deepEqual(built.ofType(adminType).map((a) => [a.props.principalName, a.props.objectId, a.props.principalType, a.props.tenantId, a.props.serverName]), [
            ["platform-deployer", admins[0].objectId, "ServicePrincipal", "tenant", "pg-unit"],
            ["dba@contoso.com", admins[1].objectId, "User", "tenant", "pg-unit"],
            ["db-admins", admins[2].objectId, "Group", "tenant", "pg-unit"],
        ]);
    });

    test("reordering the admins keeps every name (no replacement), only the chain changes", async () => {
        const before = await build(declare());
        const after = await build(declare([admins[2], admins[0], admins[1]]));
        assert.deepEqual(after.ofType(adminType).map((a) => a.name).sort(), before.ofType(adminType).map((a) => a.name).sort());
        const moved = after.ofType(adminType);
        assert.deepEqual(after.waitsFor(moved[1]), [moved[0].name]);
    });

    test("no admin at all is refused before anything is declared under the component", async () => {
        assert.throws(declare([]), /^Error: EntraAdministrators unit: admins is empty; it needs at least one admin/);
    });

    test("defaults: the deploying credential's tenant, and nothing to wait for", async () => {
        const built = await build(() => new EntraAdministrators("unit", { resourceGroupName: "rg", serverName: "pg-unit", admins: admins.slice(0, 2) }));
        const written = built.ofType(adminType);
        assert.deepEqual(written.map((a) => a.props.tenantId), [fakeGuid("tenant"), fakeGuid("tenant")]);
        assert.deepEqual(built.waitsFor(written[0]), []);
        assert.deepEqual(built.waitsFor(written[1]), [written[0].name]);
    });

    test("resource group, server name and tenant may come from other resources; child names do not change", async () => {
        const built = await build(() => {
            const server = earlier("server");
            const from = <T>(value: T) => server.urn.apply(() => value);
            return new EntraAdministrators("unit", { resourceGroupName: from("rg-other"), serverName: from("pg-other"), tenantId: from("tenant-other"), admins });
        });
        const server = built.named("server").urn;
        const written = built.ofType(adminType);
        assert.equal(written[0].name, "unit-platform-deployer");
        assert.deepEqual(written.map((a) => [a.props.resourceGroupName, a.props.serverName, a.props.tenantId]), admins.map(() => ["rg-other", "pg-other", "tenant-other"]));
        for (const input of ["resourceGroupName", "serverName", "tenantId"]) {
            assert.deepEqual(written[0].propertyDependencies[input], [server], input);
        }
    });

    const refused: [string, EntraAdmin[], RegExp][] = [
        ["a name that cannot be a role", [{ ...admins[0], name: "pg_admin" }], /^Error: EntraAdministrators unit: admins\[0\]\.name "pg_admin" is reserved/],
        ["a name with spaces around it", [admins[0], { ...admins[1], name: " dba@contoso.com" }], /^Error: EntraAdministrators unit: admins\[1\]\.name " dba@contoso.com" has spaces/],
        ["an object id that is not a GUID", [{ ...admins[0], objectId: "platform-deployer" }], /^Error: EntraAdministrators unit: admins\[0\]\.objectId "platform-deployer" is not a GUID/],
        ["an unknown type", [{ ...admins[0], type: "ManagedIdentity" as never }], /^Error: EntraAdministrators unit: admins\[0\]\.type "ManagedIdentity" is not one of User, Group, ServicePrincipal/],
        ["a name listed twice", [admins[0], { ...admins[1], name: admins[0].name }], /^Error: EntraAdministrators unit: admins\[1\]\.name "platform-deployer" is listed twice/],
        ["an object id listed twice", [admins[0], { ...admins[1], objectId: admins[0].objectId.toUpperCase() }], /^Error: EntraAdministrators unit: admins\[1\]\.objectId 0A1B2C3D-1111-4111-8111-111111111111 is listed twice/],
    ];
    for (const [what, list, message] of refused) {
        test(`refused before anything is declared: ${what}`, () => {
            assert.throws(declare(list), message);
        });
    }
});
