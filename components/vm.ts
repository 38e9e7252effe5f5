import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import { Cloud } from "./cloud";
import { cloudInit, vmImage } from "./cloudInit";
import { VmConfig } from "./config";

export interface IdentityVmArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    config: VmConfig;
    subnetId: pulumi.Input<string>;
    /**
     * Server FQDN for the login script. A plain string computed from the server name, so the VM does not
     * wait for the server: both are created side by side.
     */
    serverFqdn: string;
    /** Database the login script opens by default. */
    defaultDatabase: string;
    cloud: Cloud;
    tags?: Record<string, string>;
}

/**
 * An Ubuntu LTS VM with a system-assigned managed identity: the workload that logs in to PostgreSQL with an
 * IMDS token instead of a password. SSH keys only, no public IP unless asked for, no IP forwarding.
 */
export class IdentityVm extends pulumi.ComponentResource {
    readonly vm: compute.VirtualMachine;
    readonly nic: network.NetworkInterface;
    /** Object id of the VM's system-assigned identity in Entra: its database role's object id. */
    readonly principalId: pulumi.Output<string>;
    /** The identity's display name is the VM name, and so is its database role. */
    readonly roleName: string;

    constructor(name: string, args: IdentityVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:compute:IdentityVm", name, {}, opts);
        const { config, resourceGroupName, location, tags } = args;
        this.roleName = config.name;

        const publicIp = config.publicIp
            ? new network.PublicIPAddress(`${name}-ip`, {
                resourceGroupName,
                location,
                sku: { name: "Standard" },
                publicIPAllocationMethod: "Static",
                tags,
            }, { parent: this })
            : undefined;

        this.nic = new network.NetworkInterface(`${name}-nic`, {
            resourceGroupName,
            location,
            enableIPForwarding: false,
            ipConfigurations: [{
                name: "primary",
                primary: true,
                subnet: { id: args.subnetId },
                privateIPAllocationMethod: "Dynamic",
                publicIPAddress: publicIp ? { id: publicIp.id } : undefined,
            }],
            tags,
        }, { parent: this });

        const userData = cloudInit({
            host: args.serverFqdn,
            roleName: config.name,
            defaultDatabase: args.defaultDatabase,
            cloud: args.cloud,
        });

        this.vm = new compute.VirtualMachine(`${name}-vm`, {
            resourceGroupName,
            location,
            vmName: config.name,
            identity: { type: compute.ResourceIdentityType.SystemAssigned },
            hardwareProfile: { vmSize: config.size },
            osProfile: {
                computerName: config.name,
                adminUsername: config.adminUsername,
                customData: Buffer.from(userData, "utf8").toString("base64"),
                linuxConfiguration: {
                    disablePasswordAuthentication: true,
                    provisionVMAgent: true,
                    ssh: {
                        publicKeys: [{
                            path: `/home/${config.adminUsername}/.ssh/authorized_keys`,
                            keyData: config.sshPublicKey,
                        }],
                    },
                    patchSettings: { patchMode: "AutomaticByPlatform", assessmentMode: "AutomaticByPlatform" },
                },
            },
            securityProfile: {
                encryptionAtHost: config.encryptionAtHost,
                securityType: "TrustedLaunch",
                uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
            },
            storageProfile: {
                imageReference: {
                    publisher: "Canonical",
                    offer: vmImage.offer,
                    sku: "server",
                    version: "latest",
                },
                osDisk: {
                    createOption: "FromImage",
                    deleteOption: "Delete",
                    managedDisk: { storageAccountType: "StandardSSD_LRS" },
                },
            },
            networkProfile: {
                networkInterfaces: [{ id: this.nic.id, primary: true, deleteOption: "Detach" }],
            },
            tags,
        }, {
            parent: this,
            // A new image version is not a reason to replace a running VM.
            ignoreChanges: ["storageProfile.imageReference.version"],
        });

        this.principalId = this.vm.identity.apply((identity) => {
            if (!identity?.principalId) {
                throw new Error(`VM ${config.name} reports no system-assigned identity; its database role cannot be created.`);
            }
            return identity.principalId;
        });

        this.registerOutputs({
            vmName: this.vm.name,
            principalId: this.principalId,
            roleName: this.roleName,
        });
    }
}
