import { Cloud, cloudEndpoints } from "./cloud";

/**
 * What a human pastes to log in with their own Entra identity (user UPN, or the group's name for a group
 * member). `--resource-type oss-rdbms` picks the right audience in every cloud.
 */
export function humanConnectCommand(fqdn: string, cloud: Cloud, database: string): string {
    const setCloud = cloud === "public" ? "" : `az cloud set --name ${cloudEndpoints[cloud].azCloudName} && `;
    return (
        `${setCloud}export PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)" && ` +
        `psql "host=${fqdn} port=5432 dbname=${database} user=<your UPN, or the group name> sslmode=require"`
    );
}

/** How to open a session as the VM's managed identity (run on the VM). */
export function vmLoginCommand(adminUsername: string, vmName: string, database: string): string {
    return `ssh ${adminUsername}@<address of ${vmName}> pg-entra-login ${database}`;
}
