/**
 * Policies on the client VM and its network interface: the workload that logs in with its managed identity.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { cite, onTypes, withStack, type PackPolicy } from "./lib/policy";
import { arrayOf, hasKey, setting } from "./lib/props";
import { AZURE_POLICY } from "./lib/sources";
import { armName, fold, show } from "./lib/text";
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
    ...cite("Network interfaces have no public IP address: no ipConfigurations[].publicIPAddress, and no publicIPAddressConfiguration on VM-managed NICs. Decided on presence, since the address id is unknown at preview.", {
        azurePolicy: [AZURE_POLICY.nicNoPublicIp],
        checkov: ["CKV_AZURE_119"],
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
    ...cite("Virtual machines use managed disks: neither storageProfile.osDisk nor any storageProfile.dataDisks[] names a VHD blob (vhd).", {
        checkov: ["CKV_AZURE_92"],
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
    ...cite("Linux virtual machines have the VM agent provisioned, stated explicitly: osProfile.linuxConfiguration.provisionVMAgent is true (platform patching and identity features need it).", {
        checkov: ["CKV_AZURE_179"],
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
        // checkov CKV_AZURE_179 fails a missing provision_vm_agent (missing_block_result FAILED): state it.
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
    nicNoPublicIp,
    nicIpForwardingDisabled,
];
