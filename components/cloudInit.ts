import { Cloud, cloudEndpoints } from "./cloud";

export interface LoginScriptArgs {
    /** Server FQDN. */
    host: string;
    /** The VM's database role: the name of its system-assigned identity, i.e. the VM name. */
    roleName: string;
    /** Database used when the script is run without an argument. */
    defaultDatabase: string;
    cloud: Cloud;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `/usr/local/bin/pg-entra-login`: the seed flow on the VM. An IMDS token for the database audience
 * (api-version 2018-02-01, header `Metadata: true`) becomes `PGPASSWORD`, then psql connects as the VM's role.
 * Tokens live 5–60 minutes, so one is fetched at every login.
 */
export function loginScript(args: LoginScriptArgs): string {
    const resource = cloudEndpoints[args.cloud].tokenResource;
    return [
        "#!/usr/bin/env bash",
        "# Log in to PostgreSQL as this VM's system-assigned managed identity. Usage: pg-entra-login [database]",
        "set -euo pipefail",
        `host=${shellQuote(args.host)}`,
        `role=${shellQuote(args.roleName)}`,
        `database="\${1:-${args.defaultDatabase}}"`,
        `resource=${shellQuote(resource)}`,
        'token="$(curl -sS --fail --max-time 10 -H "Metadata: true" \\',
        '  "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${resource}" \\',
        "  | jq -r .access_token)\"",
        'if [ -z "$token" ] || [ "$token" = "null" ]; then',
        '  echo "pg-entra-login: no token from IMDS; is the system-assigned identity enabled on this VM?" >&2',
        "  exit 1",
        "fi",
        'export PGPASSWORD="$token"',
        'exec psql "host=${host} port=5432 user=${role} dbname=${database} sslmode=require"',
        "",
    ].join("\n");
}

/** cloud-init user data: the PostgreSQL client, curl, jq and the login script. */
export function cloudInit(args: LoginScriptArgs): string {
    const script = loginScript(args)
        .split("\n")
        .map((line) => (line ? `      ${line}` : ""))
        .join("\n");
    return [
        "#cloud-config",
        "package_update: true",
        "packages:",
        "  - postgresql-client",
        "  - curl",
        "  - jq",
        "write_files:",
        "  - path: /usr/local/bin/pg-entra-login",
        "    permissions: '0755'",
        "    owner: root:root",
        "    content: |",
        script,
    ].join("\n");
}
