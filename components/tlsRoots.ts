import * as fs from "fs";
import * as path from "path";
import { Cloud } from "./cloud";

/**
 * The root CAs Azure Database for PostgreSQL Flexible Server's server certificates chain to, and the file that
 * holds them (`certs/azure-postgres-roots.pem`), for clients that verify the server (`sslmode=verify-full`).
 *
 * Source: Microsoft Learn, "Transport Layer Security (TLS) in Azure Database for PostgreSQL"
 * (https://learn.microsoft.com/azure/postgresql/security/security-tls; MicrosoftDocs/azure-databases-docs
 * `articles/postgresql/security/security-tls.md`, commit 0200b8f33c43283e8c247f6c6352626cfab38bab), section
 * "Root CAs used by Azure Database for PostgreSQL", and "Secure connectivity with TLS and SSL"
 * (`articles/postgresql/flexible-server/concepts-networking-ssl-tls.md`, commit
 * 017b7aa3341d23fb610c10812e159b8c4888204e), which tells certificate-pinning clients to trust all three roots.
 * Fingerprints are those of the certificates in the Mozilla root store as Debian's ca-certificates ships it.
 */
export interface RootCa {
    /** Subject common name. */
    readonly commonName: string;
    /** Full subject, as Node's `X509Certificate.subject` prints it. */
    readonly subject: string;
    /** SHA-256 fingerprint, as Node's `X509Certificate.fingerprint256` prints it. */
    readonly sha256: string;
}

export const digicertGlobalRootG2: RootCa = {
    commonName: "DigiCert Global Root G2",
    subject: "C=US\nO=DigiCert Inc\nOU=www.digicert.com\nCN=DigiCert Global Root G2",
    sha256: "CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F",
};

export const microsoftRsaRoot2017: RootCa = {
    commonName: "Microsoft RSA Root Certificate Authority 2017",
    subject: "C=US\nO=Microsoft Corporation\nCN=Microsoft RSA Root Certificate Authority 2017",
    sha256: "C7:41:F7:0F:4B:2A:8D:88:BF:2E:71:C1:41:22:EF:53:EF:10:EB:A0:CF:A5:E6:4C:FA:20:F4:18:85:30:73:E0",
};

export const digicertGlobalRootCa: RootCa = {
    commonName: "DigiCert Global Root CA",
    subject: "C=US\nO=DigiCert Inc\nOU=www.digicert.com\nCN=DigiCert Global Root CA",
    sha256: "43:48:A0:E9:44:4C:78:CB:26:5E:05:8D:5E:89:44:B4:D8:4F:96:62:BD:26:DB:25:7F:89:34:A4:43:C7:01:61",
};

/**
 * Roots per cloud. The page names DigiCert Global Root G2 and Microsoft RSA Root CA 2017 for the service, with
 * DigiCert Global Root CA still needed by read replicas where the migration is not complete; China regions use
 * Microsoft RSA Root CA 2017 and DigiCert Global Root CA, and DigiCert Global Root G2 from Spring Festival 2026.
 * The page has no separate list for Azure Government; it gets the service-wide list (unconfirmed there).
 */
export const documentedRoots: Readonly<Record<Cloud, readonly RootCa[]>> = {
    public: [digicertGlobalRootG2, microsoftRsaRoot2017, digicertGlobalRootCa],
    usgov: [digicertGlobalRootG2, microsoftRsaRoot2017, digicertGlobalRootCa],
    china: [microsoftRsaRoot2017, digicertGlobalRootCa, digicertGlobalRootG2],
};

/** Every documented root: exactly what the CA file holds. */
export const allRoots: readonly RootCa[] = [digicertGlobalRootG2, microsoftRsaRoot2017, digicertGlobalRootCa];

/** Absolute path of the CA file in this package. */
export const rootCaFile = path.join(__dirname, "..", "certs", "azure-postgres-roots.pem");

/**
 * The CA file's path relative to the working directory, for the `@pulumi/postgresql` provider's `sslrootcert`
 * (a file path, read by the provider process: "The SSL server root certificate file path"). The provider
 * configuration is kept in state and reused by `pulumi refresh` and `destroy`, which run from the project
 * directory as `up` does, so a relative path stays valid on every machine and checkout, where an absolute one
 * would name the directory of whichever machine ran `up` last.
 */
export function rootCaFileForProvider(cwd: string = process.cwd()): string {
    const relative = path.relative(cwd, rootCaFile);
    return relative.split(path.sep).join("/");
}

/**
 * The `caCertificate` the components give the role, grant and database providers for a server in `cloud`.
 * `undefined` means the providers' default, which is the same CA file (`roles/trust.ts`: exactly these roots, never
 * Node's store or NODE_EXTRA_CA_CERTS). China stacks have passed the file's text explicitly since the providers
 * trusted Node's store, which no longer has DigiCert Global Root CA; it stays so that their roles see no change.
 */
export function providerCaFor(cloud: Cloud): string | undefined {
    return cloud === "china" ? fs.readFileSync(rootCaFile, "utf8") : undefined;
}
