/**
 * Policies on server parameters. Parameters are separate `Configuration` resources, so these are stack
 * policies: each joins a server to its declared configurations and judges the effective value, which is
 * Azure's default for the server's version when the stack declares none (see lib/azure-defaults.ts).
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { cite, withStack, type PackPolicy, type PolicySources } from "./lib/policy";
import { StackIndex } from "./lib/graph";
import { effectiveParameter, isOn, isSetOn, majorVersion, origin, untiedConfigurations } from "./lib/server-parameters";
import { AZURE_POLICY } from "./lib/sources";
import { ciEquals } from "./lib/text";
import { TYPES, type ConfigurationInputs } from "./lib/types";

interface ParameterRule<C extends object> {
    name: string;
    summary: string;
    sources: PolicySources;
    enforcementLevel: "advisory" | "mandatory";
    severity: "low" | "medium" | "high";
    remediationSteps: string;
    configSchema?: PolicyConfigSchema;
    parameter: string;
    /** Versions the rule applies to (`undefined`: version not known). Default: all. */
    appliesTo?: (version: number | undefined) => boolean;
    /** What is wrong with an effective value, or `undefined` when it complies. */
    check: (value: string, config: C, version: number | undefined) => string | undefined;
}

function parameterPolicy<C extends object>(rule: ParameterRule<C>): StackValidationPolicy {
    return {
        name: rule.name,
        ...cite(rule.summary, rule.sources),
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        remediationSteps: rule.remediationSteps,
        ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
        validateStack: (args, report) => {
            const index = new StackIndex(args.resources);
            const untied = untiedConfigurations(index, rule.parameter);
            if (index.servers().length === 0 && untied.length === 0) {
                return args.notApplicable(`Policy only applies to stacks with resources of type '${TYPES.server}' or a Configuration of ${rule.parameter}`);
            }
            const config = args.getConfig<C>();
            for (const configuration of untied) {
                const value = index.props<ConfigurationInputs>(configuration).value;
                const problem = typeof value === "string" ? rule.check(value, config, undefined) : undefined;
                if (problem !== undefined) {
                    report(`Configuration ${configuration.name} sets ${rule.parameter} to "${value}" but cannot be tied to a server of the stack (its serverName is not known and the stack has ${index.servers().length} servers): ${problem} Give it the server's name through the server resource (serverName: server.name).`, configuration.urn);
                }
            }
            for (const server of index.servers()) {
                const version = majorVersion(index, server);
                if (rule.appliesTo && !rule.appliesTo(version)) {
                    continue;
                }
                const value = effectiveParameter(index, server, rule.parameter);
                if (value.state !== "known") {
                    continue;
                }
                const problem = rule.check(value.value, config, version);
                if (problem !== undefined) {
                    report(`Server ${index.serverLabel(server)}: ${rule.parameter} is "${value.value}" (${origin(value, version)}): ${problem}`, value.urn ?? server.urn);
                }
            }
        },
    };
}

function mustBeOn(fix: string): (value: string) => string | undefined {
    return (value) => (isOn(value) ? undefined : fix);
}

export const requireSecureTransport = parameterPolicy({
    name: "postgres-require-secure-transport",
    summary: "PostgreSQL flexible servers refuse unencrypted connections: require_secure_transport is on.",
    sources: { azurePolicy: [AZURE_POLICY.secureTransport], cis: ["5.2.1"], trivy: ["AVD-AZU-0020"] },
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Declare a Configuration require_secure_transport = \"on\" (or remove the override that turns it off).",
    parameter: "require_secure_transport",
    check: mustBeOn("declare it \"on\" so every connection, and the Entra token sent as its password, is encrypted."),
});

/** PostgreSQL's names for ssl_min_protocol_version, oldest first (Azure accepts the last two). */
const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/**
 * The rank of a PostgreSQL TLS version name (`TLSv1` 0 … `TLSv1.3` 3, case-insensitive); `undefined` for
 * anything else: a version PostgreSQL does not name (`TLSv1.4`), a list, or another tool's spelling
 * (`TLS1_2`, `TLS1.2`), which the server refuses and so must not pass as new enough.
 */
export function tlsVersionRank(value: string): number | undefined {
    const rank = TLS_VERSIONS.findIndex((v) => ciEquals(value, v));
    return rank < 0 ? undefined : rank;
}

interface TlsConfig {
    minimumVersion: string;
}

export const tlsMinimumVersion = parameterPolicy<TlsConfig>({
    name: "postgres-tls-min-version",
    summary: "PostgreSQL flexible servers accept TLS 1.2 or newer only: ssl_min_protocol_version is one of PostgreSQL's version names (TLSv1 to TLSv1.3, compared case-insensitively) and at least the configured version.",
    sources: { azurePolicy: [AZURE_POLICY.tls12], trivy: ["AVD-AZU-0026"] },
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Declare a Configuration ssl_min_protocol_version = \"TLSv1.2\" or \"TLSv1.3\".",
    configSchema: {
        properties: {
            minimumVersion: { type: "string", enum: TLS_VERSIONS.slice(2), default: "TLSv1.2", description: "Oldest TLS version servers may accept." },
        },
    },
    parameter: "ssl_min_protocol_version",
    check: (value, config) => {
        const actual = tlsVersionRank(value);
        const minimum = tlsVersionRank(config.minimumVersion) ?? TLS_VERSIONS.indexOf("TLSv1.2");
        if (actual === undefined) {
            return `not a TLS version PostgreSQL names: use one of ${TLS_VERSIONS.slice(2).join(", ")}.`;
        }
        return actual < minimum ? `clients could negotiate TLS older than ${config.minimumVersion}; declare "${config.minimumVersion}" or newer.` : undefined;
    },
});

export const logCheckpoints = parameterPolicy({
    name: "postgres-log-checkpoints",
    summary: "PostgreSQL flexible servers log checkpoints: log_checkpoints is on.",
    sources: { azurePolicy: [AZURE_POLICY.logCheckpoints], cis: ["5.2.2"], trivy: ["AVD-AZU-0024"] },
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Declare a Configuration log_checkpoints = \"on\".",
    parameter: "log_checkpoints",
    check: mustBeOn("declare it \"on\"."),
});

export const logConnections = parameterPolicy({
    name: "postgres-log-connections",
    summary: "PostgreSQL flexible servers log connection attempts, where failed Entra logins show up: log_connections is on (on PostgreSQL 18, any non-empty set of connection stages).",
    sources: { azurePolicy: [AZURE_POLICY.logConnections], trivy: ["AVD-AZU-0019"] },
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Declare a Configuration log_connections = \"on\" (PostgreSQL 18: \"on\" or a list such as \"receipt,authentication,authorization\").",
    parameter: "log_connections",
    check: (value, _config, version) =>
        (version !== undefined && version >= 18 ? isSetOn(value) : isOn(value)) ? undefined : "declare it \"on\" so connection attempts and authentication failures are logged.",
});

export const logDisconnections = parameterPolicy({
    name: "postgres-log-disconnections",
    summary: "PostgreSQL flexible servers log the end of each session: log_disconnections is on.",
    sources: { azurePolicy: [AZURE_POLICY.logDisconnections] },
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Declare a Configuration log_disconnections = \"on\".",
    parameter: "log_disconnections",
    check: mustBeOn("declare it \"on\"."),
});

interface LogRetentionConfig {
    minimumDays: number;
}

export const logFileRetention = parameterPolicy<LogRetentionConfig>({
    name: "postgres-log-retention-days",
    summary: "PostgreSQL flexible servers keep server log files long enough for an investigation: logfiles.retention_days is at least the configured minimum (default 7, Azure Policy's threshold, stricter than CIS's more than 3; Azure's default is 3, the maximum 7).",
    sources: { azurePolicy: [AZURE_POLICY.logFileRetention], cis: ["5.2.4"] },
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Declare a Configuration logfiles.retention_days between the configured minimum and 7.",
    configSchema: {
        properties: {
            minimumDays: { type: "integer", minimum: 1, maximum: 7, default: 7, description: "Fewest days server log files are kept (7: Azure Policy f5ed3f7a; 4: CIS 5.2.4's more than 3)." },
        },
    },
    parameter: "logfiles.retention_days",
    check: (value, config) => {
        const days = Number.parseInt(value, 10);
        if (!Number.isFinite(days)) {
            return "not a number of days.";
        }
        return days < config.minimumDays ? `keep log files at least ${config.minimumDays} days (at most 7).` : undefined;
    },
});

/**
 * The escapes of a `log_line_prefix` (`%u`, `%d`, ... with optional padding such as `%-10u`); `%%` is a
 * literal percent sign, not an escape.
 */
export function logLinePrefixEscapes(prefix: string): Set<string> {
    const escapes = new Set<string>();
    for (let i = 0; i < prefix.length; i++) {
        if (prefix[i] !== "%") {
            continue;
        }
        let j = i + 1;
        while (j < prefix.length && /[-0-9]/.test(prefix[j])) {
            j++;
        }
        if (j < prefix.length && prefix[j] !== "%") {
            escapes.add(`%${prefix[j]}`);
        }
        i = j;
    }
    return escapes;
}

interface LogLinePrefixConfig {
    requiredEscapes: string[];
}

export const logLinePrefix = parameterPolicy<LogLinePrefixConfig>({
    name: "postgres-log-line-prefix",
    summary: "PostgreSQL flexible server log lines name who did what where: log_line_prefix contains %u (user) and %d (database), so Entra principals can be told apart in the logs.",
    sources: { azurePolicy: [AZURE_POLICY.logLinePrefix] },
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Declare a Configuration log_line_prefix containing %u and %d, e.g. \"%t-%c-%u@%d-\".",
    configSchema: {
        properties: {
            requiredEscapes: {
                type: "array",
                items: { type: "string", pattern: "^%[a-zA-Z]$" },
                default: ["%u", "%d"],
                description: "Escapes log_line_prefix must contain (case-sensitive, as PostgreSQL reads them).",
            },
        },
    },
    parameter: "log_line_prefix",
    check: (value, config) => {
        const present = logLinePrefixEscapes(value);
        const missing = config.requiredEscapes.filter((e) => !present.has(e));
        return missing.length > 0 ? `add ${missing.join(" and ")} to it.` : undefined;
    },
});

export const connectionThrottling = parameterPolicy({
    name: "postgres-connection-throttling",
    summary: "PostgreSQL flexible servers below version 18 throttle repeated failed logins per IP: connection_throttle.enable is on. Not applied from PostgreSQL 18, where the parameter is deprecated; a server without a version is judged with the default every version that has the parameter shares (off).",
    sources: { azurePolicy: [AZURE_POLICY.connectionThrottling], cis: ["5.2.3"], trivy: ["AVD-AZU-0021"] },
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Declare a Configuration connection_throttle.enable = \"on\" on servers below PostgreSQL 18.",
    parameter: "connection_throttle.enable",
    appliesTo: (version) => version === undefined || version < 18,
    check: mustBeOn("declare it \"on\" (servers below PostgreSQL 18)."),
});

export const passwordEncryption = parameterPolicy({
    name: "postgres-password-encryption",
    summary: "PostgreSQL flexible servers hash passwords with SCRAM: password_encryption is scram-sha-256 (Azure's default from PostgreSQL 14; md5 on 11 to 13), so a password set for a PostgreSQL login is never stored as an MD5 hash.",
    sources: { basis: "Microsoft Learn, Azure Database for PostgreSQL server parameters: password_encryption (default md5 on 11-13, scram-sha-256 from 14)" },
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Declare a Configuration password_encryption = \"scram-sha-256\" (server.parameters.password_encryption), then reset passwords set while it was md5.",
    parameter: "password_encryption",
    check: (value) => (ciEquals(value, "scram-sha-256") ? undefined : "declare it \"scram-sha-256\" so passwords are stored as SCRAM verifiers, not MD5 hashes."),
});

interface PgauditConfig {
    requiredClasses: string[];
}

/**
 * The statement classes a `pgaudit.log` value audits: comma-separated, case-insensitive, `all` meaning every
 * class and a leading `-` removing one (pgaudit's syntax, e.g. `all,-misc`).
 */
export function pgauditClasses(value: string): (cls: string) => boolean {
    const items = value.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "");
    return (cls) => {
        let on = false;
        for (const item of items) {
            if (item === "all" || item === cls) {
                on = true;
            } else if (item === `-${cls}`) {
                on = false;
            }
        }
        return on;
    };
}

export const pgaudit: StackValidationPolicy = {
    name: "postgres-pgaudit",
    ...cite("PostgreSQL flexible servers audit with pgAudit: shared_preload_libraries loads pgaudit and pgaudit.log audits the required statement classes (default role and ddl, what Azure Policy eadbb524 checks; an empty list accepts anything but none, Azure Policy 4eb5e667's reading).", {
        azurePolicy: [AZURE_POLICY.pgaudit, AZURE_POLICY.pgauditPreload, AZURE_POLICY.pgauditLogClasses],
    }),
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Declare shared_preload_libraries including pgaudit (a restart) and pgaudit.log, e.g. \"role,ddl,misc\"; create the extension in the databases to audit.",
    configSchema: {
        properties: {
            requiredClasses: {
                type: "array",
                items: { type: "string", enum: ["read", "write", "function", "role", "ddl", "misc", "misc_set"] },
                uniqueItems: true,
                default: ["role", "ddl"],
                description: "pgaudit.log classes that must be audited ([] accepts any value but none).",
            },
        },
    },
    validateStack: withStack(TYPES.server, (index, args, report) => {
        const { requiredClasses } = args.getConfig<PgauditConfig>();
        for (const server of index.servers()) {
            const version = majorVersion(index, server);
            const libraries = effectiveParameter(index, server, "shared_preload_libraries");
            const log = effectiveParameter(index, server, "pgaudit.log");
            const problems: string[] = [];
            if (libraries.state === "known" && !libraries.value.split(",").some((l) => l.trim().toLowerCase() === "pgaudit")) {
                problems.push(`shared_preload_libraries is "${libraries.value}" (${origin(libraries, version)}) and does not load pgaudit`);
            }
            if (log.state === "known") {
                const audits = pgauditClasses(log.value);
                const missing = requiredClasses.filter((c) => !audits(c));
                if (["", "none"].includes(log.value.trim().toLowerCase())) {
                    problems.push(`pgaudit.log is "${log.value}" (${origin(log, version)}), so nothing is audited`);
                } else if (missing.length > 0) {
                    problems.push(`pgaudit.log is "${log.value}" (${origin(log, version)}) and does not audit ${missing.join(", ")}`);
                }
            }
            if (problems.length > 0) {
                report(`Server ${index.serverLabel(server)}: ${problems.join("; ")}. Load pgaudit and set pgaudit.log to at least ${requiredClasses.join(",") || "one class"}.`, server.urn);
            }
        }
    }),
};

/** Server parameter policies, in pack order. */
export const parameterPolicies: readonly PackPolicy[] = [
    requireSecureTransport,
    tlsMinimumVersion,
    logCheckpoints,
    logConnections,
    logDisconnections,
    logFileRetention,
    logLinePrefix,
    connectionThrottling,
    passwordEncryption,
    pgaudit,
];
