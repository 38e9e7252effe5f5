import { TYPES } from "../../../policies/lib/types";
import { NAMES, PROD, U, buildStack, propsOf } from "../fixtures";
import { res, type CaseTable } from "../helpers";

const prod = buildStack(PROD);
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
};
