import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { EntraAccess, type AccessIdentity } from "../../components/access";
import type { Cloud } from "../../components/cloud";
import { build, earlier, type Built } from "./build";

const componentType = "entra-postgres:access:EntraAccess";
const roleType = "pulumi-nodejs:dynamic/entra-postgres:EntraRole";
const grantType = "postgresql:index/grant:Grant";
const defaultsType = "postgresql:index/defaultPrivileges:DefaultPrivileges";
const entraGrantsType = "pulumi-nodejs:dynamic/entra-postgres:EntraGrants";
const deployer = { name: "platform-deployer", objectId: "0a1b2c3d-1111-4111-8111-111111111111", type: "ServicePrincipal" as const };

/** The VM's identity (waits for the VM), a group that administers `app`, and a user with no database access. */
function declare(cloud: Cloud = "public", withAccess = true): () => EntraAccess {
    return () => {
        const lastAdmin = earlier("last-admin");
        const vm = earlier("vm");
        const app = earlier("db-app");
        const identities: AccessIdentity[] = [
            { name: "unit-pg-client", objectId: vm.id, type: "service", access: withAccess ? [{ database: "app", level: "read" }] : [], dependsOn: [vm] },
            { name: "app-admins", objectId: "6d2e8c41-52a7-4b9e-8f31-0a7c5e9d2b02", type: "group", access: withAccess ? [{ database: "app", level: "admin" }] : [] },
            { name: "auditor", type: "user", access: [] },
        ];
        return new EntraAccess("unit", {
            serverFqdn: "pg-unit.postgres.database.azure.com",
            cloud,
            tenantId: "tenant",
            deployer,
            lastAdmin,
            identities,
            databases: new Map<string, pulumi.Resource>([["app", app]]),
        });
    };
}

function roleNamed(built: Built, role: string) {
    const found = built.ofType(roleType).find((r) => r.props.roleName === role);
    assert.ok(found, role);
    return found;
}

describe("EntraAccess on its own", () => {
    test("children (public cloud): a role per identity, one provider, the grants, all parented to the component", async () => {
        const built = await build(declare());
        // Registration order is not declaration order (a dynamic resource serializes its provider first): compare sets.
        const children = built.childrenOf(built.component(componentType)).map(([type, name]) => `${type.split(":").pop()} ${name}`).sort();
        assert.deepEqual(children, [
            "DefaultPrivileges unit-unit-pg-client-app-sequences-by-app-admins",
            "DefaultPrivileges unit-unit-pg-client-app-sequences-by-platform-deployer",
            "DefaultPrivileges unit-unit-pg-client-app-tables-by-app-admins",
            "DefaultPrivileges unit-unit-pg-client-app-tables-by-platform-deployer",
            "EntraRole unit-role-app-admins",
            "EntraRole unit-role-auditor",
            "EntraRole unit-role-unit-pg-client",
            // `admin` grants CREATE on `public`, no table or sequence privileges: it owns what it creates.
            "Grant unit-app-admins-app-database",
            "Grant unit-app-admins-app-schema",
            "Grant unit-unit-pg-client-app-database",
            "Grant unit-unit-pg-client-app-schema",
            "Grant unit-unit-pg-client-app-sequences",
            "Grant unit-unit-pg-client-app-tables",
            "postgresql unit-pg",
        ]);
    });

    test("every role waits for the end of the admin chain, and the VM's role for the VM too", async () => {
        const built = await build(declare());
        assert.deepEqual(built.waitsFor(roleNamed(built, "unit-pg-client")), ["last-admin", "vm"]);
        assert.deepEqual(built.waitsFor(roleNamed(built, "app-admins")), ["last-admin"]);
        assert.deepEqual(built.waitsFor(roleNamed(built, "auditor")), ["last-admin"]);
        for (const role of built.ofType(roleType)) {
            assert.equal(role.props.adminLogin, "platform-deployer", "created by the deployer");
            assert.equal(role.props.isAdmin, false);
        }
        assert.deepEqual(roleNamed(built, "unit-pg-client").propertyDependencies.objectId, [built.named("vm").urn]);
    });

    test("grants go through the component's provider, after their role and their database", async () => {
        const built = await build(declare());
        const provider = built.named("unit-pg");
        assert.equal(provider.props.sslmode, "verify-full");
        assert.equal(provider.props.username, "platform-deployer");
        const client = roleNamed(built, "unit-pg-client");
        for (const grant of built.ofType(grantType)) {
            assert.ok(grant.provider?.startsWith(`${provider.urn}::`), grant.name);
            assert.ok(grant.dependencies.includes(built.named("db-app").urn), `${grant.name} waits for its database`);
        }
        assert.deepEqual(built.waitsFor(built.named("unit-unit-pg-client-app-tables")), ["db-app", client.name]);
    });

    test("default privileges: for objects each owner creates, the owner's role waited for", async () => {
        const built = await build(declare());
        const byAdmins = built.named("unit-unit-pg-client-app-tables-by-app-admins");
        assert.deepEqual(built.waitsFor(byAdmins), ["db-app", roleNamed(built, "app-admins").name, roleNamed(built, "unit-pg-client").name].sort());
        assert.deepEqual(byAdmins.propertyDependencies.owner, [roleNamed(built, "app-admins").urn]);
        const byDeployer = built.named("unit-unit-pg-client-app-tables-by-platform-deployer");
        assert.equal(byDeployer.props.owner, "platform-deployer");
        assert.deepEqual(byDeployer.props.privileges, ["SELECT"]);
        assert.equal(built.ofType(defaultsType).filter((d) => d.name.includes("-app-admins-app-")).length, 0);
    });

    test("another cloud: no provider, one EntraGrants per identity and database, with the database's owners", async () => {
        const built = await build(declare("usgov"));
        assert.equal(built.ofType("pulumi:providers:postgresql").length, 0);
        assert.equal(built.ofType(grantType).length, 0);
        const grants = built.ofType(entraGrantsType);
        assert.deepEqual(grants.map((g) => [g.name, g.props.level]).sort(), [["unit-app-admins-app-grants", "admin"], ["unit-unit-pg-client-app-grants", "read"]]);
        const client = built.named("unit-unit-pg-client-app-grants");
        assert.deepEqual(client.props.owners, ["platform-deployer", "app-admins"]);
        assert.deepEqual(built.waitsFor(client), ["db-app", roleNamed(built, "app-admins").name, roleNamed(built, "unit-pg-client").name].sort());
        const component = built.component(componentType);
        assert.ok(grants.every((g) => g.parent === component.urn));
    });

    test("no identity with access: roles only, no provider", async () => {
        const built = await build(declare("public", false));
        assert.deepEqual(built.childrenOf(built.component(componentType)).map(([type]) => type), [roleType, roleType, roleType]);
    });
});
