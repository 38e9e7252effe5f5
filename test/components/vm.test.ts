import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaults } from "../../components/config";
import { IdentityVm, type IdentityVmArgs } from "../../components/vm";
import { recordProgram, unwrap } from "../../plan/engine/recorder";
import { build, earlier } from "./build";

const componentType = "entra-postgres:compute:IdentityVm";
const sshPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7yEXAMPLEKEYdoNotUseA9b3cDeF4gHiJkLmNoPqRs unit@example";

/** Every argument given, none left to its default. */
const given = {
    vmName: "unit-pg-client",
    size: "Standard_D2s_v5",
    adminUsername: "ops",
    sshPublicKey,
    publicIp: false,
    encryptionAtHost: false,
    serverFqdn: "pg-unit.postgres.database.azure.com",
    defaultDatabase: "app",
    cloud: "public",
} as const;

function declare(change: Partial<IdentityVmArgs> = {}, base: Partial<IdentityVmArgs> = given): () => IdentityVm {
    return () => {
        const subnet = earlier("vm-subnet");
        return new IdentityVm("unit", {
            resourceGroupName: "rg",
            location: "westeurope",
            subnetId: subnet.id,
            ...base,
            ...change,
        } as IdentityVmArgs);
    };
}

/** Only what has no default. */
const required = { vmName: "unit-pg-client", sshPublicKey, serverFqdn: "pg-unit.postgres.database.azure.com" };

function customData(vm: { props: Record<string, unknown> }): string {
    return Buffer.from(String((vm.props.osProfile as Record<string, unknown>).customData), "base64").toString("utf8");
}

/** Runs `declare` expecting the constructor to throw; returns the message and what was registered. */
async function refused(declareIt: () => unknown): Promise<{ message: string; registered: string[] }> {
    const recording = await recordProgram(declareIt, { stack: "unit", config: {} });
    assert.ok(recording.error instanceof Error, "the component refuses its arguments");
    return { message: recording.error.message, registered: recording.resources.map((r) => r.type) };
}

describe("IdentityVm on its own", () => {
    test("children: the NIC and the VM, parented to the component; no public IP unless asked for", async () => {
        const built = await build(declare());
        assert.deepEqual(built.childrenOf(built.component(componentType)), [
            ["azure-native:network:NetworkInterface", "unit-nic"],
            ["azure-native:compute:VirtualMachine", "unit-vm"],
        ]);
    });

    test("the NIC is on the given subnet, without IP forwarding; the VM uses that NIC", async () => {
        const built = await build(declare());
        const nic = built.named("unit-nic");
        const subnet = built.named("vm-subnet");
        assert.deepEqual(nic.propertyDependencies.ipConfigurations, [subnet.urn]);
        const [ipConfiguration] = nic.props.ipConfigurations as Record<string, any>[];
        assert.match(String(ipConfiguration.subnet.id), /\/vm-subnet$/);
        assert.equal(ipConfiguration.publicIPAddress, undefined);
        assert.equal(nic.props.enableIPForwarding, false);
        const vm = built.named("unit-vm");
        assert.deepEqual(vm.propertyDependencies.networkProfile, [nic.urn]);
        assert.deepEqual(built.waitsFor(vm), ["unit-nic"], "the VM waits for its NIC and for nothing of the server");
    });

    test("the VM's identity is system-assigned; its object id and role name come from it", async () => {
        let vm: IdentityVm | undefined;
        const built = await build(() => { vm = declare()(); });
        const resource = built.named("unit-vm");
        assert.deepEqual(resource.props.identity, { type: "SystemAssigned" });
        assert.equal(vm!.roleName, "unit-pg-client");
        assert.match(String(await unwrap(vm!.principalId)), /^[0-9a-f-]{36}$/);
    });

    test("the arguments given reach the VM: name, size, user, key, encryption at host, login script", async () => {
        const built = await build(declare());
        const vm = built.named("unit-vm");
        const os = vm.props.osProfile as Record<string, any>;
        assert.equal(vm.props.vmName, "unit-pg-client");
        assert.equal(os.computerName, "unit-pg-client");
        assert.equal(os.adminUsername, "ops");
        assert.deepEqual(vm.props.hardwareProfile, { vmSize: "Standard_D2s_v5" });
        assert.equal(os.linuxConfiguration.disablePasswordAuthentication, true);
        assert.deepEqual(os.linuxConfiguration.ssh.publicKeys, [{ path: "/home/ops/.ssh/authorized_keys", keyData: sshPublicKey }]);
        const security = vm.props.securityProfile as Record<string, any>;
        assert.equal(security.securityType, "TrustedLaunch");
        assert.equal(security.encryptionAtHost, false);
        // The login script knows the server and the database it opens.
        const script = customData(vm);
        assert.ok(script.includes("host='pg-unit.postgres.database.azure.com'"));
        assert.ok(script.includes("role='unit-pg-client'"));
        assert.match(script, /default_database='app'\n\s*database="\$\{1:-\$default_database\}"\n/);
        // Azure refuses a change of custom data on an existing VM (Azure/azure-sdk-for-java#1912): a new script never
        // becomes an update Azure would refuse; the image version is not drift either.
        assert.deepEqual(vm.ignoreChanges, ["storageProfile.imageReference.version", "osProfile.customData"]);
    });

    test("defaults: the settings table's size, user, encryption at host and public IP; postgres; the public cloud", async () => {
        const built = await build(declare({}, required));
        const vm = built.named("unit-vm");
        const os = vm.props.osProfile as Record<string, any>;
        assert.deepEqual(vm.props.hardwareProfile, { vmSize: defaults.vm.size });
        assert.equal(os.adminUsername, defaults.vm.adminUsername);
        assert.equal(os.linuxConfiguration.ssh.publicKeys[0].path, `/home/${defaults.vm.adminUsername}/.ssh/authorized_keys`);
        assert.equal((vm.props.securityProfile as Record<string, any>).encryptionAtHost, defaults.vm.encryptionAtHost);
        assert.equal(built.ofType("azure-native:network:PublicIPAddress").length, defaults.vm.publicIp ? 1 : 0);
        const script = customData(vm);
        assert.match(script, /default_database='postgres'\n\s*database="\$\{1:-\$default_database\}"\n/);
        assert.ok(script.includes("resource='https://ossrdbms-aad.database.windows.net'"), "the public cloud's audience");
    });

    test("another cloud: the login script asks for that cloud's audience", async () => {
        const built = await build(declare({ cloud: "usgov" }));
        assert.ok(customData(built.named("unit-vm")).includes("resource='https://ossrdbms-aad.database.usgovcloudapi.net'"));
    });

    test("Outputs flow through: the server's FQDN (the VM then waits for the server), a key and a user from elsewhere", async () => {
        const built = await build(() => {
            const server = earlier("server");
            const secrets = earlier("key-source");
            return declare({
                serverFqdn: server.urn.apply(() => "pg-from-server.postgres.database.azure.com"),
                sshPublicKey: secrets.id.apply(() => sshPublicKey),
                adminUsername: secrets.id.apply(() => "deploy"),
                defaultDatabase: server.id.apply(() => "reports"),
            })();
        });
        const vm = built.named("unit-vm");
        const os = vm.props.osProfile as Record<string, any>;
        const script = customData(vm);
        assert.ok(script.includes("host='pg-from-server.postgres.database.azure.com'"));
        assert.match(script, /default_database='reports'\n\s*database="\$\{1:-\$default_database\}"\n/);
        assert.equal(os.adminUsername, "deploy");
        assert.deepEqual(os.linuxConfiguration.ssh.publicKeys, [{ path: "/home/deploy/.ssh/authorized_keys", keyData: sshPublicKey }]);
        assert.ok(vm.propertyDependencies.osProfile.includes(built.named("server").urn), "the user data carries the server");
        assert.ok(vm.propertyDependencies.osProfile.includes(built.named("key-source").urn));
    });

    test("a plain key is trimmed", async () => {
        const built = await build(declare({ sshPublicKey: `  ${sshPublicKey}\n` }));
        const os = built.named("unit-vm").props.osProfile as Record<string, any>;
        assert.equal(os.linuxConfiguration.ssh.publicKeys[0].keyData, sshPublicKey);
    });

    test("publicIp: a Standard static public IP, a child of the component, on the NIC", async () => {
        const built = await build(declare({ publicIp: true }));
        const component = built.component(componentType);
        const ip = built.named("unit-ip");
        assert.equal(ip.parent, component.urn);
        assert.equal(ip.type, "azure-native:network:PublicIPAddress");
        assert.deepEqual(ip.props.sku, { name: "Standard" });
        const nic = built.named("unit-nic");
        assert.ok(nic.propertyDependencies.ipConfigurations.includes(ip.urn));
    });

    for (const [argument, change, expected] of [
        ["vmName", { vmName: "bad_name" }, /IdentityVm unit: vmName "bad_name" must be 1–63 letters, digits and hyphens.*database role name/],
        ["vmName", { vmName: "a".repeat(64) }, /IdentityVm unit: vmName "a{64}" must be 1–63/],
        ["adminUsername", { adminUsername: "root" }, /IdentityVm unit: adminUsername "root" is not allowed: use a lowercase Linux user name that Azure does not reserve/],
        ["adminUsername", { adminUsername: "Ops" }, /IdentityVm unit: adminUsername "Ops" is not allowed/],
        ["sshPublicKey", { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----" }, /IdentityVm unit: sshPublicKey is not an OpenSSH public key .*not the private key/],
        ["sshPublicKey", { sshPublicKey: undefined }, /IdentityVm unit: sshPublicKey is missing\. Password login is disabled/],
        ["cloud", { cloud: "mars" }, /IdentityVm unit: cloud must be one of public, usgov, china, got "mars"\. Leave it out/],
    ] as const) {
        test(`refuses a bad ${argument} (${JSON.stringify(change)}) before declaring any child`, async () => {
            const { message, registered } = await refused(declare(change as Partial<IdentityVmArgs>));
            assert.match(message, expected);
            assert.deepEqual(registered.filter((t) => t !== "unit:index:Write"), [componentType], "nothing but the component itself");
        });
    }
});
