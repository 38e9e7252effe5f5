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
});
