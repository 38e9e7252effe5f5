/**
 * Policies on how the stack itself connects to PostgreSQL: every PostgreSQL provider and every connection
 * string the stack declares verifies the server's certificate, since the Entra token travels as the password.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { StackIndex } from "./lib/graph";
import { cite, type PackPolicy } from "./lib/policy";
import { hasKey } from "./lib/props";
import { userDataText } from "./lib/secrets";
import { fold, show } from "./lib/text";
import { TYPES } from "./lib/types";

/** libpq sslmode values that check the server certificate (verify-full also checks the host name). */
const VERIFYING = ["verify-full", "verify-ca"];

/** Property names that hold base64 cloud-init on a VM. */
const BASE64_KEYS = new Set(["customData", "userData"]);

/** Every string value in `value` (depth first), with base64 user data decoded, and the path to it. */
function strings(value: unknown, path: string, out: { path: string; text: string }[]): void {
    if (typeof value === "string") {
        const key = path.split(".").pop() ?? "";
        out.push({ path, text: BASE64_KEYS.has(key) ? userDataText(value) ?? value : value });
    } else if (Array.isArray(value)) {
        value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
    } else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            strings(v, path === "" ? k : `${path}.${k}`, out);
        }
    }
}

/**
 * What is wrong with the connection strings in one text: libpq key/value strings and postgres:// URIs whose
 * sslmode does not verify the server (a missing sslmode means libpq's default, prefer, unless PGSSLMODE is set
 * in the same text).
 */
export function connectionStringProblems(text: string): string[] {
    const problems: string[] = [];
    const envMode = /\bPGSSLMODE=["']?([A-Za-z-]+)/.exec(text)?.[1];
    if (envMode !== undefined && !VERIFYING.includes(envMode.toLowerCase())) {
        problems.push(`PGSSLMODE=${envMode}`);
    }
    for (const m of text.matchAll(/\bsslmode=["']?([A-Za-z-]+)/gi)) {
        if (!VERIFYING.includes(m[1].toLowerCase())) {
            problems.push(`sslmode=${m[1]}`);
        }
    }
    const verifiedByEnv = envMode !== undefined && VERIFYING.includes(envMode.toLowerCase());
    for (const m of text.matchAll(/\bpostgres(?:ql)?:\/\/[^\s"'`<>]+/gi)) {
        if (!/[?&]sslmode=/i.test(m[0]) && !verifiedByEnv) {
            problems.push(`${m[0].replace(/\/\/[^@/]*@/, "//…@")} without sslmode`);
        }
    }
    // A quoted key/value conninfo ("host=... dbname=...", keywords separated by blanks, unlike a URL query) without sslmode.
    for (const m of text.matchAll(/["']([^"'\n]*)["']/g)) {
        const conninfo = /(?:^|\s)host=\S/.test(m[1]) && /(?:^|\s)(?:dbname|user)=\S/.test(m[1]);
        if (conninfo && !/(?:^|\s)sslmode=/i.test(m[1]) && !verifiedByEnv) {
            problems.push(`"${m[1]}" without sslmode`);
        }
    }
    return problems;
}

function providerMode(index: StackIndex, provider: PolicyResource): { state: "unknown" } | { state: "known"; value?: string } {
    const props = index.props<Record<string, unknown>>(provider);
    for (const key of ["sslmode", "sslMode"]) {
        if (hasKey(props, key)) {
            const value = props[key];
            return typeof value === "string" ? { state: "known", value } : { state: "unknown" };
        }
    }
    return { state: "known" };
}

export const clientVerifiesServerCertificate: StackValidationPolicy = {
    name: "postgres-client-verifies-server-certificate",
    ...cite("Every PostgreSQL provider of the stack (pulumi:providers:postgresql) connects with sslmode verify-full or verify-ca, and every PostgreSQL connection string the stack declares (libpq key/value or postgres:// URI, including VM cloud-init) sets sslmode verify-full or verify-ca: the Entra token is the password, and require or prefer encrypts without checking who receives it.", {
        basis: "project rule: tokens only travel over TLS that verifies the server; PostgreSQL libpq documentation, sslmode (require does not verify the certificate)",
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Give the postgresql Provider sslmode \"verify-full\" with sslrootcert naming the CA bundle of the server certificate, and write sslmode=verify-full (with sslrootcert) into connection strings and psql commands.",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const providers = index.ofType(TYPES.postgresqlProvider);
        let applies = providers.length > 0;
        for (const provider of providers) {
            const mode = providerMode(index, provider);
            if (mode.state === "known" && !VERIFYING.includes(fold(mode.value) ?? "")) {
                report(`PostgreSQL provider ${provider.name} has sslmode ${mode.value === undefined ? "not set (the provider does not verify the server by default)" : show(mode.value)}: set "verify-full" (with sslrootcert) so the token is only sent to the real server.`, provider.urn);
            }
        }
        for (const resource of index.resources) {
            if (resource.type === TYPES.postgresqlProvider) {
                continue;
            }
            const found: { path: string; text: string }[] = [];
            strings(index.props<unknown>(resource), "", found);
            for (const { path, text } of found) {
                const problems = connectionStringProblems(text);
                if (/\b(sslmode=|postgres(?:ql)?:\/\/|host=)/i.test(text) && /\b(sslmode|dbname|user)=|postgres(?:ql)?:\/\//i.test(text)) {
                    applies = true;
                }
                if (problems.length > 0) {
                    report(`${resource.name}: ${path} connects to PostgreSQL with ${[...new Set(problems)].join(", ")}: use sslmode=verify-full (with sslrootcert) so the server certificate is checked.`, resource.urn);
                }
            }
        }
        if (!applies) {
            return args.notApplicable("The stack declares no PostgreSQL provider or connection string.");
        }
    },
};

/** Connection policies, in pack order. */
export const connectionPolicies: readonly PackPolicy[] = [clientVerifiesServerCertificate];
