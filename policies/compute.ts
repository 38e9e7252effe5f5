/**
 * Policies on the client VM and its network interface: the workload that logs in with its managed identity.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { cite, onTypes, type PackPolicy } from "./lib/policy";
import { arrayOf, hasKey, setting } from "./lib/props";
import { AZURE_POLICY } from "./lib/sources";
import { fold, show } from "./lib/text";
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

/** VM and NIC policies, in pack order. */
export const computePolicies: readonly PackPolicy[] = [
    vmManagedIdentity,
    vmNoPasswordSsh,
    vmEncryptionAtHost,
    nicNoPublicIp,
    nicIpForwardingDisabled,
];
