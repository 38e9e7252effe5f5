/**
 * Policies on the client VM and its network interface: the workload that logs in with its managed identity.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { cite, onTypes, withStack, type PackPolicy } from "./lib/policy";
import { arrayOf, hasKey, setting } from "./lib/props";
import { AZURE_POLICY } from "./lib/sources";
import { armName, ciEquals, fold, show } from "./lib/text";
import { findSecrets, userDataText } from "./lib/secrets";
import { TYPES, type NetworkInterfaceInputs, type VirtualMachineInputs } from "./lib/types";

export const vmManagedIdentity: ResourceValidationPolicy = {
    name: "vm-managed-identity",
    ...cite("Virtual machines have a managed identity (identity.type SystemAssigned and/or UserAssigned), so workloads get Entra tokens instead of stored database passwords.", {
        azurePolicy: [AZURE_POLICY.vmManagedIdentity],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set identity: { type: \"SystemAssigned\" } (or UserAssigned with identities) on the VM.",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, _args, report) => {
        const type = setting<string>(vm, "identity", "type");
        if (!type.known) {
            return;
        }
        const kinds = type.declared ? (fold(type.value) ?? "").split(/[\s,]+/) : [];
        if (!kinds.includes("systemassigned") && !kinds.includes("userassigned")) {
            report(`identity.type is ${show(type.declared ? type.value : undefined)}: give the VM a managed identity ("SystemAssigned").`);
        }
    }),
};

export const vmNoPasswordSsh: ResourceValidationPolicy = {
    name: "vm-no-password-ssh",
    ...cite("Linux virtual machines accept SSH keys only: osProfile.linuxConfiguration.disablePasswordAuthentication is true.", {
        checkov: ["CKV_AZURE_149"],
        trivy: ["AVD-AZU-0039"],
        psrule: ["Azure.VM.PublicKey"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set osProfile.linuxConfiguration.disablePasswordAuthentication to true, give ssh.publicKeys, and drop osProfile.adminPassword.",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, args, report) => {
        const profile = setting<Record<string, unknown>>(vm, "osProfile");
        if (!profile.known) {
            return;
        }
        if (!profile.declared) {
            return args.notApplicable("The VM has no osProfile (attached OS disk): its OS accounts are not set here.");
        }
        if (hasKey(profile.value, "windowsConfiguration") && !hasKey(profile.value, "linuxConfiguration")) {
            return args.notApplicable("Windows VM: SSH password authentication does not apply.");
        }
        const disabled = setting<boolean>(vm, "osProfile", "linuxConfiguration", "disablePasswordAuthentication");
        if (!disabled.known) {
            return;
        }
        if (!disabled.declared || disabled.value !== true) {
            report(`osProfile.linuxConfiguration.disablePasswordAuthentication is ${show(disabled.declared ? disabled.value : undefined)}: set it to true so SSH accepts keys only.`);
        }
    }),
};

export const vmEncryptionAtHost: ResourceValidationPolicy = {
    name: "vm-encryption-at-host",
    ...cite("Virtual machines encrypt temp disks, caches and data flows to storage at the host: securityProfile.encryptionAtHost is true.", {
        azurePolicy: [AZURE_POLICY.encryptionAtHost],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set securityProfile.encryptionAtHost to true (the subscription needs the EncryptionAtHost feature registered).",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, _args, report) => {
        const enabled = setting<boolean>(vm, "securityProfile", "encryptionAtHost");
        if (enabled.known && (!enabled.declared || enabled.value !== true)) {
            report(`securityProfile.encryptionAtHost is ${show(enabled.declared ? enabled.value : undefined)}: set it to true.`);
        }
    }),
};

export const nicNoPublicIp: ResourceValidationPolicy = {
    name: "vm-nic-no-public-ip",
    ...cite("Network interfaces have no public IP address: no ipConfigurations[].publicIPAddress, and no publicIPAddressConfiguration on VM-managed NICs, whatever the VM's boot diagnostics and serial console. Decided on presence, since the address id is unknown at preview.", {
        azurePolicy: [AZURE_POLICY.nicNoPublicIp],
        checkov: ["CKV_AZURE_119", "CKV2_AZURE_39"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove publicIPAddress from the NIC; reach the VM through Bastion or a VPN, and give it outbound access through a NAT gateway.",
    validateResource: onTypes<NetworkInterfaceInputs & VirtualMachineInputs>([TYPES.networkInterface, TYPES.virtualMachine], (props, args, report) => {
        if (args.type === TYPES.networkInterface) {
            arrayOf<Record<string, unknown>>(props.ipConfigurations).forEach((config, i) => {
                if (hasKey(config, "publicIPAddress")) {
                    report(`ipConfigurations[${i}] (${show(config?.name)}) has a public IP address: remove publicIPAddress.`);
                }
            });
            return;
        }
        arrayOf<{ ipConfigurations?: unknown }>(props.networkProfile?.networkInterfaceConfigurations).forEach((nic, i) => {
            arrayOf<Record<string, unknown>>(nic?.ipConfigurations).forEach((config, j) => {
                if (hasKey(config, "publicIPAddressConfiguration")) {
                    report(`networkProfile.networkInterfaceConfigurations[${i}].ipConfigurations[${j}] has a publicIPAddressConfiguration: remove it.`);
                }
            });
        });
    }),
};

export const nicIpForwardingDisabled: ResourceValidationPolicy = {
    name: "vm-nic-ip-forwarding-disabled",
    ...cite("Network interfaces do not forward traffic for other destinations: enableIPForwarding is not true.", {
        azurePolicy: [AZURE_POLICY.nicIpForwarding],
        checkov: ["CKV_AZURE_118"],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set enableIPForwarding to false (or leave it out) unless the VM is a network appliance.",
    validateResource: onTypes<NetworkInterfaceInputs>([TYPES.networkInterface], (nic, _args, report) => {
        if (nic.enableIPForwarding === true) {
            report("enableIPForwarding is true: set it to false.");
        }
    }),
};

export const vmManagedDisks: ResourceValidationPolicy = {
    name: "vm-managed-disks",
    ...cite("Virtual machines use managed disks: neither storageProfile.osDisk nor any storageProfile.dataDisks[] names a VHD blob (vhd); a disk that names none is a managed disk.", {
        azurePolicy: [AZURE_POLICY.vmManagedDisks],
        checkov: ["CKV_AZURE_92", "CKV2_AZURE_9"],
        psrule: ["Azure.VM.UseManagedDisks"],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Drop vhd from the VM's disks and let Azure create managed disks (osDisk.managedDisk.storageAccountType).",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, _args, report) => {
        const profile = vm.storageProfile as { osDisk?: unknown; dataDisks?: unknown } | undefined;
        if (hasKey(profile?.osDisk, "vhd")) {
            report("storageProfile.osDisk.vhd is set: the OS disk is an unmanaged VHD blob. Use a managed disk (osDisk.managedDisk).");
        }
        arrayOf<Record<string, unknown>>(profile?.dataDisks).forEach((disk, i) => {
            if (hasKey(disk, "vhd")) {
                report(`storageProfile.dataDisks[${i}].vhd is set: the data disk is an unmanaged VHD blob. Use a managed disk.`);
            }
        });
    }),
};

export const vmNoSecretsInCustomData: ResourceValidationPolicy = {
    name: "vm-no-secrets-in-custom-data",
    ...cite("Virtual machine custom data and user data (decoded from base64) carry no credentials: no private keys, storage account keys, SAS signatures, cloud access keys or literal password/secret/token assignments. Tokens are fetched at run time from the instance metadata service instead.", {
        checkov: ["CKV_AZURE_45"],
        trivy: ["AVD-AZU-0037"],
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove the credential from osProfile.customData / userData; have the VM fetch a token with its managed identity (IMDS) or read the secret from Key Vault at boot.",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, _args, report) => {
        const sources: [string, unknown][] = [["osProfile.customData", vm.osProfile?.customData], ["userData", (vm as { userData?: unknown }).userData]];
        for (const [where, value] of sources) {
            const text = userDataText(value);
            if (text === undefined) {
                continue;
            }
            for (const finding of findSecrets(text)) {
                report(`${where} contains ${finding}: cloud-init text is readable by anyone who can read the VM model. Remove it.`);
            }
        }
    }),
};

export const vmNoExtensions: ResourceValidationPolicy = {
    name: "vm-no-extensions",
    ...cite("Virtual machines allow no extension operations (osProfile.allowExtensionOperations false), and the stack installs no VirtualMachineExtension: an extension runs code as root on the VM.", {
        checkov: ["CKV_AZURE_50"],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set osProfile.allowExtensionOperations to false and install software through cloud-init or the image instead of VM extensions.",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine, TYPES.virtualMachineExtension], (vm, args, report) => {
        if (args.type === TYPES.virtualMachineExtension) {
            report(`VM extension ${args.name} runs code on the VM: install the software through cloud-init or the image instead.`);
            return;
        }
        const allowed = setting<boolean>(vm, "osProfile", "allowExtensionOperations");
        if (allowed.known && (!allowed.declared || allowed.value !== false)) {
            report(`osProfile.allowExtensionOperations is ${allowed.declared ? show(allowed.value) : "not set (Azure's default true)"}: set it to false.`);
        }
    }),
};

export const vmAgentInstalled: ResourceValidationPolicy = {
    name: "vm-agent-installed",
    ...cite("Linux virtual machines have the VM agent provisioned, stated explicitly: osProfile.linuxConfiguration.provisionVMAgent is true (platform patching and identity features need it). Stricter than its sources, which accept the setting left out (Azure then provisions the agent).", {
        checkov: ["CKV_AZURE_179"],
        psrule: ["Azure.VM.Agent"],
    }),
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Set osProfile.linuxConfiguration.provisionVMAgent to true.",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, args, report) => {
        const profile = setting<Record<string, unknown>>(vm, "osProfile");
        if (!profile.known) {
            return;
        }
        if (!profile.declared) {
            return args.notApplicable("The VM has no osProfile (attached OS disk): the agent is part of its image.");
        }
        if (hasKey(profile.value, "windowsConfiguration") && !hasKey(profile.value, "linuxConfiguration")) {
            const win = setting<boolean>(vm, "osProfile", "windowsConfiguration", "provisionVMAgent");
            if (win.known && (!win.declared || win.value !== true)) {
                report(`osProfile.windowsConfiguration.provisionVMAgent is ${show(win.declared ? win.value : undefined)}: set it to true.`);
            }
            return;
        }
        // Stated, not left to Azure's default: checkov CKV_AZURE_179 (missing_block_result PASSED) and PSRule
        // Azure.VM.Agent (HasDefaultValue) accept a missing value; the pack asks for it explicitly.
        const agent = setting<boolean>(vm, "osProfile", "linuxConfiguration", "provisionVMAgent");
        if (agent.known && (!agent.declared || agent.value !== true)) {
            report(`osProfile.linuxConfiguration.provisionVMAgent is ${show(agent.declared ? agent.value : undefined)}: set it to true.`);
        }
    }),
};

export const vmBackedUp: StackValidationPolicy = {
    name: "vm-backup",
    ...cite("Every virtual machine is protected by Azure Backup: the stack has a recoveryservices.ProtectedItem whose source is the VM. Advisory by default: the identity VM holds no data of its own.", {
        checkov: ["CKV2_AZURE_12"],
    }),
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Add a Recovery Services vault and a ProtectedItem (protectedItemType Microsoft.Compute/virtualMachines) with sourceResourceId = the VM's id.",
    validateStack: withStack(TYPES.virtualMachine, (index, _args, report) => {
        const items = index.ofType(TYPES.protectedItem);
        for (const vm of index.ofType(TYPES.virtualMachine)) {
            const name = fold(index.props<VirtualMachineInputs>(vm).vmName);
            const protectedBy = items.some((item) => index.dependsOn(item, vm) ||
                (name !== undefined && armName(index.props<{ properties?: { sourceResourceId?: unknown } }>(item).properties?.sourceResourceId, "virtualMachines") === name));
            if (!protectedBy) {
                report(`VM ${name ?? vm.name} is not backed up: add an Azure Backup ProtectedItem for it.`, vm.urn);
            }
        }
    }),
};

/** Storage types PSRule Azure.VM.Standalone accepts on data disks; the OS disk must be Premium_LRS. */
const PREMIUM_DATA_DISKS = ["Premium_LRS", "Premium_ZRS", "UltraSSD_LRS"];

export const vmNotStandalone: ResourceValidationPolicy = {
    name: "vm-not-standalone",
    ...cite("Virtual machines with a server OS (any image publisher but MicrosoftWindowsDesktop) are not a lone single point of failure: they run in an availability zone (zones) or an availability set, or on premium disks only (OS disk Premium_LRS; data disks Premium_LRS, Premium_ZRS or UltraSSD_LRS). Advisory by default: the identity VM holds no data of its own.", {
        psrule: ["Azure.VM.Standalone"],
    }),
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Set zones (e.g. [\"1\"]) or availabilitySet on the VM, or use Premium_LRS for its OS disk and premium types for every data disk.",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, args, report) => {
        const publisher = setting<string>(vm, "storageProfile", "imageReference", "publisher");
        if (publisher.known && publisher.declared && ciEquals(publisher.value, "MicrosoftWindowsDesktop")) {
            return args.notApplicable("A Windows desktop image: the rule applies to server operating systems.");
        }
        const zones = setting<unknown[]>(vm, "zones");
        const availabilitySet = setting<unknown>(vm, "availabilitySet");
        const osDiskType = setting<string>(vm, "storageProfile", "osDisk", "managedDisk", "storageAccountType");
        if (!zones.known || !availabilitySet.known) {
            return;
        }
        if ((zones.declared && arrayOf(zones.value).length > 0) || (availabilitySet.declared && hasKey(availabilitySet.value, "id"))) {
            return;
        }
        const dataDisks = arrayOf<{ managedDisk?: { storageAccountType?: unknown } }>(vm.storageProfile?.dataDisks);
        if (!osDiskType.known || dataDisks.some((d) => hasKey(d?.managedDisk, "storageAccountType") && d?.managedDisk?.storageAccountType === undefined)) {
            return;
        }
        const premiumOs = osDiskType.declared && ciEquals(osDiskType.value, "Premium_LRS");
        const standardData = dataDisks.filter((d) => !ciEquals(d?.managedDisk?.storageAccountType, ...PREMIUM_DATA_DISKS));
        if (!premiumOs || standardData.length > 0) {
            const disks = premiumOs ? `${standardData.length} data disk(s) are not premium` : `the OS disk is ${osDiskType.declared ? show(osDiskType.value) : "not set to a storage type"}, not Premium_LRS`;
            report(`The VM has no availability zone or availability set and ${disks}: it is a single point of failure with the lowest single-instance SLA. Set zones or availabilitySet, or use premium disks only.`);
        }
    }),
};

/** PSRule's patterns (case-insensitive, unanchored): Basic sizes, and the expired Dv2/DSv2 promotional sizes. */
const BASIC_SIZE = /Basic_A[0-4]/i;
const EXPIRED_PROMO_SIZE = /Standard_DS{0,1}1{0,1}[1-9]{1}_v2_Promo/i;

export const vmSizeSupported: ResourceValidationPolicy = {
    name: "vm-size-supported",
    ...cite("Virtual machines use a current size: not a Basic size (Basic_A0 to Basic_A4) nor an expired promotional size (Standard_D1-15_v2_Promo, Standard_DS1-15_v2_Promo).", {
        psrule: ["Azure.VM.BasicSku", "Azure.VM.PromoSku"],
    }),
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Choose a current size for hardwareProfile.vmSize (config vm.size), e.g. Standard_B2s or Standard_D2s_v5.",
    validateResource: onTypes<VirtualMachineInputs>([TYPES.virtualMachine], (vm, _args, report) => {
        const size = setting<string>(vm, "hardwareProfile", "vmSize");
        if (!size.known || !size.declared || typeof size.value !== "string") {
            return;
        }
        if (BASIC_SIZE.test(size.value)) {
            report(`hardwareProfile.vmSize ${show(size.value)} is a Basic size: choose a Standard size.`);
        } else if (/_Promo\s*$/i.test(size.value) && EXPIRED_PROMO_SIZE.test(size.value)) {
            report(`hardwareProfile.vmSize ${show(size.value)} is an expired promotional size: choose the size without _Promo or a current one.`);
        }
    }),
};

export const nicInheritsVnetDns: ResourceValidationPolicy = {
    name: "vm-nic-inherits-vnet-dns",
    ...cite("Network interfaces take their DNS servers from the virtual network: no dnsSettings.dnsServers on a NIC or on a VM-managed NIC configuration. A NIC's own servers override the VNet's, so the VM may not resolve the server's private DNS zone.", {
        psrule: ["Azure.NIC.UniqueDns"],
    }),
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Remove dnsSettings.dnsServers from the NIC and set custom DNS servers, if any, on the virtual network (dhcpOptions.dnsServers).",
    validateResource: onTypes<NetworkInterfaceInputs & VirtualMachineInputs>([TYPES.networkInterface, TYPES.virtualMachine], (props, args, report) => {
        const nics: [string, unknown][] = args.type === TYPES.networkInterface
            ? [["dnsSettings.dnsServers", props]]
            : arrayOf<unknown>(props.networkProfile?.networkInterfaceConfigurations)
                .map((nic, i) => [`networkProfile.networkInterfaceConfigurations[${i}].dnsSettings.dnsServers`, nic]);
        for (const [where, nic] of nics) {
            const servers = setting<unknown[]>(nic, "dnsSettings", "dnsServers");
            if (servers.known && servers.declared && (!Array.isArray(servers.value) || servers.value.length > 0)) {
                report(`${where} is ${show(servers.value)}: the NIC ignores the virtual network's DNS servers. Remove it and set DNS servers on the virtual network.`);
            }
        }
    }),
};

/** VM and NIC policies, in pack order. */
export const computePolicies: readonly PackPolicy[] = [
    vmManagedIdentity,
    vmNoPasswordSsh,
    vmEncryptionAtHost,
    vmManagedDisks,
    vmNoSecretsInCustomData,
    vmNoExtensions,
    vmAgentInstalled,
    vmBackedUp,
    vmNotStandalone,
    vmSizeSupported,
    nicNoPublicIp,
    nicIpForwardingDisabled,
    nicInheritsVnetDns,
];
