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
        {
            title: "a public IP without boot diagnostics, which checkov CKV2_AZURE_39 lets through",
            resources: vm((p) => {
                delete p.diagnosticsProfile;
                p.networkProfile = { networkInterfaceConfigurations: [{ name: "n", ipConfigurations: [{ name: "ip", publicIPAddressConfiguration: { name: "pip" } }] }] };
            }),
            expect: "fail", message: /publicIPAddressConfiguration/,
        },
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
        { title: "a VHD with an empty uri (PSRule only reads the uri)", resources: vm((p) => (p.storageProfile.osDisk = { createOption: "Attach", vhd: { uri: "" } })), expect: "fail", message: /osDisk\.vhd is set/ },
        { title: "an OS disk naming neither a VHD nor a storage type: Azure creates a managed disk (checkov CKV2_AZURE_9 wants the type stated)", resources: vm((p) => delete p.storageProfile.osDisk.managedDisk), expect: "pass" },
    ],
    "vm-no-secrets-in-custom-data": [
        { title: "the program's cloud-init (token from IMDS into PGPASSWORD)", resources: vm((p) => (p.osProfile.customData = b64('token="$(curl -sS -H "Metadata: true" http://169.254.169.254/x | jq -r .access_token)"\nexport PGPASSWORD="$token"\n'))), expect: "pass" },
        { title: "cloud-init's own password switches are not secrets", resources: vm((p) => (p.osProfile.customData = b64("#cloud-config\nssh_pwauth: false\nusers:\n  - name: a\n    lock_passwd: true\nchpasswd:\n  expire: false\n"))), expect: "pass" },
        { title: "a literal password assignment", resources: vm((p) => (p.osProfile.customData = b64("#!/bin/sh\nexport DATABASE_PASSWORD=SomeSortOfPassword\n"))), expect: "fail", message: /osProfile\.customData contains a literal password/ },
        { title: "a password in a connection string", resources: vm((p) => (p.osProfile.customData = b64('psql "host=h dbname=d user=u password=hunter22"'))), expect: "fail", message: /contains a literal password/ },
        { title: "a private key", resources: vm((p) => (p.osProfile.customData = b64("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n"))), expect: "fail", message: /a private key/ },
        { title: "a PGP private key block", resources: vm((p) => (p.osProfile.customData = b64("-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----\n"))), expect: "fail", message: /a private key/ },
        { title: "a public key is no secret", resources: vm((p) => (p.osProfile.customData = b64("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"))), expect: "pass" },
        { title: "an object id and a host name are identifiers, not secrets (checkov's patterns flag them)", resources: vm((p) => (p.osProfile.customData = b64("CLIENT_ID=3b1f6a52-1c1e-4f0e-9d53-2f6f0c1d7a01\nHOST=acct.blob.core.windows.net\n"))), expect: "pass" },
        { title: "a storage SAS token", resources: vm((p) => (p.osProfile.customData = b64("AZURE_SAS=?sv=2019-12-12&ss=bfqt&sig=c8MBs5cBrMo1ImXEj5V47KjiWs8yKy4iRIyku%2F%2FnNGw%3D"))), expect: "fail", message: /shared access signature/ },
        { title: "a secret in userData", resources: vm((p) => ((p as any).userData = b64("client_secret: abcdEFGH1234"))), expect: "fail", message: /^userData contains/ },
        { title: "custom data unknown at preview", resources: vm((p) => (p.osProfile.customData = U)), expect: "pass" },
    ],
    "vm-no-extensions": [
        { title: "extension operations off (the program's VM)", resources: vm(), expect: "pass" },
        { title: "not set: Azure allows extensions", resources: vm((p) => delete p.osProfile.allowExtensionOperations), expect: "fail", message: /allowExtensionOperations is not set \(Azure's default true\)/ },
        { title: "explicitly allowed", resources: vm((p) => (p.osProfile.allowExtensionOperations = true)), expect: "fail", message: /allowExtensionOperations is true/ },
        { title: "a VM extension resource", resources: [res(TYPES.virtualMachineExtension, "aad-login", { vmName: U, publisher: "Microsoft.Azure.ActiveDirectory", type: "AADSSHLoginForLinux" })], expect: "fail", message: /VM extension aad-login runs code/ },
        { title: "unknown at preview: no decision", resources: vm((p) => (p.osProfile.allowExtensionOperations = U)), expect: "pass" },
    ],
    "vm-agent-installed": [
        { title: "provisioned explicitly", resources: vm(), expect: "pass" },
        { title: "not stated (checkov and PSRule accept it; the pack asks for it stated)", resources: vm((p) => delete p.osProfile.linuxConfiguration.provisionVMAgent), expect: "fail", message: /provisionVMAgent is not set/ },
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
    "vm-not-standalone": [
        { title: "the program's VM: no zone, StandardSSD_LRS", resources: vm(), expect: "fail", message: /the OS disk is "StandardSSD_LRS", not Premium_LRS: it is a single point of failure/ },
        { title: "in an availability zone", resources: vm((p) => (p.zones = ["1"])), expect: "pass" },
        { title: "an empty zone list is no zone", resources: vm((p) => (p.zones = [])), expect: "fail" },
        { title: "in an availability set, its id unknown at preview", resources: vm((p) => (p.availabilitySet = { id: U })), expect: "pass" },
        { title: "premium OS disk and no data disk", resources: vm((p) => (p.storageProfile.osDisk.managedDisk.storageAccountType = "Premium_LRS")), expect: "pass" },
        {
            title: "premium OS disk, data disks Premium_ZRS and UltraSSD_LRS",
            resources: vm((p) => {
                p.storageProfile.osDisk.managedDisk.storageAccountType = "premium_lrs";
                p.storageProfile.dataDisks = [{ lun: 0, createOption: "Empty", managedDisk: { storageAccountType: "Premium_ZRS" } }, { lun: 1, createOption: "Empty", managedDisk: { storageAccountType: "UltraSSD_LRS" } }];
            }),
            expect: "pass",
        },
        {
            title: "premium OS disk with a standard data disk",
            resources: vm((p) => {
                p.storageProfile.osDisk.managedDisk.storageAccountType = "Premium_LRS";
                p.storageProfile.dataDisks = [{ lun: 0, createOption: "Empty", managedDisk: { storageAccountType: "Premium_LRS" } }, { lun: 1, createOption: "Empty", managedDisk: { storageAccountType: "Standard_LRS" } }];
            }),
            expect: "fail", message: /1 data disk\(s\) are not premium/,
        },
        {
            title: "a data disk with no storage type counts as standard",
            resources: vm((p) => {
                p.storageProfile.osDisk.managedDisk.storageAccountType = "Premium_LRS";
                p.storageProfile.dataDisks = [{ lun: 0, createOption: "Empty", diskSizeGB: 8 }];
            }),
            expect: "fail",
        },
        { title: "a Premium_ZRS OS disk is not PSRule's Premium_LRS", resources: vm((p) => (p.storageProfile.osDisk.managedDisk.storageAccountType = "Premium_ZRS")), expect: "fail", message: /"Premium_ZRS"/ },
        { title: "an OS disk without a storage type", resources: vm((p) => delete p.storageProfile.osDisk.managedDisk), expect: "fail", message: /not set to a storage type/ },
        { title: "zones unknown at preview: no decision", resources: vm((p) => (p.zones = U)), expect: "pass" },
        { title: "OS disk type unknown at preview: no decision", resources: vm((p) => (p.storageProfile.osDisk.managedDisk.storageAccountType = U)), expect: "pass" },
        { title: "a Windows desktop image", resources: vm((p) => (p.storageProfile.imageReference = { publisher: "MicrosoftWindowsDesktop", offer: "windows-11", sku: "win11-24h2-pro", version: "latest" })), expect: "not-applicable" },
    ],
    "vm-size-supported": [
        { title: "the program's size", resources: vm(), expect: "pass" },
        { title: "a Basic size", resources: vm((p) => (p.hardwareProfile.vmSize = "Basic_A1")), expect: "fail", message: /"Basic_A1" is a Basic size/ },
        { title: "a Basic size in lower case", resources: vm((p) => (p.hardwareProfile.vmSize = "basic_a0")), expect: "fail" },
        { title: "Basic_A5 is outside PSRule's Basic_A0-A4", resources: vm((p) => (p.hardwareProfile.vmSize = "Basic_A5")), expect: "pass" },
        { title: "an expired DSv2 promotional size", resources: vm((p) => (p.hardwareProfile.vmSize = "Standard_DS2_v2_Promo")), expect: "fail", message: /expired promotional size/ },
        { title: "an expired Dv2 promotional size with two digits", resources: vm((p) => (p.hardwareProfile.vmSize = "Standard_D11_v2_Promo")), expect: "fail" },
        { title: "a promotional size outside the expired list", resources: vm((p) => (p.hardwareProfile.vmSize = "Standard_A2_Promo")), expect: "pass" },
        { title: "the same size without _Promo", resources: vm((p) => (p.hardwareProfile.vmSize = "Standard_DS2_v2")), expect: "pass" },
        { title: "size unknown at preview: no decision", resources: vm((p) => (p.hardwareProfile.vmSize = U)), expect: "pass" },
    ],
    "vm-nic-inherits-vnet-dns": [
        { title: "the program's NIC", resources: nic(), expect: "pass" },
        { title: "its own DNS servers", resources: nic((p) => (p.dnsSettings = { dnsServers: ["10.20.0.4"] })), expect: "fail", message: /dnsSettings\.dnsServers is \["10\.20\.0\.4"\]/ },
        { title: "even Azure's resolver address", resources: nic((p) => (p.dnsSettings = { dnsServers: ["168.63.129.16"] })), expect: "fail" },
        { title: "an empty list inherits", resources: nic((p) => (p.dnsSettings = { dnsServers: [] })), expect: "pass" },
        { title: "DNS settings without servers (a label only)", resources: nic((p) => (p.dnsSettings = { internalDnsNameLabel: "client" })), expect: "pass" },
        { title: "servers unknown at preview: no decision", resources: nic((p) => (p.dnsSettings = { dnsServers: U })), expect: "pass" },
        {
            title: "a VM-managed NIC configuration with its own DNS servers",
            resources: vm((p) => (p.networkProfile = { networkInterfaceConfigurations: [{ name: "n", dnsSettings: { dnsServers: ["1.1.1.1"] }, ipConfigurations: [{ name: "ip" }] }] })),
            expect: "fail", message: /networkInterfaceConfigurations\[0\]\.dnsSettings\.dnsServers/,
        },
        { title: "a VM with NIC references only", resources: vm(), expect: "pass" },
    ],
};
