import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import { Cloud, clouds } from "./cloud";
import { cloudInit, defaultDatabaseProblem, serverHostProblem, vmImage } from "./cloudInit";
import { defaults } from "./config/settings";
import { sshPublicKeyProblem, vmAdminUsernameProblem, vmNameProblem } from "./config/vm";
import { serverDefaultDatabase } from "./decisions";

export interface IdentityVmArgs {
    /** Resource group of the VM, its NIC and (with `publicIp`) its public IP. */
    resourceGroupName: pulumi.Input<string>;
    /** Azure region of the VM; the subnet must be in a VNet of the same region. */
    location: pulumi.Input<string>;
    /**
     * The VM's name, also its computer name and the display name of its system-assigned identity, and so the name
     * of its database role (see `roleName`). Plain: `EntraAccess` names the role's children after it. 1–63 letters,
     * digits and hyphens, starting and ending with a letter or digit (63, not Azure's 64: PostgreSQL's identifier
     * limit); anything else is refused before any resource is declared.
     */
    vmName: string;
    /**
     * VM size. Default `Standard_B2s` (`defaults.vm.size`). Learn: "Sizes for virtual machines in Azure",
     * https://learn.microsoft.com/azure/virtual-machines/sizes.
     */
    size?: pulumi.Input<string>;
    /**
     * The Linux user that SSH logs in as. Default `azureuser` (`defaults.vm.adminUsername`). A plain value must be a
     * lowercase Linux user name that Azure does not reserve (`admin`, `root`, `user`, … are refused:
     * computeRPCommon.json, see `reservedVmAdminNames`); an Output is checked by Azure when the VM is created.
     */
    adminUsername?: pulumi.Input<string>;
    /**
     * The OpenSSH public key (`ssh-ed25519 AAAA…`, `ssh-rsa AAAA…`, `ecdsa-sha2-…`) authorized for `adminUsername`.
     * Required: password login is disabled. A plain value is trimmed and checked (a private key is refused); an
     * Output is passed as it is. Learn: "Detailed steps: Create and manage SSH keys for authentication to a Linux
     * VM in Azure", https://learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed.
     */
    sshPublicKey: pulumi.Input<string>;
    /**
     * Attach a Standard static public IP to the NIC. Default false (`defaults.vm.publicIp`): reach the VM through
     * Bastion, a VPN or a peered network. Plain: it adds a resource. The NIC has no inbound rule of its own; the
     * subnet's NSG decides what reaches the VM.
     */
    publicIp?: boolean;
    /**
     * Encryption at host for temp disks and caches. Default true (`defaults.vm.encryptionAtHost`); the subscription
     * needs the `Microsoft.Compute/EncryptionAtHost` feature. Learn: "Overview of managed disk encryption options",
     * https://learn.microsoft.com/azure/virtual-machines/disk-encryption.
     */
    encryptionAtHost?: pulumi.Input<boolean>;
    /**
     * Let Azure run VM extensions (`osProfile.allowExtensionOperations`). Default false (`defaults.vm.allowExtensions`):
     * an extension runs code as root on the VM, and the VM needs none (cloud-init installs the login script). Azure
     * accepts false only while the VM has no extensions ("This may only be set to False when no extensions are
     * present on the virtual machine": `OSProfile.allowExtensionOperations`, @azure/arm-compute 22.4.0 models).
     */
    allowExtensions?: pulumi.Input<boolean>;
    /** Subnet of the VM's NIC, which must reach the server (private access, private endpoint or public egress). */
    subnetId: pulumi.Input<string>;
    /**
     * Host name the login script connects to (`pg-entra-login`): a DNS name, anything else is refused. A value known
     * before the server exists (see
     * `serverFqdn` of `./cloud`) lets the VM be created beside the server; an Output of the server (its
     * `fullyQualifiedDomainName`) makes the VM wait for the server.
     */
    serverFqdn: pulumi.Input<string>;
    /**
     * Database the login script opens when run without an argument. Default `postgres` (every server has it); the
     * identity can only connect where it has been granted `CONNECT` (`EntraAccess`). Letters, digits and `_`, not
     * starting with a digit, at most 63 bytes (the rule of the `databases` setting); anything else is refused.
     */
    defaultDatabase?: pulumi.Input<string>;
    /**
     * Cloud of the token audience the login script asks IMDS for, and of the roots it trusts. Default `public`
     * (`defaults.cloud`). Plain: the script's text is chosen from it.
     */
    cloud?: Cloud;
    /** Tags on the VM, its NIC and its public IP. Default none. */
    tags?: Record<string, string>;
}

/**
 * An Ubuntu LTS VM with a system-assigned managed identity: the workload that logs in to PostgreSQL with an
 * IMDS token instead of a password. SSH keys only, no public IP unless asked for, no IP forwarding, Trusted
 * Launch with Secure Boot and vTPM, platform-managed patching. cloud-init installs `psql` and
 * `/usr/local/bin/pg-entra-login`, which fetches a token for the server's audience and connects as the VM's
 * role with `sslmode=verify-full`. Learn: "Connect with managed identity to Azure Database for PostgreSQL",
 * https://learn.microsoft.com/azure/postgresql/security/security-connect-with-managed-identity (MicrosoftDocs/
 * azure-databases-docs articles/postgresql/security/security-connect-with-managed-identity.md at 8386dcb5).
 *
 * It creates no database role: give `principalId` and `roleName` to `EntraAccess` (as `EntraPostgres` does). It
 * creates no network: `subnetId` must already exist and must let the VM reach the server on 5432 and Entra ID.
 * A new image version does not replace a running VM (`ignoreChanges` on the image version).
 */
export class IdentityVm extends pulumi.ComponentResource {
    readonly vm: compute.VirtualMachine;
    readonly nic: network.NetworkInterface;
    /** With `publicIp` only. */
    readonly publicIp?: network.PublicIPAddress;
    /** Object id of the VM's system-assigned identity in Entra: its database role's object id. */
    readonly principalId: pulumi.Output<string>;
    /** The identity's display name is the VM name, and so is its database role. */
    readonly roleName: string;

    constructor(name: string, args: IdentityVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:compute:IdentityVm", name, {}, opts);
        const d = defaults.vm;
        const { resourceGroupName, location, tags, vmName } = args;
        const adminUsername = args.adminUsername ?? d.adminUsername;
        const cloud = args.cloud ?? defaults.cloud;
        const refuse = (argument: string, problem: string, fix: string) =>
            new Error(`IdentityVm ${name}: ${argument} ${problem}${fix ? ` ${fix}` : ""}`);
        // Checked before any child is declared, with the rules of the `vm.*` settings (config/vm.ts).
        const nameProblem = vmNameProblem(vmName);
        if (nameProblem) {
            throw refuse("vmName", nameProblem, "It is also the identity's database role name.");
        }
        const userProblem = typeof adminUsername === "string" ? vmAdminUsernameProblem(adminUsername) : undefined;
        if (userProblem) {
            throw refuse("adminUsername", userProblem, "");
        }
        if (args.sshPublicKey === undefined || args.sshPublicKey === null) {
            throw refuse("sshPublicKey", "is missing.", "Password login is disabled: pass an OpenSSH public key (the contents of ~/.ssh/id_ed25519.pub).");
        }
        const keyProblem = typeof args.sshPublicKey === "string" ? sshPublicKeyProblem(args.sshPublicKey) : undefined;
        if (keyProblem) {
            throw refuse("sshPublicKey", keyProblem, "");
        }
        if (!clouds.includes(cloud)) {
            throw refuse("cloud", `must be one of ${clouds.join(", ")}, got "${String(cloud)}".`, "Leave it out for the public cloud.");
        }
        // What lands in the user data (the login script) is checked here too, so a caller's value never reaches the
        // script unchecked: plain values now, Outputs once known (the deployment then stops with the same message).
        const hostOf = (host: string) => {
            const problem = serverHostProblem(host);
            if (problem) throw refuse("serverFqdn", problem, "It is written into the VM's login script.");
            return host;
        };
        const databaseOf = (database: string) => {
            const problem = defaultDatabaseProblem(database);
            if (problem) throw refuse("defaultDatabase", problem, "It is written into the VM's login script.");
            return database;
        };
        const defaultDatabase = args.defaultDatabase ?? serverDefaultDatabase;
        if (typeof args.serverFqdn === "string") hostOf(args.serverFqdn);
        if (typeof defaultDatabase === "string") databaseOf(defaultDatabase);
        // An Output user name or key is checked by the same rules once known: the name is part of a file path and
        // the key a line of authorized_keys.
        const checkedUser = typeof adminUsername === "string" ? adminUsername : pulumi.output(adminUsername).apply((user) => {
            const problem = vmAdminUsernameProblem(user);
            if (problem) throw refuse("adminUsername", problem, "");
            return user;
        });
        const sshPublicKey = typeof args.sshPublicKey === "string" ? args.sshPublicKey.trim() : pulumi.output(args.sshPublicKey).apply((key) => {
            const problem = typeof key === "string" ? sshPublicKeyProblem(key) : "is not a string.";
            if (problem) throw refuse("sshPublicKey", problem, "");
            return key;
        });
        this.roleName = vmName;

        this.publicIp = (args.publicIp ?? d.publicIp)
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
                publicIPAddress: this.publicIp ? { id: this.publicIp.id } : undefined,
            }],
            tags,
        }, { parent: this });

        // Plain host and database (the stack's case) give plain user data, registered as before and with no
        // dependency: the VM does not wait for the server. An Output (e.g. the server's FQDN) gives an Output
        // that carries the server as a dependency.
        const userData = (host: string, database: string) =>
            Buffer.from(cloudInit({ host: hostOf(host), roleName: vmName, defaultDatabase: databaseOf(database), cloud }), "utf8").toString("base64");
        const customData = typeof args.serverFqdn === "string" && typeof defaultDatabase === "string"
            ? userData(args.serverFqdn, defaultDatabase)
            : pulumi.all([args.serverFqdn, defaultDatabase]).apply(([host, database]) => userData(host, database));

        this.vm = new compute.VirtualMachine(`${name}-vm`, {
            resourceGroupName,
            location,
            vmName,
            identity: { type: compute.ResourceIdentityType.SystemAssigned },
            hardwareProfile: { vmSize: args.size ?? d.size },
            osProfile: {
                computerName: vmName,
                adminUsername: checkedUser,
                customData,
                allowExtensionOperations: args.allowExtensions ?? d.allowExtensions,
                linuxConfiguration: {
                    disablePasswordAuthentication: true,
                    provisionVMAgent: true,
                    ssh: {
                        publicKeys: [{
                            path: typeof checkedUser === "string"
                                ? `/home/${checkedUser}/.ssh/authorized_keys`
                                : pulumi.interpolate`/home/${checkedUser}/.ssh/authorized_keys`,
                            keyData: sshPublicKey,
                        }],
                    },
                    patchSettings: { patchMode: "AutomaticByPlatform", assessmentMode: "AutomaticByPlatform" },
                },
            },
            securityProfile: {
                encryptionAtHost: args.encryptionAtHost ?? d.encryptionAtHost,
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
            // A new image version is not a reason to replace a running VM. The login script (custom data) is read
            // by cloud-init at first boot only, and Azure refuses to change it on an existing VM (409
            // PropertyChangeNotAllowed, "Changing property 'customData' is not allowed": Azure/azure-sdk-for-java#1912;
            // Learn, "Custom data and cloud-init on Azure Virtual Machines"): a new script reaches a VM that is
            // replaced (`pulumi up --replace <the VM's URN>`), never an update that Azure would refuse.
            ignoreChanges: ["storageProfile.imageReference.version", "osProfile.customData"],
        });

        this.principalId = this.vm.identity.apply((identity) => {
            if (!identity?.principalId) {
                throw new Error(`VM ${vmName} reports no system-assigned identity; its database role cannot be created.`);
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
