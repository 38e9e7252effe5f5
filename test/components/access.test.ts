import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { EntraAccess, type AccessIdentity, type EntraAccessArgs } from "../../components/access";
import type { Cloud } from "../../components/cloud";
import { recordProgram } from "../../plan/engine/recorder";
import { build, earlier, type Built } from "./build";

const componentType = "entra-postgres:access:EntraAccess";
const roleType = "pulumi-nodejs:dynamic/entra-postgres:EntraRole";
const grantType = "postgresql:index/grant:Grant";
const defaultsType = "postgresql:index/defaultPrivileges:DefaultPrivileges";
const entraGrantsType = "pulumi-nodejs:dynamic/entra-postgres:EntraGrants";
const deployerLogin = "platform-deployer";

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
            deployerLogin,
            after: [lastAdmin],
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

    test("defaults: the public cloud (one provider), no database to wait for, no access, nothing to wait for", async () => {
        const built = await build(() => new EntraAccess("unit", {
            serverFqdn: "pg-unit.postgres.database.azure.com",
            tenantId: "tenant",
            deployerLogin,
            identities: [
                { name: "reporting", type: "service", access: [{ database: "app", level: "read" }] },
                { name: "auditor", type: "user" },
            ],
        }));
        const provider = built.named("unit-pg");
        assert.equal(provider.type, "pulumi:providers:postgresql", "the public cloud's grants go through the provider");
        assert.equal(built.ofType(entraGrantsType).length, 0);
        assert.equal(roleNamed(built, "reporting").props.cloud, "public");
        assert.deepEqual(built.waitsFor(roleNamed(built, "reporting")), [], "nothing given to wait for");
        assert.deepEqual(built.waitsFor(roleNamed(built, "auditor")), []);
        // Without `databases` a grant waits for its role only.
        assert.deepEqual(built.waitsFor(built.named("unit-reporting-app-tables")), [roleNamed(built, "reporting").name]);
        assert.equal(built.ofType(grantType).filter((g) => g.name.startsWith("unit-auditor-")).length, 0, "no access, no grant");
    });

    test("Outputs flow through: the server's FQDN, the tenant and an object id from other resources", async () => {
        const built = await build(() => {
            const server = earlier("server");
            const identity = earlier("identity");
            return new EntraAccess("unit", {
                serverFqdn: server.id.apply(() => "pg-out.postgres.database.azure.com"),
                tenantId: server.id.apply(() => "tenant-out"),
                deployerLogin,
                after: [server],
                identities: [{ name: "reporting", objectId: identity.id.apply(() => "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"), type: "service", access: [{ database: "app", level: "write" }] }],
            });
        });
        const role = roleNamed(built, "reporting");
        assert.equal(role.props.serverFqdn, "pg-out.postgres.database.azure.com");
        assert.equal(role.props.objectId, "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d");
        assert.deepEqual(role.propertyDependencies.objectId, [built.named("identity").urn]);
        const provider = built.named("unit-pg");
        assert.equal(provider.props.host, "pg-out.postgres.database.azure.com");
        assert.equal(provider.props.azureTenantId, "tenant-out");
        assert.deepEqual(provider.propertyDependencies.host, [built.named("server").urn]);
        assert.deepEqual(built.waitsFor(role), ["identity", "server"], "the identity it names and the resource given in after");
    });

    test("after: every role waits for each resource given", async () => {
        const built = await build(() => {
            const admin = earlier("last-admin");
            const zoneGroup = earlier("zone-group");
            return new EntraAccess("unit", {
                serverFqdn: "pg-unit.postgres.database.azure.com", tenantId: "tenant", deployerLogin,
                after: [admin, zoneGroup],
                identities: [{ name: "reporting", type: "service" }, { name: "auditor", type: "user" }],
            });
        });
        for (const role of built.ofType(roleType)) {
            assert.deepEqual(built.waitsFor(role), ["last-admin", "zone-group"], role.name);
        }
    });

    const valid: EntraAccessArgs = {
        serverFqdn: "pg-unit.postgres.database.azure.com",
        tenantId: "tenant",
        deployerLogin,
        identities: [{ name: "reporting", type: "service", access: [{ database: "app", level: "read" }] }],
    };
    const withIdentity = (identity: Partial<AccessIdentity>): Partial<EntraAccessArgs> => ({ identities: [{ ...valid.identities[0], ...identity }] });
    for (const [what, change, expected] of [
        ["an empty deployer login", { deployerLogin: "" }, /EntraAccess unit: deployerLogin must be a non-empty string.*Pass the name of the Entra administrator/],
        ["a server FQDN with a scheme", { serverFqdn: "https://pg-unit.postgres.database.azure.com" }, /EntraAccess unit: serverFqdn "https:\/\/pg-unit\.postgres\.database\.azure\.com" must be a host name only/],
        ["an unknown cloud", { cloud: "mars" as Cloud }, /EntraAccess unit: cloud must be one of public, usgov, china, got "mars"/],
        ["a reserved role name", withIdentity({ name: "pg_monitor" }), /EntraAccess unit: identities\[0\]\.name "pg_monitor" is reserved.*It becomes the role's name/],
        ["a role name longer than 63 bytes", withIdentity({ name: "é".repeat(40) }), /EntraAccess unit: identities\[0\]\.name "é{40}" is 80 bytes/],
        ["the deployer as an identity", withIdentity({ name: deployerLogin }), /EntraAccess unit: identities\[0\]\.name "platform-deployer" is the deployer/],
        ["a name listed twice", { identities: [valid.identities[0], { name: "reporting", type: "user" }] }, /EntraAccess unit: identities\[1\]\.name "reporting" is listed twice/],
        ["an unknown type", withIdentity({ type: "robot" as AccessIdentity["type"] }), /EntraAccess unit: identities\[0\]\.type must be one of user, group, service, got "robot"/],
        ["an unknown level", withIdentity({ access: [{ database: "app", level: "owner" as "read" }] }), /EntraAccess unit: identities\[0\]\.access\[0\]\.level must be one of read, write, admin, got "owner"/],
        ["a database listed twice", withIdentity({ access: [{ database: "app", level: "read" }, { database: "app", level: "write" }] }), /EntraAccess unit: identities\[0\]\.access\[1\]\.database "app" is listed twice/],
    ] as const) {
        test(`refuses ${what} before declaring any child`, async () => {
            const recording = await recordProgram(() => new EntraAccess("unit", { ...valid, ...change } as EntraAccessArgs), { stack: "unit", config: {} });
            assert.ok(recording.error instanceof Error, "refused");
            assert.match(recording.error.message, expected);
            assert.deepEqual(recording.resources.map((r) => r.type), [componentType], "nothing but the component itself");
        });
    }
});
