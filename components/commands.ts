import { Cloud, cloudEndpoints } from "./cloud";
import { vmRootCertChoice } from "./cloudInit";

/**
 * The `sslrootcert` of the human connect command: `system` (libpq 16 and later; it forces verify-full) where
 * the system's roots cover the server, otherwise this repository's CA file (see `vmRootCertChoice`). With an
 * older psql, `certs/azure-postgres-roots.pem` of this repository replaces `system` (docs/roles-and-access.md,
 * "Logging in").
 */
export function humanRootCert(cloud: Cloud): string {
    return vmRootCertChoice(cloud) === "file" ? "<checkout of entra-postgres>/certs/azure-postgres-roots.pem" : "system";
}

/**
 * What a human pastes to log in with their own Entra identity (user UPN, or the group's name for a group
 * member). `--resource-type oss-rdbms` picks the right audience in every cloud. The token only goes to a
 * server whose certificate verifies (`sslmode=verify-full`).
 */
export function humanConnectCommand(fqdn: string, cloud: Cloud, database: string): string {
    const setCloud = cloud === "public" ? "" : `az cloud set --name ${cloudEndpoints[cloud].azCloudName} && `;
    return (
        `${setCloud}export PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)" && ` +
        `psql "host=${fqdn} port=5432 dbname=${database} user=<your UPN, or the group name> sslmode=verify-full sslrootcert=${humanRootCert(cloud)}"`
    );
}

/** How to open a session as the VM's managed identity (run on the VM). */
export function vmLoginCommand(adminUsername: string, vmName: string, database: string): string {
    return `ssh ${adminUsername}@<address of ${vmName}> pg-entra-login ${database}`;
}
