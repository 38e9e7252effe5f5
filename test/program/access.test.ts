import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTokenSource } from "../../components/testing";
import type { RecordedRegistration } from "../../plan/engine/recorder";
import { dependsOnTransitively, ofType, one, ProgramRun, runStack } from "../../testing/program";

const roleType = "pulumi-nodejs:dynamic/entra-postgres:EntraRole";
const grantType = "postgresql:index/grant:Grant";
const defaultsType = "postgresql:index/defaultPrivileges:DefaultPrivileges";
const entraGrantsType = "pulumi-nodejs:dynamic/entra-postgres:EntraGrants";

function grantsOf(run: ProgramRun, role: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const g of ofType(run.resources, grantType).filter((g) => dependsOn(g, roleUrn(run, role)))) {
        out[String(g.props.objectType)] = g.props.privileges as string[];
    }
    return out;
}

function defaultsOf(run: ProgramRun, role: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const d of ofType(run.resources, defaultsType).filter((d) => d.propertyDependencies.role?.includes(roleUrn(run, role)))) {
        out[`${d.props.objectType} by ${d.props.owner}`] = d.props.privileges as string[];
    }
    return out;
}

function roleUrn(run: ProgramRun, role: string): string {
    const found = ofType(run.resources, roleType).find((r) => r.props.roleName === role);
    assert.ok(found, `a role named ${role}`);
    return found.urn;
}

function dependsOn(resource: RecordedRegistration, urn: string): boolean {
    return resource.dependencies.includes(urn);
}

describe("database roles and least-privilege grants (prod)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runStack("prod");
        assert.equal(run.error, undefined, String(run.error));
    });

    test("one role per Entra identity: the VM's and each principal, after the last admin", () => {
        const roles = ofType(run.resources, roleType);
        assert.deepEqual(roles.map((r) => [r.props.roleName, r.props.principalType]).sort(), [
            ["Prod DB Readonly", "group"],
            ["prod-pg-client", "service"],
        ]);
        const admins = ofType(run.resources, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
        for (const role of roles) {
            assert.ok(role.dependencies.includes(admins[admins.length - 1].urn), `${role.name} waits for the last admin`);
            for (const admin of admins) {
                assert.ok(dependsOnTransitively(run.resources, role, admin));
            }
            assert.equal(role.props.adminLogin, "platform-deployer");
            assert.equal(role.props.cloud, "public");
            assert.equal(role.props.serverFqdn, "entra-postgres-prod.postgres.database.azure.com");
        }
    });

    test("the VM's role takes the VM identity's object id", () => {
        const vmRole = ofType(run.resources, roleType).find((r) => r.props.roleName === "prod-pg-client")!;
        const vm = one(run.resources, "azure-native:compute:VirtualMachine");
        assert.deepEqual(vmRole.propertyDependencies.objectId, [vm.urn]);
        assert.match(String(vmRole.props.objectId), /^[0-9a-f-]{36}$/);
        const group = ofType(run.resources, roleType).find((r) => r.props.roleName === "Prod DB Readonly")!;
        assert.equal(group.props.objectId, "2e7fa043-6c5d-4e9f-b0a1-3c4d5e6f7a13");
    });

    test("role inputs hold no token or password", () => {
        for (const role of ofType(run.resources, roleType)) {
            assert.deepEqual(role.secretKeys, []);
            const { __provider: code, ...inputs } = role.props;
            assert.doesNotMatch(JSON.stringify(inputs), /password|token|eyJ/i);
            assert.equal(typeof code, "string", "the serialized provider travels with the role");
        }
    });

    test("one postgresql provider per server: the deployer admin over TLS with Entra identity auth", () => {
        const provider = one(run.resources, "pulumi:providers:postgresql");
        assert.equal(provider.props.host, "entra-postgres-prod.postgres.database.azure.com");
        assert.equal(provider.props.port, "5432");
        assert.equal(provider.props.username, "platform-deployer");
        assert.equal(provider.props.database, "postgres");
        assert.equal(provider.props.sslmode, "verify-full");
        assert.equal(provider.props.sslrootcert, "certs/azure-postgres-roots.pem", "Microsoft's documented roots, relative to the project");
        assert.ok(fs.existsSync(path.resolve(String(provider.props.sslrootcert))), "the file is there, from the directory pulumi runs in");
        assert.equal(provider.props.superuser, "false");
        assert.equal(provider.props.azureIdentityAuth, "true");
        assert.equal(provider.props.azureTenantId, "72f988bf-86f1-41af-91ab-2d7cd011db47");
        assert.equal(provider.props.password, undefined, "no password: the provider fetches its own token");
        for (const grant of [...ofType(run.resources, grantType), ...ofType(run.resources, defaultsType)]) {
            assert.ok(grant.provider?.startsWith(`${provider.urn}::`), `${grant.name} uses the server's provider`);
        }
    });

    test("read: CONNECT, USAGE on public, SELECT on tables and sequences, and default privileges", () => {
        assert.deepEqual(grantsOf(run, "Prod DB Readonly"), {
            database: ["CONNECT"],
            schema: ["USAGE"],
            table: ["SELECT"],
            sequence: ["SELECT"],
        });
        assert.deepEqual(defaultsOf(run, "Prod DB Readonly"), {
            "table by platform-deployer": ["SELECT"],
            "sequence by platform-deployer": ["SELECT"],
        });
    });

    test("write (the VM): read plus INSERT, UPDATE, DELETE and sequence USAGE", () => {
        assert.deepEqual(grantsOf(run, "prod-pg-client"), {
            database: ["CONNECT"],
            schema: ["USAGE"],
            table: ["SELECT", "INSERT", "UPDATE", "DELETE"],
            sequence: ["SELECT", "USAGE"],
        });
        assert.deepEqual(defaultsOf(run, "prod-pg-client"), {
            "table by platform-deployer": ["SELECT", "INSERT", "UPDATE", "DELETE"],
            "sequence by platform-deployer": ["SELECT", "USAGE"],
        });
    });

    test("grants are scoped to the database and schema public, and wait for their role and database", () => {
        const db = one(run.resources, "azure-native:dbforpostgresql:Database");
        for (const grant of [...ofType(run.resources, grantType), ...ofType(run.resources, defaultsType)]) {
            assert.equal(grant.props.database, "app");
            if (grant.props.objectType !== "database") {
                assert.equal(grant.props.schema, "public");
            }
            assert.ok(grant.dependencies.includes(db.urn), `${grant.name} waits for the database`);
            assert.ok(grant.propertyDependencies.role?.length === 1 && grant.dependencies.includes(grant.propertyDependencies.role[0]), `${grant.name} waits for its role`);
        }
        const tables = ofType(run.resources, grantType).filter((g) => g.props.objectType === "table");
        assert.ok(tables.every((g) => Array.isArray(g.props.objects) && (g.props.objects as unknown[]).length === 0), "all tables of the schema");
    });
});

describe("access variants", () => {
    test("admin level: CREATE on schema public, no table rights, and others' default privileges cover its objects", async () => {
        const run = await runStack("prod", (c: any) => {
            c.principals.push({ name: "app-migrator", objectId: "5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", type: "service", access: [{ database: "app", level: "admin" }] });
        });
        assert.equal(run.error, undefined, String(run.error));
        assert.deepEqual(grantsOf(run, "app-migrator"), { database: ["CONNECT"], schema: ["USAGE", "CREATE"] });
        assert.deepEqual(defaultsOf(run, "app-migrator"), {});
        assert.deepEqual(defaultsOf(run, "Prod DB Readonly"), {
            "table by platform-deployer": ["SELECT"],
            "sequence by platform-deployer": ["SELECT"],
            "table by app-migrator": ["SELECT"],
            "sequence by app-migrator": ["SELECT"],
        });
        const byMigrator = ofType(run.resources, defaultsType).filter((d) => d.props.owner === "app-migrator");
        const migratorRole = roleUrn(run, "app-migrator");
        assert.ok(byMigrator.every((d) => d.dependencies.includes(migratorRole)), "default privileges wait for the owner's role");
    });

    test("a principal without object id is created by name, and without access gets no grants", async () => {
        const run = await runStack("prod", (c: any) => {
            c.principals.push({ name: "auditor@contoso.com", type: "user" });
        });
        const role = ofType(run.resources, roleType).find((r) => r.props.roleName === "auditor@contoso.com")!;
        assert.equal(role.props.objectId, undefined);
        assert.deepEqual(grantsOf(run, "auditor@contoso.com"), {});
    });

    test("no access anywhere: roles but no postgresql provider", async () => {
        const run = await runStack("prod", (c: any) => {
            c.principals[0].access = [];
            c.vm.access = [];
        });
        assert.equal(ofType(run.resources, roleType).length, 2);
        assert.equal(ofType(run.resources, "pulumi:providers:postgresql").length, 0);
        assert.equal(ofType(run.resources, grantType).length, 0);
    });

    describe("sovereign clouds: no token in state, no credential needed", () => {
        const requested: string[] = [];
        // Any request for a token fails the run: the program must not need one in any cloud.
        before(() => setTokenSource(async (scope) => {
            requested.push(scope);
            throw new Error("no credential in this test");
        }));
        after(() => setTokenSource(undefined));

        for (const cloud of ["usgov", "china"] as const) {
            test(`${cloud}: runs offline without a credential; grants are EntraGrants signing in at run time`, async () => {
                const run = await runStack("prod", (c: any) => { c.cloud = cloud; c.location = cloud === "usgov" ? "usgovvirginia" : "chinanorth3"; });
                assert.equal(run.error, undefined, String(run.error));
                assert.deepEqual(requested, [], "no token was asked for while the program ran");
                assert.equal(ofType(run.resources, "pulumi:providers:postgresql").length, 0, "no provider holding a token");
                assert.equal(ofType(run.resources, grantType).length + ofType(run.resources, defaultsType).length, 0);
                const grants = ofType(run.resources, entraGrantsType);
                assert.deepEqual(grants.map((g) => [g.props.roleName, g.props.database, g.props.level]).sort(), [
                    ["Prod DB Readonly", "app", "read"],
                    ["prod-pg-client", "app", "write"],
                ]);
                for (const grant of grants) {
                    assert.equal(grant.props.cloud, cloud);
                    assert.equal(grant.props.adminLogin, "platform-deployer");
                    assert.deepEqual(grant.props.owners, ["platform-deployer"]);
                    assert.ok(grant.dependencies.includes(one(run.resources, "azure-native:dbforpostgresql:Database").urn), "waits for its database");
                    assert.ok(grant.propertyDependencies.roleName?.length === 1, "waits for its role");
                }
                // China servers still chain to DigiCert Global Root CA, which Node's store no longer has.
                const expectedCa = cloud === "china" ? 3 : 0;
                // The dynamic resources that connect to PostgreSQL (the server's guard and restart talk to Resource Manager).
                const serverSide = ["pulumi-nodejs:dynamic/entra-postgres:ServerGuard", "pulumi-nodejs:dynamic/entra-postgres:ServerRestart"];
                for (const resource of run.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/entra-postgres:") && !serverSide.includes(r.type))) {
                    const pems = String(resource.props.caCertificate ?? "").match(/-----BEGIN CERTIFICATE-----/g) ?? [];
                    assert.equal(pems.length, expectedCa, `${resource.name} trusts ${expectedCa ? "the documented roots" : "Node's store"}`);
                }
                for (const resource of run.resources) {
                    const { __provider: _code, ...props } = resource.props;
                    assert.doesNotMatch(JSON.stringify(props), /eyJ/, `${resource.name} holds nothing shaped like a token`);
                    if (resource.type.startsWith("pulumi-nodejs:dynamic/")) {
                        assert.deepEqual(resource.secretKeys, [], `${resource.name} has no secret inputs`);
                        assert.doesNotMatch(JSON.stringify(props), /password|token/i, `${resource.name} holds no token or password`);
                    }
                }
            });
        }
    });
});
