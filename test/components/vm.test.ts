import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { VmConfig } from "../../components/config";
import { IdentityVm } from "../../components/vm";
import { unwrap } from "../../testing/recorder";
import { build, earlier } from "./build";

const componentType = "entra-postgres:compute:IdentityVm";
const config: VmConfig = {
    enabled: true,
    name: "unit-pg-client",
    size: "Standard_B2s",
    adminUsername: "azureuser",
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7yEXAMPLEKEYdoNotUseA9b3cDeF4gHiJkLmNoPqRs unit@example",
    publicIp: false,
    encryptionAtHost: false,
    access: [{ database: "app", level: "read" }],
};

function declare(change: Partial<VmConfig> = {}): () => IdentityVm {
    return () => {
        const subnet = earlier("vm-subnet");
        return new IdentityVm("unit", {
            resourceGroupName: "rg",
            location: "westeurope",
            config: { ...config, ...change },
            subnetId: subnet.id,
            serverFqdn: "pg-unit.postgres.database.azure.com",
            defaultDatabase: "app",
            cloud: "public",
        });
    };
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

    test("SSH keys only, Trusted Launch, the VM name as computer name", async () => {
        const built = await build(declare());
        const vm = built.named("unit-vm");
        const os = vm.props.osProfile as Record<string, any>;
        assert.equal(vm.props.vmName, "unit-pg-client");
        assert.equal(os.computerName, "unit-pg-client");
        assert.equal(os.linuxConfiguration.disablePasswordAuthentication, true);
        assert.deepEqual(os.linuxConfiguration.ssh.publicKeys, [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: config.sshPublicKey }]);
        assert.equal((vm.props.securityProfile as Record<string, any>).securityType, "TrustedLaunch");
        // The login script knows the server and the database it opens.
        const script = Buffer.from(String(os.customData), "base64").toString("utf8");
        assert.ok(script.includes("pg-unit.postgres.database.azure.com"));
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
});
