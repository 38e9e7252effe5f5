import { clouds, type Cloud } from "../cloud";
import { principalKinds, type PrincipalKind } from "../config/model";
import { existingRoleNameProblem, guidPattern, roleNameProblem } from "../config/names";
import { isCloud } from "./audiences";

/** The provider's inputs, resolved (see `EntraRoleArgs` for the meaning of each). */
export interface EntraRoleInputs {
    serverFqdn: string;
    adminLogin: string;
    roleName: string;
    objectId?: string;
    principalType: PrincipalKind;
    isAdmin?: boolean;
    isMfa?: boolean;
    cloud?: Cloud;
    port?: number;
    caCertificate?: string;
    dangerouslyDisableTlsVerification?: boolean;
}

/** Inputs with defaults applied and values normalized (object id in lower case). */
export interface ResolvedInputs {
    serverFqdn: string;
    adminLogin: string;
    roleName: string;
    objectId?: string;
    principalType: PrincipalKind;
    isAdmin: boolean;
    isMfa: boolean;
    cloud: Cloud;
    port: number;
    caCertificate?: string;
    dangerouslyDisableTlsVerification: boolean;
}

/** What the provider keeps in state: the resolved inputs, the live object id and the provider's version. */
export interface EntraRoleState extends ResolvedInputs {
    objectId: string;
    providerVersion: string;
}

/** One invalid input. */
export interface InputFailure {
    property: string;
    reason: string;
}

/** The value the engine passes for inputs not known yet (during preview). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Rule = (value: unknown) => string | undefined;

const text = (name: string, hint: string): Rule => (v) =>
    typeof v === "string" && v.trim().length > 0 && v === v.trim() ? undefined : `${name} must be a non-empty string without surrounding spaces (${hint})`;

/**
 * The one set of rules for the inputs that say how to reach a server, shared by `EntraRole` and the SQL
 * providers (`components/sql/provider.ts`). Each returns why a value is invalid, or `undefined`. Every
 * message starts with the input's name.
 */
export const connectionRules: Readonly<Record<"serverFqdn" | "adminLogin" | "cloud" | "port" | "caCertificate", Rule>> = {
    serverFqdn: (v) =>
        text("serverFqdn", "the server's fullyQualifiedDomainName")(v) ??
        (/[\s/:]/.test(String(v)) ? `serverFqdn "${String(v)}" must be a host name only, without scheme, port or path` : undefined),
    adminLogin: text("adminLogin", "the exact, case-sensitive name of the server's Entra administrator"),
    cloud: (v) => (v === undefined || isCloud(v) ? undefined : `cloud must be one of ${clouds.join(", ")}, got "${String(v)}"`),
    port: (v) => (v === undefined || (Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536) ? undefined : `port must be an integer from 1 to 65535, got ${String(v)}`),
    caCertificate: (v) =>
        v === undefined || (typeof v === "string" && v.includes("-----BEGIN CERTIFICATE-----")) ? undefined : "caCertificate must be PEM text (-----BEGIN CERTIFICATE-----)",
};

/** Every connection input of `raw` that breaks {@link connectionRules}, in the rules' order. */
export function connectionFailures(raw: Record<string, unknown>): InputFailure[] {
    return Object.entries(connectionRules).flatMap(([property, rule]) => {
        const reason = rule(raw[property]);
        return reason ? [{ property, reason }] : [];
    });
}

/**
 * Applies defaults to `raw` and lists what is invalid. With `allowUnknown`, values not known yet (preview)
 * pass unchecked.
 */
export function resolveInputs(raw: Record<string, unknown>, allowUnknown = false, existing = false): { inputs: ResolvedInputs; failures: InputFailure[] } {
    const failures: InputFailure[] = [];
    const isUnknown = (v: unknown) => allowUnknown && v === unknownValue;
    const check = (property: string, value: unknown, problem: (v: unknown) => string | undefined) => {
        if (isUnknown(value)) return;
        const reason = problem(value);
        if (reason) failures.push({ property, reason });
    };
    const flag = (name: string) => (v: unknown) => (v === undefined || typeof v === "boolean" ? undefined : `${name} must be true or false`);

    check("serverFqdn", raw.serverFqdn, connectionRules.serverFqdn);
    check("adminLogin", raw.adminLogin, connectionRules.adminLogin);
    // A role already in the state may predate the look-alike rule (config/names.ts): it can still be read and dropped.
    check("roleName", raw.roleName, existing ? existingRoleNameProblem : roleNameProblem);
    check("objectId", raw.objectId, (v) =>
        v === undefined || (typeof v === "string" && guidPattern.test(v)) ? undefined : `objectId must be an Entra object id (a GUID), got "${String(v)}"`,
    );
    check("principalType", raw.principalType, (v) =>
        principalKinds.includes(v as PrincipalKind) ? undefined : `principalType must be one of ${principalKinds.join(", ")}, got "${String(v)}"`,
    );
    check("isAdmin", raw.isAdmin, flag("isAdmin"));
    check("isMfa", raw.isMfa, flag("isMfa"));
    check("cloud", raw.cloud, connectionRules.cloud);
    check("port", raw.port, connectionRules.port);
    check("caCertificate", raw.caCertificate, connectionRules.caCertificate);
    check("dangerouslyDisableTlsVerification", raw.dangerouslyDisableTlsVerification, flag("dangerouslyDisableTlsVerification"));

    const objectId = typeof raw.objectId === "string" && !isUnknown(raw.objectId) ? raw.objectId.toLowerCase() : (raw.objectId as string | undefined);
    const inputs: ResolvedInputs = {
        serverFqdn: raw.serverFqdn as string,
        adminLogin: raw.adminLogin as string,
        roleName: raw.roleName as string,
        principalType: raw.principalType as PrincipalKind,
        isAdmin: (raw.isAdmin as boolean | undefined) ?? false,
        isMfa: (raw.isMfa as boolean | undefined) ?? false,
        cloud: (raw.cloud as Cloud | undefined) ?? "public",
        port: (raw.port as number | undefined) ?? 5432,
        dangerouslyDisableTlsVerification: (raw.dangerouslyDisableTlsVerification as boolean | undefined) ?? false,
    };
    if (objectId !== undefined) inputs.objectId = objectId;
    if (raw.caCertificate !== undefined) inputs.caCertificate = raw.caCertificate as string;
    // State written by 0.1.0 may hold `database` (an input for tests then; programs never set it): it is no input
    // any more and is dropped here, so such state reads, diffs and deletes as before (test/roles/upgrade.test.ts).
    return { inputs, failures };
}

/** {@link resolveInputs}, throwing one error that lists every invalid input. Runs before any connection. */
export function requireValidInputs(raw: Record<string, unknown>, existing = false): ResolvedInputs {
    const { inputs, failures } = resolveInputs(raw, false, existing);
    if (failures.length > 0) {
        throw Object.assign(new Error(`Invalid EntraRole inputs: ${failures.map((f) => f.reason).join("; ")}.`), { retryable: false });
    }
    return inputs;
}

/** The stored state as {@link EntraRoleState}, with defaults for anything an older provider version did not store. */
export function stateFromProps(props: Record<string, unknown>): EntraRoleState {
    const { inputs } = resolveInputs(props, false, true);
    return {
        ...inputs,
        objectId: typeof props.objectId === "string" ? props.objectId.toLowerCase() : "",
        providerVersion: typeof props.providerVersion === "string" ? props.providerVersion : "unknown",
    };
}
