import * as fs from "fs";
import { Cloud, cloudEndpoints, clouds } from "./cloud";
import { databaseNamePattern } from "./config/identities";
import { identifierProblem, maxIdentifierBytes, reservedRoleNameProblem } from "./config/names";
import { rootCaFile } from "./tlsRoots";

/** Where cloud-init writes the Azure root CAs on the VM (certs/azure-postgres-roots.pem of this package). */
export const vmRootCaPath = "/etc/entra-postgres/azure-postgres-roots.pem";

/**
 * The PostgreSQL client the VM's image installs: Ubuntu 24.04 LTS (`ubuntu-24_04-lts`, see vm.ts), whose
 * `postgresql-client` package (16+257build1) is `postgresql-client-16` (16.14-0ubuntu0.24.04.1 in noble-updates,
 * depending on libpq5 >= 16.2): https://packages.ubuntu.com/noble/database/postgresql-client and
 * https://packages.ubuntu.com/noble-updates/postgresql-client-16. libpq 16 reads `sslrootcert=system`, so on this
 * image the script uses the system store; it still checks `psql --version` at run time, as an older image would not.
 */
export const vmImage = { offer: "ubuntu-24_04-lts", postgresqlClientMajor: 16 } as const;

/**
 * The `sslrootcert` the VM uses. `system` (the TLS library's trusted roots; libpq 16 and later, which then
 * forces verify-full: https://www.postgresql.org/docs/16/libpq-connect.html#LIBPQ-CONNECT-SSLROOTCERT) holds
 * DigiCert Global Root G2 and Microsoft RSA Root CA 2017, the two roots Learn's "Good configuration" asks for
 * in the public and US Government clouds. China regions still chain to DigiCert Global Root CA as well, a
 * root the Mozilla store is dropping (Node 24's bundled store no longer has it), so there the VM uses the
 * CA file with Microsoft's documented roots, as it does with a psql older than 16.
 */
export function vmRootCertChoice(cloud: Cloud): "system-if-supported" | "file" {
    return cloud === "china" ? "file" : "system-if-supported";
}

export interface LoginScriptArgs {
    /** Server FQDN: a DNS host name (letters, digits, hyphens and dots; at most 253 characters). */
    host: string;
    /** The VM's database role: the name of its system-assigned identity, i.e. the VM name. */
    roleName: string;
    /** Database used when the script is run without an argument: letters, digits and `_`, at most 63 bytes. */
    defaultDatabase: string;
    cloud: Cloud;
}

/** A DNS host name: dot-separated labels of letters, digits and inner hyphens, each at most 63 characters. */
const hostNamePattern = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Why `host` cannot be the server the script connects to, or `undefined`. */
export function serverHostProblem(host: unknown): string | undefined {
    return typeof host === "string" && hostNamePattern.test(host)
        ? undefined
        : `must be the server's host name (letters, digits, hyphens and dots, e.g. pg-prod.postgres.database.azure.com), got ${JSON.stringify(host)}.`;
}

/** Why `name` cannot be the database the script opens by default, or `undefined`. The rule of the `databases` setting. */
export function defaultDatabaseProblem(name: unknown): string | undefined {
    return typeof name === "string" && databaseNamePattern.test(name) && Buffer.byteLength(name) <= maxIdentifierBytes
        ? undefined
        : `must be a database name (letters, digits and _, not starting with a digit, at most ${maxIdentifierBytes} bytes), got ${JSON.stringify(name)}.`;
}

/**
 * Every problem of `args`, each starting with the argument's name. The values land in a shell script inside YAML
 * (cloud-init user data) and in a libpq connection string: the script quotes each of them for the shell and for
 * libpq, and these rules keep out what quoting cannot make harmless in YAML (line breaks end the block scalar the
 * script sits in) or what would make another server or database than the one named.
 */
export function loginScriptProblems(args: LoginScriptArgs): string[] {
    const role = typeof args.roleName === "string" ? identifierProblem(args.roleName) ?? reservedRoleNameProblem(args.roleName) : "must be a string";
    return [
        ["host", serverHostProblem(args.host)],
        ["roleName", role],
        ["defaultDatabase", defaultDatabaseProblem(args.defaultDatabase)],
        ["cloud", clouds.includes(args.cloud) ? undefined : `must be one of ${clouds.join(", ")}, got ${JSON.stringify(args.cloud)}.`],
    ].filter((entry): entry is [string, string] => entry[1] !== undefined).map(([key, problem]) => `${key} ${problem}`);
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

function assertLoginScriptArgs(args: LoginScriptArgs, caller: string): void {
    const problems = loginScriptProblems(args);
    if (problems.length > 0) throw new Error(`${caller}: ${problems.join(" ")}`);
}

/**
 * `/usr/local/bin/pg-entra-login`: the flow of Learn "Connect with managed identity to Azure Database for
 * PostgreSQL flexible server" (https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-connect-with-managed-identity)
 * on the VM. An IMDS token for the database audience
 * (api-version 2018-02-01, header `Metadata: true`) becomes `PGPASSWORD`, then psql connects as the VM's role
 * with `sslmode=verify-full`, so the token only goes to a server whose certificate chains to Azure's roots and
 * names the host. Tokens live 5–60 minutes, so one is fetched at every login.
 */
export function loginScript(args: LoginScriptArgs): string {
    assertLoginScriptArgs(args, "loginScript");
    const resource = cloudEndpoints[args.cloud].tokenResource;
    return [
        "#!/usr/bin/env bash",
        "# Log in to PostgreSQL as this VM's system-assigned managed identity. Usage: pg-entra-login [database]",
        "set -euo pipefail",
        // Every value is a single-quoted shell word; the argument is only ever expanded inside double quotes.
        `host=${shellQuote(args.host)}`,
        `role=${shellQuote(args.roleName)}`,
        `default_database=${shellQuote(args.defaultDatabase)}`,
        'database="${1:-$default_database}"',
        `resource=${shellQuote(resource)}`,
        'token="$(curl -sS --fail --max-time 10 -H "Metadata: true" \\',
        '  "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${resource}" \\',
        "  | jq -r .access_token)\"",
        'if [ -z "$token" ] || [ "$token" = "null" ]; then',
        '  echo "pg-entra-login: no token from IMDS; is the system-assigned identity enabled on this VM?" >&2',
        "  exit 1",
        "fi",
        // libpq before 16 reads `system` as a file name, so the CA file is used there.
        `rootcert=${shellQuote(vmRootCaPath)}`,
        ...(vmRootCertChoice(args.cloud) === "system-if-supported"
            ? [
                'psql_major="$(psql --version | sed -E \'s/^[^0-9]*([0-9]+).*/\\1/\')"',
                'if [ "${psql_major:-0}" -ge 16 ] 2>/dev/null; then rootcert=system; fi',
            ]
            : []),
        // A libpq connection string value in single quotes, with \\ and ' escaped (libpq "Keyword/Value Connection
        // Strings"): no value, the argument included, can add a keyword such as host= or sslmode=.
        "conninfo_value() { local v=${1//\\\\/\\\\\\\\}; v=${v//\\'/\\\\\\'}; printf \"'%s'\" \"$v\"; }",
        'export PGPASSWORD="$token"',
        'exec psql "host=$(conninfo_value "$host") port=5432 user=$(conninfo_value "$role") dbname=$(conninfo_value "$database") sslmode=verify-full sslrootcert=$(conninfo_value "$rootcert")"',
        "",
    ].join("\n");
}

/**
 * cloud-init user data: the PostgreSQL client, curl, jq, the system CA store (`ca-certificates`, which
 * `sslrootcert=system` reads), Azure's root CAs as a file, and the login script.
 */
export function cloudInit(args: LoginScriptArgs): string {
    assertLoginScriptArgs(args, "cloudInit");
    const indent = (text: string) => text
        .split("\n")
        .map((line) => (line ? `      ${line}` : ""))
        .join("\n");
    const script = indent(loginScript(args));
    const roots = indent(fs.readFileSync(rootCaFile, "utf8"));
    return [
        "#cloud-config",
        "package_update: true",
        "packages:",
        "  - postgresql-client",
        "  - curl",
        "  - jq",
        "  - ca-certificates",
        "write_files:",
        `  - path: ${vmRootCaPath}`,
        "    permissions: '0644'",
        "    owner: root:root",
        "    content: |",
        roots,
        "  - path: /usr/local/bin/pg-entra-login",
        "    permissions: '0755'",
        "    owner: root:root",
        "    content: |",
        script,
    ].join("\n");
}
