import { reservedVmAdminNames, VmConfig } from "./model";
import { Json, Reader } from "./reader";
import { defaults, knownKeys } from "./settings";
import { parseAccess } from "./identities";

/** Also the role name of the VM's identity, so at most 63 characters rather than Azure's 64. */
const vmNamePattern = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const linuxUserPattern = /^[a-z_][a-z0-9_-]{0,31}$/;
const sshKeyPattern = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/;

// The rules below are shared by the settings (`vm.*` keys) and by `IdentityVm` called directly, so both refuse
// the same values. Each returns what is wrong (to follow the key or argument name), or `undefined`.

/** Why `name` cannot be the VM's name (and so its identity's role name), or `undefined`. */
export function vmNameProblem(name: string): string | undefined {
    return vmNamePattern.test(name) ? undefined : `"${name}" must be 1–63 letters, digits and hyphens, starting and ending with a letter or digit.`;
}

/** Why `name` cannot be the VM's Linux admin user, or `undefined`. */
export function vmAdminUsernameProblem(name: string): string | undefined {
    return linuxUserPattern.test(name) && !reservedVmAdminNames.includes(name)
        ? undefined
        : `"${name}" is not allowed: use a lowercase Linux user name that Azure does not reserve (not ${reservedVmAdminNames.filter((n) => /^[a-z]/.test(n)).slice(0, 6).join(", ")}, …).`;
}

/** Why `key` (trimmed) is not an OpenSSH public key, or `undefined`. */
export function sshPublicKeyProblem(key: string): string | undefined {
    return sshKeyPattern.test(key.trim())
        ? undefined
        : "is not an OpenSSH public key (ssh-ed25519 AAAA…, ssh-rsa AAAA… or ecdsa-sha2-…). Paste the .pub file, not the private key.";
}

export function parseVm(r: Reader, value: Json, context: { stack: string }, databases: readonly string[]): VmConfig | undefined {
    const obj = r.object(value, "vm", knownKeys.vm);
    if (!obj) {
        return undefined;
    }
    const d = defaults.vm;
    const enabled = r.boolean(obj.enabled, "vm.enabled", d.enabled);
    const name = r.string(obj.name, "vm.name", { fallback: `${context.stack}-pg-client` });
    const nameProblem = name === undefined ? undefined : vmNameProblem(name);
    if (nameProblem) {
        r.fail("vm.name", nameProblem);
    }
    const size = r.string(obj.size, "vm.size", { fallback: d.size });
    const adminUsername = r.string(obj.adminUsername, "vm.adminUsername", { fallback: d.adminUsername });
    const userProblem = adminUsername === undefined ? undefined : vmAdminUsernameProblem(adminUsername);
    if (userProblem) {
        r.fail("vm.adminUsername", userProblem);
    }
    const sshPublicKey = r.string(obj.sshPublicKey, "vm.sshPublicKey", {
        required: enabled ? "The VM allows SSH keys only (password login is disabled). Set it to your public key, e.g. the contents of ~/.ssh/id_ed25519.pub." : undefined,
        fallback: "",
    });
    const keyProblem = enabled && sshPublicKey ? sshPublicKeyProblem(sshPublicKey) : undefined;
    if (keyProblem) {
        r.fail("vm.sshPublicKey", keyProblem);
    }
    const publicIp = r.boolean(obj.publicIp, "vm.publicIp", d.publicIp);
    const encryptionAtHost = r.boolean(obj.encryptionAtHost, "vm.encryptionAtHost", d.encryptionAtHost);
    const allowExtensions = r.boolean(obj.allowExtensions, "vm.allowExtensions", d.allowExtensions);
    const access = parseAccess(r, obj.access, "vm.access", databases);
    if (!name || !size || !adminUsername || sshPublicKey === undefined) {
        return undefined;
    }
    return { enabled, name, size, adminUsername, sshPublicKey: sshPublicKey.trim(), publicIp, encryptionAtHost, allowExtensions, access };
}
