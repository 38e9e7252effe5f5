/**
 * The sample values the shipped `Pulumi.dev.yaml`, `Pulumi.prod.yaml` and `Pulumi.corp.yaml` carry in place of a tenant's real
 * ids and keys. A stack that still holds one would deploy admins and roles for identities that do not exist
 * in the tenant, so the plan flags each with its key. (A test keeps this list equal to the shipped files.)
 */
export const sampleValues: readonly string[] = [
    // Entra object ids of the sample admins and principals.
    "3b1f6a52-1c1e-4f0e-9d53-2f6f0c1d7a01",
    "6d2e8c41-52a7-4b9e-8f31-0a7c5e9d2b02",
    "9a4c2e71-83b5-4d6f-a1c2-3e4f5a6b7c03",
    "0c5d8e21-4a3b-4c7d-9e8f-1a2b3c4d5e11",
    "1d6e9f32-5b4c-4d8e-af90-2b3c4d5e6f12",
    "2e7fa043-6c5d-4e9f-b0a1-3c4d5e6f7a13",
    // The tenant id of the prod sample (Microsoft's own tenant, never yours).
    "72f988bf-86f1-41af-91ab-2d7cd011db47",
];

/** Patterns of sample values: the example SSH keys, and addresses in the documentation ranges (RFC 5737). */
export const samplePatterns: readonly { pattern: RegExp; what: string }[] = [
    { pattern: /EXAMPLEKEYdoNotUse/, what: "the example SSH public key" },
    { pattern: /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+(\/\d+)?$/, what: "an address from a documentation range (RFC 5737)" },
    { pattern: /@contoso\.com$/i, what: "a sample contoso.com user" },
    // The placeholder subscription of the corp stack's existing network ids.
    { pattern: /^\/subscriptions\/00000000-0000-0000-0000-000000000000\//i, what: "an ARM id in the placeholder subscription 00000000-0000-0000-0000-000000000000" },
];

export interface Placeholder {
    /** The setting, e.g. `entra-postgres:admins[0].objectId`. */
    key: string;
    value: string;
    what: string;
}

/** Every setting in `config` (the `config:` map of a stack file) that still holds a sample value. */
export function findPlaceholders(config: Record<string, unknown>): Placeholder[] {
    const found: Placeholder[] = [];
    const walk = (value: unknown, key: string) => {
        if (Array.isArray(value)) {
            value.forEach((v, i) => walk(v, `${key}[${i}]`));
        } else if (value !== null && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) {
                walk(v, `${key}.${k}`);
            }
        } else if (typeof value === "string") {
            const lower = value.toLowerCase();
            if (sampleValues.includes(lower)) {
                found.push({ key, value, what: "a sample id from the shipped stack files" });
                return;
            }
            const match = samplePatterns.find((p) => p.pattern.test(value));
            if (match) {
                found.push({ key, value, what: match.what });
            }
        }
    };
    for (const [key, value] of Object.entries(config)) {
        walk(value, key.includes(":") ? key : `entra-postgres:${key}`);
    }
    return found;
}
