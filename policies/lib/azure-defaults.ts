/**
 * Azure's default values for the server parameters the pack judges, per PostgreSQL major version.
 *
 * A parameter the stack does not declare as a `Configuration` keeps Azure's default, so rules on effective
 * values need these. Every value comes from Microsoft's server-parameter reference for Azure Database for
 * PostgreSQL flexible server (learn.microsoft.com/azure/postgresql/server-parameters, generated from the
 * service; source files MicrosoftDocs/azure-databases-docs `articles/postgresql/server-parameters/includes/
 * param-<version>-<category>.md`, and the older MicrosoftDocs/azure-docs `server-parameters-table-<version>-*`).
 * Keep this the one place such defaults live.
 */

/** Major versions flexible server offers (azure-native `PostgresMajorVersion`). */
export const MAJOR_VERSIONS: readonly number[] = [11, 12, 13, 14, 15, 16, 17, 18];

interface VersionedDefault {
    /** Default value; `undefined` where the parameter does not exist in those versions. */
    readonly value: string | undefined;
    readonly fromVersion?: number;
    readonly toVersion?: number;
}

interface ParameterDefault {
    readonly defaults: readonly VersionedDefault[];
    /** Where the value comes from. */
    readonly source: string;
}

export const PARAMETER_DEFAULTS: Readonly<Record<string, ParameterDefault>> = {
    require_secure_transport: {
        defaults: [{ value: "on" }],
        source: "param-<version>-tls: require_secure_transport, default `on`",
    },
    ssl_min_protocol_version: {
        defaults: [{ value: "TLSv1.2" }],
        source: "param-<version>-connections-authentication-ssl: ssl_min_protocol_version, default `TLSv1.2`",
    },
    log_checkpoints: {
        defaults: [{ value: "on" }],
        source: "param-<version>-reporting-logging-what-log: log_checkpoints, default `on`",
    },
    log_connections: {
        // PostgreSQL 18 turned it into a set (`receipt,authentication,...`); Azure's default stays `on`.
        defaults: [{ value: "on" }],
        source: "param-<version>-reporting-logging-what-log: log_connections, default `on`",
    },
    log_disconnections: {
        defaults: [{ value: "on" }],
        source: "param-<version>-reporting-logging-what-log: log_disconnections, default `on`",
    },
    log_line_prefix: {
        defaults: [{ value: "%t-%c-" }],
        source: "param-<version>-reporting-logging-what-log: log_line_prefix, default `%t-%c-`",
    },
    "logfiles.retention_days": {
        defaults: [{ value: "3" }],
        source: "param-<version>-log-files: logfiles.retention_days, default `3` (allowed 1-7)",
    },
    "connection_throttle.enable": {
        // Deprecated after PostgreSQL 17: no longer offered for new major versions.
        defaults: [{ value: "off", toVersion: 17 }, { value: undefined, fromVersion: 18 }],
        source: "param-<version>-customized-options: connection_throttle.enable, default `off`",
    },
    shared_preload_libraries: {
        defaults: [{ value: "pg_cron,pg_stat_statements" }],
        source: "param-<version>-client-connection-defaults-shared-library-preloading: shared_preload_libraries, default `pg_cron,pg_stat_statements`",
    },
    password_encryption: {
        defaults: [{ value: "md5", toVersion: 13 }, { value: "scram-sha-256", fromVersion: 14 }],
        source: "param-<version>-connections-authentication-authentication: password_encryption, default `md5` (11-13), `scram-sha-256` (14-18)",
    },
    "pgaudit.log": {
        defaults: [{ value: "none" }],
        source: "param-<version>-customized-options: pgaudit.log, default `none`",
    },
};

/** What Azure's default for a parameter is, as far as the server's version is known. */
export type DefaultValue =
    | { readonly known: true; readonly value: string | undefined }
    | { readonly known: false };

function defaultAt(entry: ParameterDefault, version: number): string | undefined {
    const hit = entry.defaults.find((d) => (d.fromVersion ?? 0) <= version && version <= (d.toVersion ?? Infinity));
    return hit?.value;
}

/**
 * Azure's default for `parameter` on `version` (major). With the version unknown, the default is still
 * known when every offered version shares it. Parameters not in the table have no known default.
 */
export function azureDefault(parameter: string, version: number | undefined, versionDeclared = true): DefaultValue {
    const entry = PARAMETER_DEFAULTS[parameter.toLowerCase()];
    if (entry === undefined) {
        return { known: false };
    }
    if (version !== undefined) {
        return { known: true, value: defaultAt(entry, version) };
    }
    const all = MAJOR_VERSIONS.map((v) => defaultAt(entry, v));
    // No version declared: Azure picks one, and the server gets the parameter's default wherever it exists.
    // Judged with the value every version that has the parameter shares (which version Azure picks is not
    // pinned down by a source the pack cites), so an undeclared version cannot hide a weak default.
    const values = new Set(versionDeclared ? all : all.filter((v) => v !== undefined));
    return values.size === 1 ? { known: true, value: [...values][0] } : { known: false };
}
