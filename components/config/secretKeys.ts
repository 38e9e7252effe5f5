/**
 * Which stack settings the engine hands over as secrets. Pulumi marks a whole top-level key secret when any value
 * under it is (`pulumi config set --path --secret vm.sshPublicKey` makes `entra-postgres:vm` secret): a config value
 * holding a secure value anywhere is itself secure (pulumi/pulumi sdk/go/common/resource/config/value.go,
 * `NewSecureObjectValue`), and the Node.js SDK receives the list of secret keys beside the values
 * (`PULUMI_CONFIG_SECRET_KEYS`, read by `isConfigSecret` in @pulumi/pulumi runtime/config.js). So the program knows a
 * secret by its top-level key, never by the path below it, and treats every value under such a key as secret.
 */
import * as pulumiConfig from "@pulumi/pulumi/runtime/config";

/**
 * `isConfigSecret` of @pulumi/pulumi's runtime/config module: present at run time, left out of its type
 * declarations (`@internal`). test/config/secrets.test.ts fails, naming it, if an SDK release drops it.
 */
export function configSecretCheck(): ((key: string) => boolean) | undefined {
    const check = (pulumiConfig as unknown as { isConfigSecret?: unknown }).isConfigSecret;
    return typeof check === "function" ? (check as (key: string) => boolean) : undefined;
}

/** The keys of `raw` (as `pulumi.runtime.allConfig()` returns them) that the engine marks secret. */
export function engineSecretKeys(raw: Readonly<Record<string, unknown>>): string[] {
    const check = configSecretCheck();
    if (!check) {
        throw new Error("@pulumi/pulumi no longer provides isConfigSecret (runtime/config): the program cannot tell which settings are secrets, so it stops rather than send them in plain text. Pin @pulumi/pulumi to the version in package-lock.json.");
    }
    return Object.keys(raw).filter((key) => check(key));
}
