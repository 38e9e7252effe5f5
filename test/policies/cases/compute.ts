import { TYPES } from "../../../policies/lib/types";
import { NAMES, PROD, U, VM_URN, buildStack, propsOf, without } from "../fixtures";
import { res, type CaseTable } from "../helpers";

const prod = buildStack(PROD);
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const vmProps = propsOf(prod, NAMES.vm);
const nicProps = propsOf(prod, NAMES.nic);
const vm = (change: (p: Record<string, any>) => void = () => undefined) => {
    const p = structuredClone(vmProps) as Record<string, any>;
    change(p);
    return [res(TYPES.virtualMachine, NAMES.vm, p)];
};
const nic = (change: (p: Record<string, any>) => void = () => undefined) => {
    const p = structuredClone(nicProps) as Record<string, any>;
    change(p);
    return [res(TYPES.networkInterface, NAMES.nic, p)];
};

export const computeCases: CaseTable = {
    "vm-managed-identity": [
        { title: "system-assigned", resources: vm(), expect: "pass" },
        { title: "system and user assigned", resources: vm((p) => (p.identity = { type: "SystemAssigned, UserAssigned", userAssignedIdentities: { id: {} } })), expect: "pass" },
        { title: "no identity", resources: vm((p) => delete p.identity), expect: "fail", message: /identity\.type is not set/ },
        { title: "identity None", resources: vm((p) => (p.identity = { type: "None" })), expect: "fail", message: /"None"/ },
    ],
    "vm-no-password-ssh": [
        { title: "keys only", resources: vm(), expect: "pass" },
        { title: "password authentication on", resources: vm((p) => (p.osProfile.linuxConfiguration.disablePasswordAuthentication = false)), expect: "fail", message: /disablePasswordAuthentication is false/ },
        { title: "not set: Azure allows passwords", resources: vm((p) => { p.osProfile.linuxConfiguration = {}; p.osProfile.adminPassword = "x"; }), expect: "fail", message: /not set/ },
        { title: "unknown at preview: no decision", resources: vm((p) => (p.osProfile.linuxConfiguration.disablePasswordAuthentication = U)), expect: "pass" },
        { title: "Windows VM", resources: vm((p) => (p.osProfile = { computerName: "w", adminUsername: "a", windowsConfiguration: {} })), expect: "not-applicable" },
    ],
    "vm-encryption-at-host": [
        { title: "on", resources: vm(), expect: "pass" },
        { title: "off", resources: vm((p) => (p.securityProfile.encryptionAtHost = false)), expect: "fail", message: /encryptionAtHost is false/ },
        { title: "no security profile", resources: vm((p) => delete p.securityProfile), expect: "fail", message: /not set/ },
    ],
    "vm-nic-no-public-ip": [
        { title: "private NIC", resources: nic(), expect: "pass" },
        { title: "public IP attached, id unknown at preview", resources: nic((p) => (p.ipConfigurations[0].publicIPAddress = { id: U })), expect: "fail", message: /ipConfigurations\[0\] \("primary"\) has a public IP/ },
        {
            title: "VM-managed NIC with a public IP configuration",
            resources: vm((p) => (p.networkProfile = { networkInterfaceConfigurations: [{ name: "n", ipConfigurations: [{ name: "ip", publicIPAddressConfiguration: { name: "pip" } }] }] })),
            expect: "fail", message: /publicIPAddressConfiguration/,
        },
        { title: "a VM with NIC references only", resources: vm(), expect: "pass" },
    ],
    "vm-nic-ip-forwarding-disabled": [
        { title: "off", resources: nic(), expect: "pass" },
        { title: "not set", resources: nic((p) => delete p.enableIPForwarding), expect: "pass" },
        { title: "on", resources: nic((p) => (p.enableIPForwarding = true)), expect: "fail", message: /enableIPForwarding is true/ },
        { title: "VMs are not applicable", resources: vm(), expect: "not-applicable" },
    ],
    "vm-managed-disks": [
        { title: "managed OS disk", resources: vm(), expect: "pass" },
        { title: "no storage profile", resources: vm((p) => delete p.storageProfile), expect: "pass" },
        { title: "OS disk on a VHD blob", resources: vm((p) => (p.storageProfile.osDisk = { createOption: "FromImage", vhd: { uri: "https://sa.blob.core.windows.net/vhds/os.vhd" } })), expect: "fail", message: /osDisk\.vhd is set/ },
        { title: "a data disk on a VHD blob", resources: vm((p) => (p.storageProfile.dataDisks = [{ lun: 0, createOption: "Empty", diskSizeGB: 8 }, { lun: 1, createOption: "Empty", vhd: { uri: U } }])), expect: "fail", count: 1, message: /dataDisks\[1\]\.vhd/ },
    ],
    "vm-no-secrets-in-custom-data": [
        { title: "the program's cloud-init (token from IMDS into PGPASSWORD)", resources: vm((p) => (p.osProfile.customData = b64('token="$(curl -sS -H "Metadata: true" http://169.254.169.254/x | jq -r .access_token)"\nexport PGPASSWORD="$token"\n'))), expect: "pass" },
        { title: "cloud-init's own password switches are not secrets", resources: vm((p) => (p.osProfile.customData = b64("#cloud-config\nssh_pwauth: false\nusers:\n  - name: a\n    lock_passwd: true\nchpasswd:\n  expire: false\n"))), expect: "pass" },
        { title: "a literal password assignment", resources: vm((p) => (p.osProfile.customData = b64("#!/bin/sh\nexport DATABASE_PASSWORD=SomeSortOfPassword\n"))), expect: "fail", message: /osProfile\.customData contains a literal password/ },
        { title: "a password in a connection string", resources: vm((p) => (p.osProfile.customData = b64('psql "host=h dbname=d user=u password=hunter22"'))), expect: "fail", message: /contains a literal password/ },
        { title: "a private key", resources: vm((p) => (p.osProfile.customData = b64("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n"))), expect: "fail", message: /a private key/ },
        { title: "a storage SAS token", resources: vm((p) => (p.osProfile.customData = b64("AZURE_SAS=?sv=2019-12-12&ss=bfqt&sig=c8MBs5cBrMo1ImXEj5V47KjiWs8yKy4iRIyku%2F%2FnNGw%3D"))), expect: "fail", message: /shared access signature/ },
        { title: "a secret in userData", resources: vm((p) => ((p as any).userData = b64("client_secret: abcdEFGH1234"))), expect: "fail", message: /^userData contains/ },
        { title: "custom data unknown at preview", resources: vm((p) => (p.osProfile.customData = U)), expect: "pass" },
    ],
    "vm-no-extensions": [
        { title: "extension operations off", resources: vm((p) => (p.osProfile.allowExtensionOperations = false)), expect: "pass" },
        { title: "not set: Azure allows extensions", resources: vm(), expect: "fail", message: /allowExtensionOperations is not set \(Azure's default true\)/ },
        { title: "explicitly allowed", resources: vm((p) => (p.osProfile.allowExtensionOperations = true)), expect: "fail", message: /allowExtensionOperations is true/ },
        { title: "a VM extension resource", resources: [res(TYPES.virtualMachineExtension, "aad-login", { vmName: U, publisher: "Microsoft.Azure.ActiveDirectory", type: "AADSSHLoginForLinux" })], expect: "fail", message: /VM extension aad-login runs code/ },
        { title: "unknown at preview: no decision", resources: vm((p) => (p.osProfile.allowExtensionOperations = U)), expect: "pass" },
    ],
    "vm-agent-installed": [
        { title: "provisioned explicitly", resources: vm(), expect: "pass" },
        { title: "not stated (checkov fails a missing value)", resources: vm((p) => delete p.osProfile.linuxConfiguration.provisionVMAgent), expect: "fail", message: /provisionVMAgent is not set/ },
        { title: "turned off", resources: vm((p) => (p.osProfile.linuxConfiguration.provisionVMAgent = false)), expect: "fail", message: /provisionVMAgent is false/ },
        { title: "Windows VM without the agent", resources: vm((p) => (p.osProfile = { computerName: "w", adminUsername: "a", windowsConfiguration: { provisionVMAgent: false } })), expect: "fail", message: /windowsConfiguration\.provisionVMAgent is false/ },
        { title: "attached OS disk", resources: vm((p) => delete p.osProfile), expect: "not-applicable" },
    ],
    "vm-backup": [
        { title: "no backup of the VM", resources: prod, expect: "fail", urn: VM_URN, message: /VM client-vm is not backed up/ },
        {
            title: "a protected item depending on the VM",
            resources: [...prod, res(TYPES.protectedItem, "vm-backup", { vaultName: "rsv", properties: { protectedItemType: "Microsoft.Compute/virtualMachines", sourceResourceId: U } }, { deps: { properties: [VM_URN] } })],
            expect: "pass",
        },
        {
            title: "a protected item naming the VM in a known id",
            resources: [...prod, res(TYPES.protectedItem, "vm-backup", { properties: { protectedItemType: "Microsoft.Compute/virtualMachines", sourceResourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/CLIENT-VM" } })],
            expect: "pass",
        },
        { title: "a stack without VMs", resources: without(prod, (r) => r.type === TYPES.virtualMachine), expect: "not-applicable" },
    ],
};
