import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig, type StackConfig } from "../../components/config";
import { EntraPostgres } from "../../components/entraPostgres";
import { build, type Built } from "./build";

const componentType = "entra-postgres:index:EntraPostgres";
const adminType = "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra";
const roleType = "pulumi-nodejs:dynamic/entra-postgres:EntraRole";

/** A small valid stack: two admins, one database, the VM with read access, public access from one address. */
function stackConfig(change: Record<string, unknown> = {}): StackConfig {
    return parseConfig({
        location: "westeurope",
        auth: "entra-only",
        admins: [
            { name: "platform-deployer", objectId: "0a1b2c3d-1111-4111-8111-111111111111", type: "ServicePrincipal" },
            { name: "db-admins", objectId: "6d2e8c41-52a7-4b9e-8f31-0a7c5e9d2b02", type: "Group" },
        ],
        deployer: "platform-deployer",
        network: { access: "public", allowedIps: ["203.0.113.10"] },
        server: { name: "pg-unit" },
        vm: {
            sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7yEXAMPLEKEYdoNotUseA9b3cDeF4gHiJkLmNoPqRs unit@example",
            access: [{ database: "app", level: "read" }],
        },
        principals: [{ name: "app-readers", objectId: "9a4c2e71-83b5-4d6f-a1c2-3e4f5a6b7c03", type: "group", access: [{ database: "app", level: "read" }] }],
        databases: ["app"],
        ...change,
    }, { project: "entra-postgres", stack: "unit" });
}

async function buildStack(config: StackConfig): Promise<{ built: Built; stack: EntraPostgres }> {
    let stack: EntraPostgres | undefined;
    const built = await build(() => { stack = new EntraPostgres("unit", config); });
    return { built, stack: stack! };
}

function role(built: Built, name: string) {
    const found = built.ofType(roleType).find((r) => r.props.roleName === name);
    assert.ok(found, name);
    return found;
}

describe("EntraPostgres on its own", () => {
    test("children: resource group and one component per concern, parented to the stack component", async () => {
        const { built } = await buildStack(stackConfig());
        const children = built.childrenOf(built.component(componentType)).map(([type, name]) => `${type} ${name}`).sort();
        assert.deepEqual(children, [
            "azure-native:resources:ResourceGroup unit-rg",
            "entra-postgres:access:EntraAccess unit-access",
            "entra-postgres:administrators:EntraAdministrators unit-admin",
            "entra-postgres:compute:IdentityVm unit-client",
            "entra-postgres:databases:Databases unit-db",
            "entra-postgres:diagnostics:ServerDiagnostics unit-diag",
            "entra-postgres:network:EntraNetwork unit-net",
            "entra-postgres:server:FlexibleServer unit-pg",
        ]);
    });

    test("one chain of server writes across the components: last server write, admins, databases, roles", async () => {
        const { built, stack } = await buildStack(stackConfig());
        const admins = built.ofType(adminType);
        assert.equal(admins.length, 2);
        // The VM reaches a public server from its NAT gateway: that rule is the server's last write.
        const lastWrite = built.named("unit-pg-fw-allow-vm-egress");
        assert.equal(stack.server.lastWrite, stack.server.firewallRules[stack.server.firewallRules.length - 1]);
        assert.ok(admins[0].dependencies.includes(lastWrite.urn), "the first admin waits for the last server write");
        assert.ok(admins[1].dependencies.includes(admins[0].urn), "admins one after another");
        assert.ok(built.named("unit-db-app-owned").dependencies.includes(admins[1].urn), "databases after the last admin");
        for (const r of built.ofType(roleType)) {
            assert.ok(r.dependencies.includes(admins[1].urn), `${r.name} after the last admin`);
        }
        assert.ok(role(built, "unit-pg-client").dependencies.includes(built.named("unit-client-vm").urn), "the VM's role after the VM");
    });

    test("the VM sits beside the server: it waits for nothing of the server's chain", async () => {
        const { built } = await buildStack(stackConfig());
        const vm = built.named("unit-client-vm");
        const server = built.named("unit-pg-server");
        assert.ok(!vm.dependencies.includes(server.urn));
        const nic = built.named("unit-client-nic");
        const [subnetUrn] = nic.propertyDependencies.ipConfigurations;
        assert.equal(built.resources.find((r) => r.urn === subnetUrn)?.type, "azure-native:network:Subnet");
    });

    test("diagnostics target the server; the deployer owns the databases; the VM's identity has a role", async () => {
        const { built, stack } = await buildStack(stackConfig());
        assert.deepEqual(built.named("unit-diag-setting").propertyDependencies.resourceUri, [built.named("unit-pg-server").urn]);
        assert.equal(built.named("unit-db-app-owned").props.adminLogin, "platform-deployer");
        assert.deepEqual(built.ofType(roleType).map((r) => [r.props.roleName, r.props.principalType]).sort(), [
            ["app-readers", "group"],
            ["unit-pg-client", "service"],
        ]);
        assert.equal(stack.defaultDatabase, "app");
        assert.equal(stack.vmRoleName, "unit-pg-client");
        assert.deepEqual(stack.entraAdmins, ["platform-deployer (ServicePrincipal)", "db-admins (Group)"]);
    });

    test("switched off: no VM (and no VM role or egress rule), no diagnostics", async () => {
        const { built, stack } = await buildStack(stackConfig({ vm: { enabled: false }, diagnostics: { enabled: false } }));
        const children = built.childrenOf(built.component(componentType)).map(([, name]) => name);
        assert.ok(!children.includes("unit-client"));
        assert.ok(!children.includes("unit-diag"));
        assert.equal(stack.vm, undefined);
        assert.deepEqual(built.ofType(roleType).map((r) => r.props.roleName), ["app-readers"]);
        assert.equal(built.resources.some((r) => r.name === "unit-pg-fw-allow-vm-egress"), false);
        // Without any write after it, the last firewall rule ends the server's chain and the first admin waits for it.
        assert.ok(built.ofType(adminType)[0].dependencies.includes(built.named("unit-pg-fw-allow-203-0-113-10").urn));
    });
});
