/**
 * Finding credentials in text a resource carries in the clear (VM custom data and user data): key material by
 * its shape, and literal values assigned to password-like names. Narrower than checkov CKV_AZURE_45, which also
 * flags any GUID and Azure service host name (identifiers, not secrets), and than trivy's squealer rules, which
 * also know other vendors' token formats (policies/sources.json says which). A value taken from a variable
 * (`"$token"`, `${secret}`, `$(curl ...)`), a YAML block (`chpasswd:` on its own line) or a boolean
 * (cloud-init's `lock_passwd: false`) is not a literal and is not reported.
 */

const PATTERNS: readonly [string, RegExp][] = [
    ["a private key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/],
    ["a storage account key (AccountKey=)", /\bAccountKey=[A-Za-z0-9+/=]{20,}/i],
    ["a shared access signature (sig=)", /[?&]sig=[A-Za-z0-9%+/=]{20,}/i],
    ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
    ["a literal password in a connection string", /\b(?:password|pwd)=(?![$'"\s;&])[^\s;'"&]{3,}/i],
    ["a literal password, secret or key assignment",
        /\b[A-Za-z_]*(?:password|passwd|secret|api_?key|access_?key|client_?secret)[A-Za-z_]*[ \t]*[:=][ \t]*["']?(?![$"'\s{[|>])(?!(?:true|false|yes|no|null|none|~)\b)[^\s"'$]{4,}/i],
];

/** Descriptions of the credentials found in `text` (one per kind). */
export function findSecrets(text: string): string[] {
    return PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);
}

/**
 * The text of VM custom data or user data: base64-decoded when it is base64 (as the compute API requires),
 * as given otherwise; `undefined` when not a known string.
 */
export function userDataText(value: unknown): string | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    const compact = value.replace(/\s+/g, "");
    if (compact.length > 0 && compact.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
        return Buffer.from(compact, "base64").toString("utf8");
    }
    return value;
}
