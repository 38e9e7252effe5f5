import { TYPES } from "../../../policies/lib/types";
import { NAMES, PROD, SECURE_PARAMETERS, SERVER_URN, U, buildStack, patch } from "../fixtures";
import { res, urnOf, type CaseTable } from "../helpers";

/** A prod stack whose declared parameters are `parameters` (instead of the secure set). */
const withParameters = (parameters: Record<string, string>, version = PROD.version) => buildStack({ ...PROD, parameters, version });
/** The secure set with some parameters changed or removed (`undefined`). */
const secureBut = (changes: Record<string, string | undefined>, version?: string) => {
    const parameters: Record<string, string> = { ...SECURE_PARAMETERS };
    for (const [k, v] of Object.entries(changes)) {
        if (v === undefined) {
            delete parameters[k];
        } else {
            parameters[k] = v;
        }
    }
    return withParameters(parameters, version);
};
const paramUrn = (parameter: string) => urnOf(TYPES.configuration, `db-param-${parameter.replace(/[._]/g, "-")}`);
const secure = buildStack(PROD);

export const parameterCases: CaseTable = {
    "postgres-require-secure-transport": [
        { title: "declared on", resources: secure, expect: "pass" },
        { title: "declared OFF (any case)", resources: secureBut({ require_secure_transport: "OFF" }), expect: "fail", urn: paramUrn("require_secure_transport"), message: /require_secure_transport is "OFF" \(declared by a Configuration\)/ },
        { title: "undeclared: Azure's default is on", resources: secureBut({ require_secure_transport: undefined }), expect: "pass" },
        { title: "y: trivy AVD-AZU-0020 reads it as on, Azure takes on or off only", resources: secureBut({ require_secure_transport: "y" }), expect: "fail", message: /require_secure_transport is "y"/ },
        {
            title: "declared value unknown at preview: no decision",
            resources: patch(secureBut({ require_secure_transport: "off" }), "db-param-require-secure-transport", (r) => (r.props.value = U)),
            expect: "pass",
        },
        {
            title: "joined by equal server name when the dependency is missing",
            resources: [
                ...secureBut({ require_secure_transport: undefined }),
                res(TYPES.configuration, "loose-param", { serverName: "PG-ENTRA-PROD", configurationName: "require_secure_transport", value: "off" }),
            ],
            expect: "fail", urn: urnOf(TYPES.configuration, "loose-param"),
        },
        {
            title: "a configuration of another server does not count",
            resources: [
                ...secureBut({ require_secure_transport: undefined }),
                res(TYPES.configuration, "other-param", { serverName: "some-other-server", configurationName: "require_secure_transport", value: "off" }),
            ],
            expect: "pass",
        },
        { title: "stack without a server or a configuration of it", resources: [res(TYPES.configuration, "p", { configurationName: "log_checkpoints", value: "off" })], expect: "not-applicable" },
        {
            title: "a configuration that cannot be tied to a server (no server in the stack) is reported",
            resources: [res(TYPES.configuration, "p", { configurationName: "require_secure_transport", value: "off" })],
            expect: "fail", urn: urnOf(TYPES.configuration, "p"), message: /cannot be tied to a server of the stack/,
        },
        {
            title: "a configuration with an unknown server name among two servers is reported",
            resources: [
                ...secure,
                res(TYPES.server, "second", { serverName: "pg-second", version: "17" }),
                res(TYPES.configuration, "loose", { serverName: U, configurationName: "require_secure_transport", value: "off" }),
            ],
            expect: "fail", urn: urnOf(TYPES.configuration, "loose"), message: /cannot be tied to a server of the stack \(its serverName is not known and the stack has 2 servers\)/,
        },
        {
            title: "an untied configuration that complies is not reported",
            resources: [...secure, res(TYPES.server, "second", { serverName: "pg-second", version: "17" }), res(TYPES.configuration, "loose", { serverName: U, configurationName: "require_secure_transport", value: "on" })],
            expect: "pass",
        },
    ],
    "postgres-tls-min-version": [
        { title: "TLSv1.2", resources: secure, expect: "pass" },
        { title: "tlsv1.3, lower case", resources: secureBut({ ssl_min_protocol_version: "tlsv1.3" }), expect: "pass" },
        { title: "TLSv1.1", resources: secureBut({ ssl_min_protocol_version: "TLSv1.1" }), expect: "fail", message: /ssl_min_protocol_version is "TLSv1\.1".*older than TLSv1\.2/ },
        { title: "TLSv1.2 against a TLSv1.3 minimum", resources: secure, config: { minimumVersion: "TLSv1.3" }, expect: "fail", message: /older than TLSv1\.3/ },
        { title: "undeclared: Azure's default TLSv1.2", resources: secureBut({ ssl_min_protocol_version: undefined }), expect: "pass" },
        { title: "TLSv1.3 against a TLSv1.3 minimum", resources: secureBut({ ssl_min_protocol_version: "TLSv1.3" }), config: { minimumVersion: "TLSv1.3" }, expect: "pass" },
        { title: "TLSv1, PostgreSQL's name for 1.0", resources: secureBut({ ssl_min_protocol_version: "TLSv1" }), expect: "fail", message: /"TLSv1".*older than TLSv1\.2/ },
        // trivy AVD-AZU-0026 (v0.74.0) keeps a value it does not recognise as written, which fails; so does the pack.
        { title: "TLSv1.4, a version PostgreSQL does not name", resources: secureBut({ ssl_min_protocol_version: "TLSv1.4" }), expect: "fail", message: /"TLSv1\.4".*not a TLS version PostgreSQL names: use one of TLSv1\.2, TLSv1\.3/ },
        { title: "a list of versions (MySQL's tls_version syntax)", resources: secureBut({ ssl_min_protocol_version: "TLSv1.3,TLSv1.2" }), expect: "fail", message: /not a TLS version PostgreSQL names/ },
        { title: "trivy's spelling TLS1_2", resources: secureBut({ ssl_min_protocol_version: "TLS1_2" }), expect: "fail", message: /not a TLS version PostgreSQL names/ },
        { title: "TLS1.2 without the v", resources: secureBut({ ssl_min_protocol_version: "TLS1.2" }), expect: "fail", message: /not a TLS version PostgreSQL names/ },
        { title: "an empty value", resources: secureBut({ ssl_min_protocol_version: "" }), expect: "fail", message: /not a TLS version PostgreSQL names/ },
    ],
    "postgres-log-checkpoints": [
        { title: "declared on", resources: secure, expect: "pass" },
        { title: "declared off", resources: secureBut({ log_checkpoints: "off" }), expect: "fail", message: /log_checkpoints is "off"/ },
    ],
    "postgres-log-connections": [
        { title: "declared on", resources: secure, expect: "pass" },
        { title: "declared off", resources: secureBut({ log_connections: "off" }), expect: "fail", message: /log_connections is "off"/ },
        { title: "PostgreSQL 18 stage list counts as on", resources: secureBut({ log_connections: "receipt,authentication", "connection_throttle.enable": undefined }, "18"), expect: "pass" },
        { title: "a stage list below 18 is not a boolean on", resources: secureBut({ log_connections: "receipt" }, "17"), expect: "fail" },
    ],
    "postgres-log-disconnections": [
        { title: "declared on", resources: secure, expect: "pass" },
        { title: "declared false", resources: secureBut({ log_disconnections: "false" }), expect: "fail", message: /log_disconnections is "false"/ },
    ],
    "postgres-log-retention-days": [
        { title: "7 days", resources: secure, expect: "pass" },
        { title: "undeclared: Azure keeps 3 days", resources: secureBut({ "logfiles.retention_days": undefined }), expect: "fail", urn: SERVER_URN, message: /logfiles\.retention_days is "3" \(Azure's default for PostgreSQL 17/ },
        { title: "4 days against the default 7 (Azure Policy, stricter than CIS)", resources: secureBut({ "logfiles.retention_days": "4" }), expect: "fail", message: /keep log files at least 7 days/ },
        { title: "4 days with the minimum relaxed to CIS's more than 3", resources: secureBut({ "logfiles.retention_days": "4" }), config: { minimumDays: 4 }, expect: "pass" },
    ],
    "postgres-log-line-prefix": [
        { title: "%u and %d present", resources: secure, expect: "pass" },
        { title: "Azure's default %t-%c- when undeclared", resources: secureBut({ log_line_prefix: undefined }), expect: "fail", message: /add %u and %d/ },
        { title: "padded escapes count", resources: secureBut({ log_line_prefix: "%m [%p] %-10u %10d " }), expect: "pass" },
        { title: "an escaped percent is not an escape", resources: secureBut({ log_line_prefix: "%t %%u %d" }), expect: "fail", message: /add %u to it/ },
        { title: "escapes are case-sensitive", resources: secureBut({ log_line_prefix: "%t %U %D" }), expect: "fail" },
    ],
    "postgres-connection-throttling": [
        { title: "declared on below 18", resources: secure, expect: "pass" },
        { title: "undeclared on 16: Azure's default is off", resources: secureBut({ "connection_throttle.enable": undefined }, "16"), expect: "fail", message: /connection_throttle\.enable is "off" \(Azure's default for PostgreSQL 16/ },
        { title: "not required from PostgreSQL 18", resources: secureBut({ "connection_throttle.enable": undefined }, "18"), expect: "pass" },
        {
            title: "version not set and undeclared: judged with the default every version that has it shares (off)",
            resources: patch(secureBut({ "connection_throttle.enable": undefined }), NAMES.server, (r) => delete r.props.version),
            expect: "fail", message: /connection_throttle\.enable is "off" \(Azure's default \(the server's version is not set\)/,
        },
        { title: "version not set, declared on", resources: patch(secure, NAMES.server, (r) => delete r.props.version), expect: "pass" },
        {
            title: "version unknown at preview and undeclared: no decision",
            resources: patch(secureBut({ "connection_throttle.enable": undefined }), NAMES.server, (r) => (r.props.version = U)),
            expect: "pass",
        },
        {
            title: "version unknown but declared off",
            resources: patch(secureBut({ "connection_throttle.enable": "off" }), NAMES.server, (r) => (r.props.version = U)),
            expect: "fail",
        },
    ],
    "postgres-pgaudit": [
        { title: "loaded and logging", resources: secureBut({ shared_preload_libraries: "pg_cron,pg_stat_statements,PGAUDIT", "pgaudit.log": "ddl,role" }), expect: "pass" },
        { title: "program defaults: not loaded", resources: secure, expect: "fail", message: /does not load pgaudit.*pgaudit\.log is "none"/ },
        { title: "loaded but logging nothing", resources: secureBut({ shared_preload_libraries: "pgaudit", "pgaudit.log": "none" }), expect: "fail", message: /nothing is audited/ },
        { title: "logging ddl only: role is missing (Azure Policy eadbb524)", resources: secureBut({ shared_preload_libraries: "pgaudit", "pgaudit.log": "ddl" }), expect: "fail", message: /does not audit role/ },
        { title: "logging ddl only, relaxed to any class (Azure Policy 4eb5e667)", resources: secureBut({ shared_preload_libraries: "pgaudit", "pgaudit.log": "ddl" }), config: { requiredClasses: [] }, expect: "pass" },
        { title: "all but misc covers role and ddl", resources: secureBut({ shared_preload_libraries: "pgaudit", "pgaudit.log": "ALL,-misc" }), expect: "pass" },
        { title: "all but role", resources: secureBut({ shared_preload_libraries: "pgaudit", "pgaudit.log": "all,-role" }), expect: "fail", message: /does not audit role/ },
    ],
    "postgres-password-encryption": [
        { title: "undeclared on 17: Azure's default scram-sha-256", resources: secure, expect: "pass" },
        { title: "undeclared on 13: Azure's default md5", resources: withParameters({ ...SECURE_PARAMETERS }, "13"), expect: "fail", message: /password_encryption is "md5" \(Azure's default for PostgreSQL 13/ },
        { title: "declared md5 on 17", resources: secureBut({ password_encryption: "md5" }), expect: "fail", urn: paramUrn("password_encryption"), message: /declare it "scram-sha-256"/ },
        { title: "declared SCRAM-SHA-256 on 13 (any case)", resources: withParameters({ ...SECURE_PARAMETERS, password_encryption: "SCRAM-SHA-256" }, "13"), expect: "pass" },
    ],
};
