import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Databases } from "../../components/databases";
import { build, earlier } from "./build";

const componentType = "entra-postgres:databases:Databases";
const ownedType = "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase";
const armType = "azure-native:dbforpostgresql:Database";

function declare(protect = false, cloud: "public" | "usgov" = "public"): () => Databases {
    return () => new Databases("unit", {
        resourceGroupName: "rg",
        serverName: "pg-unit",
        names: ["app", "reports"],
        after: earlier("last-admin"),
        protect,
        serverFqdn: "pg-unit.postgres.database.azure.com",
        deployerLogin: "platform-deployer",
        cloud,
    });
}

describe("Databases on its own", () => {
    test("children: per database, the deployer's CREATE DATABASE then the ARM database, parented to the component", async () => {
        const built = await build(declare());
        assert.deepEqual(built.childrenOf(built.component(componentType)), [
            [ownedType, "unit-app-owned"],
            [armType, "unit-app"],
            [ownedType, "unit-reports-owned"],
            [armType, "unit-reports"],
        ]);
    });

    test("one after another: the first after the last admin, each ARM database after its own CREATE DATABASE", async () => {
        const built = await build(declare());
        assert.deepEqual(built.waitsFor(built.named("unit-app-owned")), ["last-admin"]);
        assert.deepEqual(built.waitsFor(built.named("unit-app")), ["unit-app-owned"]);
        assert.deepEqual(built.waitsFor(built.named("unit-reports-owned")), ["unit-app"]);
        assert.deepEqual(built.waitsFor(built.named("unit-reports")), ["unit-reports-owned"]);
    });

    test("the deployer creates and so owns each database; UTF8, en_US.utf8", async () => {
        const built = await build(declare());
        for (const owned of built.ofType(ownedType)) {
            assert.equal(owned.props.adminLogin, "platform-deployer");
            assert.equal(owned.props.collation, "en_US.utf8");
            assert.equal(owned.props.serverFqdn, "pg-unit.postgres.database.azure.com");
            assert.equal(owned.props.cloud, "public");
        }
        for (const database of built.ofType(armType)) {
            assert.equal(database.props.charset, "UTF8");
            assert.equal(database.props.collation, "en_US.utf8");
        }
        assert.deepEqual(built.ofType(armType).map((d) => d.props.databaseName), ["app", "reports"]);
    });

    test("protect reaches both resources of each database", async () => {
        const built = await build(declare(true));
        assert.ok([...built.ofType(ownedType), ...built.ofType(armType)].every((r) => r.protect === true));
        const open = await build(declare(false));
        assert.ok([...open.ofType(ownedType), ...open.ofType(armType)].every((r) => r.protect === false));
    });

    test("the component's maps hold every database by name", async () => {
        let component: Databases | undefined;
        await build(() => { component = declare(false, "usgov")(); });
        assert.deepEqual([...component!.databases.keys()], ["app", "reports"]);
        assert.deepEqual([...component!.owned.keys()], ["app", "reports"]);
    });

    test("defaults: unprotected, the public cloud (whose CA roots are Node's own: no bundle)", async () => {
        const minimal = () => new Databases("unit", { resourceGroupName: "rg", serverName: "pg-unit", names: ["app"], after: earlier("last-admin"), serverFqdn: "pg-unit.postgres.database.azure.com", deployerLogin: "platform-deployer" });
        const built = await build(minimal);
        const explicit = await build(declare(false, "public"));
        const owned = built.named("unit-app-owned");
        assert.equal(owned.props.cloud, "public");
        assert.equal(owned.props.caCertificate, explicit.named("unit-app-owned").props.caCertificate);
        assert.equal(owned.props.caCertificate, undefined);
        assert.ok([owned, built.named("unit-app")].every((r) => r.protect === false));
    });

    test("resource group, server name and FQDN may come from other resources; names do not change", async () => {
        const built = await build(() => {
            const server = earlier("server");
            const from = <T>(value: T) => server.urn.apply(() => value);
            return new Databases("unit", { resourceGroupName: from("rg-other"), serverName: from("pg-other"), names: ["app"], after: earlier("last-admin"), serverFqdn: from("pg-other.postgres.database.azure.com"), deployerLogin: "platform-deployer" });
        });
        const server = built.named("server").urn;
        const arm = built.named("unit-app");
        const owned = built.named("unit-app-owned");
        assert.deepEqual([arm.props.resourceGroupName, arm.props.serverName, owned.props.serverFqdn], ["rg-other", "pg-other", "pg-other.postgres.database.azure.com"]);
        assert.deepEqual(arm.propertyDependencies.serverName, [server]);
        assert.deepEqual(owned.propertyDependencies.serverFqdn, [server]);
    });

    test("no names: nothing but the component", async () => {
        const built = await build(() => new Databases("unit", { resourceGroupName: "rg", serverName: "pg-unit", names: [], after: earlier("last-admin"), serverFqdn: "pg-unit.postgres.database.azure.com", deployerLogin: "platform-deployer" }));
        assert.deepEqual(built.childrenOf(built.component(componentType)), []);
    });

    const refused: [string, string[], string, RegExp][] = [
        ["a name PostgreSQL cannot take unquoted", ["app-db"], "platform-deployer", /^Error: Databases unit: names\[0\] "app-db" is not a valid database name/],
        ["a reserved name", ["app", "Postgres"], "platform-deployer", /^Error: Databases unit: names\[1\] "Postgres" is reserved by PostgreSQL or Azure/],
        ["a name listed twice", ["app", "app"], "platform-deployer", /^Error: Databases unit: names\[1\] "app" is listed twice/],
        ["two names Azure sees as one", ["app", "APP"], "platform-deployer", /^Error: Databases unit: names\[1\] "APP" and "app" are the same database to Azure/],
        ["an empty deployer login", ["app"], "", /^Error: Databases unit: deployerLogin is empty\. Use the role name of the Entra admin that runs pulumi up\./],
    ];
    for (const [what, names, deployerLogin, message] of refused) {
        test(`refused before anything is declared: ${what}`, () => {
            assert.throws(() => new Databases("unit", { resourceGroupName: "rg", serverName: "pg-unit", names, after: earlier("last-admin"), serverFqdn: "pg-unit.postgres.database.azure.com", deployerLogin }), message);
        });
    }
});
