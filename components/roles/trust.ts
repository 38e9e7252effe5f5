import * as fs from "fs";
import { rootCaFile } from "../tlsRoots";

/**
 * What the role and SQL providers trust when they verify a server: exactly the roots Microsoft documents for Azure
 * Database for PostgreSQL (`certs/azure-postgres-roots.pem`, see `tlsRoots.ts`), not Node's bundled store and not
 * `NODE_EXTRA_CA_CERTS`. Node uses neither once a `ca` is given ("Mozilla's CAs are completely replaced when CAs
 * are explicitly specified using this option", Node.js `tls.createSecureContext`, option `ca`), so a CA someone
 * added to the deployer's environment for another purpose cannot vouch for a server the Entra token is sent to.
 *
 * Tests that run servers with a certificate of their own add its CA deliberately, by naming a PEM file in
 * {@link testCaFileVariable}; nothing else adds one, and it is off unless set. A resource's `caCertificate`
 * replaces the roots altogether (a server with another certificate).
 *
 * The file is read when this module loads, so the text travels by value with a provider Pulumi serializes (from
 * the sources), and the state of every machine reads the same roots; the compiled package reads its own copy.
 */
const azureRoots = fs.readFileSync(rootCaFile, "utf8");

const variable = "ENTRA_POSTGRES_TEST_CA_FILE";

/** The environment variable naming a PEM file of CAs that tests add to Azure's roots. Unset: nothing is added. */
export const testCaFileVariable = variable;

/** The PEM text a provider connection trusts: `caCertificate` when given, else Azure's roots (and a test CA, when set). */
export function providerTrustedCas(caCertificate: string | undefined): string {
    if (caCertificate) return caCertificate;
    const extra = process.env[variable];
    if (!extra) return azureRoots;
    let pem: string;
    try {
        pem = (require("fs") as typeof import("fs")).readFileSync(extra, "utf8");
    } catch (err) {
        throw new Error(`${variable} names ${extra}, which cannot be read (${(err as Error).message}). Unset it outside tests.`, { cause: err });
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`${variable} names ${extra}, which holds no PEM certificate.`);
    return `${azureRoots}\n${pem}`;
}
