import { nearestKey } from "./errors";
import catalogue from "./serverParameters.json";

/**
 * The server parameter catalogue (serverParameters.json): name, kind, type, allowed values and default per
 * PostgreSQL major version, transcribed from Microsoft Learn's parameter reference for Flexible Server
 * (MicrosoftDocs/azure-databases-docs, includes/param-<version>-<category>.md). Its `coverage` says which
 * categories were read; overrides are checked against it before any resource is declared.
 */

export type ParameterKind = "dynamic" | "static" | "read-only";
export type ParameterType = "boolean" | "integer" | "numeric" | "enumeration" | "set" | "string";

export interface CatalogueEntry {
    readonly name: string;
    readonly versions: readonly string[];
    readonly kind: ParameterKind;
    readonly type: ParameterType;
    /** Values (boolean, enumeration, set, fixed read-only values), a range, a pattern, or unknown. */
    readonly allowed: readonly string[] | { readonly min: number; readonly max: number } | { readonly pattern: string } | null;
    readonly default?: string;
    /** Version → key of `sources`. */
    readonly sources: Readonly<Record<string, string>>;
    /** Versions whose page was read; absent: all of `versions`. */
    readonly confirmedVersions?: readonly string[];
    /** Versions whose page was read and does not list the parameter → key of `sources`. */
    readonly absentFrom?: Readonly<Record<string, string>>;
    readonly note?: string;
    readonly unconfirmed?: string;
}

export interface ParameterSource {
    readonly repo: string;
    readonly path: string;
    readonly commit: string;
}

export const parameterCatalogue = catalogue as unknown as {
    readonly about: string;
    readonly coverage: string;
    readonly unconfirmed: readonly string[];
    readonly sources: Readonly<Record<string, ParameterSource>>;
    readonly parameters: readonly CatalogueEntry[];
};

/** The entry of `name` for PostgreSQL `version`, if the catalogue has one. */
export function catalogueEntry(name: string, version: string): CatalogueEntry | undefined {
    return parameterCatalogue.parameters.find((p) => p.name === name && p.versions.includes(version));
}

/** Names the catalogue knows for `version`. */
export function knownParameters(version: string): string[] {
    return [...new Set(parameterCatalogue.parameters.filter((p) => p.versions.includes(version)).map((p) => p.name))].sort();
}

/**
 * Parameters the stack refuses to weaken whatever Azure allows: Learn lists `md5` for `password_encryption`,
 * but MD5 password hashes are deprecated in PostgreSQL 18 and weaker than SCRAM; passwords set on a mixed-auth
 * server must be hashed with `scram-sha-256`.
 */
export const pinnedParameters: Readonly<Record<string, { value: string; why: string }>> = {
    password_encryption: {
        value: "scram-sha-256",
        why: "MD5 password hashing is refused: passwords on this server are hashed with SCRAM (PostgreSQL docs, \"Password Authentication\"; MD5 is deprecated from PostgreSQL 18)",
    },
};

export type OverrideCheck =
    | { readonly ok: true; readonly value: string; readonly restart: boolean; readonly catalogued: boolean }
    | { readonly ok: false; readonly message: string };

/** A YAML/JSON scalar as the server parameter value Azure takes (`true` → `on`). */
export function parameterValue(raw: unknown): string | undefined {
    if (typeof raw === "boolean") {
        return raw ? "on" : "off";
    }
    if (typeof raw === "number" && Number.isFinite(raw)) {
        return String(raw);
    }
    return typeof raw === "string" ? raw : undefined;
}

/**
 * Checks one `server.parameters` override for PostgreSQL `version`: a read-only parameter is refused as
 * read-only; a value outside the documented values or range is refused with them; a static one is accepted
 * and marked as needing a restart; a name the catalogue does not know is refused when it is close to a known
 * one (a typo), and otherwise passed through unchecked (the catalogue does not cover every parameter).
 */
export function checkParameterOverride(name: string, value: string, version: string): OverrideCheck {
    const entry = catalogueEntry(name, version);
    if (!entry) {
        const elsewhere = parameterCatalogue.parameters.find((p) => p.name === name);
        if (elsewhere) {
            return { ok: false, message: `is not a server parameter of PostgreSQL ${version} (Learn lists it for ${elsewhere.versions.join(", ")}). Remove it or change server.version.` };
        }
        const near = nearestKey(name, knownParameters(version));
        if (near) {
            return { ok: false, message: `"${name}" is not a known server parameter. Did you mean "${near}"?` };
        }
        return { ok: true, value, restart: false, catalogued: false };
    }
    const pinned = pinnedParameters[name];
    if (pinned && value !== pinned.value) {
        return { ok: false, message: `"${value}" is refused: only ${pinned.value} is allowed. ${pinned.why}.` };
    }
    if (entry.kind === "read-only") {
        const fixed = isList(entry.allowed) ? ` (always ${entry.allowed.join(", ")})` : "";
        return { ok: false, message: `is read-only on Azure Database for PostgreSQL flexible server${fixed}. Remove it.` };
    }
    const problem = valueProblem(entry, value);
    if (problem) {
        return { ok: false, message: problem };
    }
    return { ok: true, value, restart: entry.kind === "static", catalogued: true };
}

function isList(allowed: CatalogueEntry["allowed"]): allowed is readonly string[] {
    return Array.isArray(allowed);
}

function valueProblem(entry: CatalogueEntry, value: string): string | undefined {
    const allowed = entry.allowed;
    if (allowed === null) {
        return undefined;
    }
    if (isList(allowed)) {
        const items = entry.type === "set" ? value.split(",").map((v) => v.trim()) : [value];
        const bad = items.filter((item) => !allowed.includes(item));
        if (bad.length === 0 && items.length > 0) {
            return undefined;
        }
        const near = allowed.find((a) => a.toLowerCase() === bad[0]?.toLowerCase());
        return `"${value}" is not allowed. ${entry.type === "set" ? "Use a comma-separated list of" : "Use one of"}: ${allowed.join(", ")}.` + (near ? ` Did you mean "${near}"?` : "");
    }
    if ("min" in allowed) {
        const pattern = entry.type === "integer" ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
        const n = Number(value);
        if (!pattern.test(value) || n < allowed.min || n > allowed.max) {
            return `"${value}" is not allowed: use ${entry.type === "integer" ? "a whole number" : "a number"} from ${allowed.min} to ${allowed.max}.`;
        }
        return undefined;
    }
    if (!new RegExp(`^(?:${allowed.pattern})$`, "u").test(value)) {
        return `"${value}" is not allowed: it must match ${allowed.pattern}.`;
    }
    return undefined;
}

/** True when Learn lists `name` as static (the server must restart for a new value to apply), on any version. */
export function parameterNeedsRestart(name: string): boolean {
    return parameterCatalogue.parameters.some((p) => p.name === name && p.kind === "static");
}
