/**
 * Effective server parameter values: the `Configuration` a stack declares for a server, else Azure's
 * default for the server's major version.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { StackIndex } from "./graph";
import { azureDefault } from "./azure-defaults";
import { hasKey } from "./props";
import { ciEquals, fold } from "./text";
import { TYPES, type ConfigurationInputs, type ServerInputs } from "./types";

export type EffectiveParameter =
    /** Declared with a value not known yet, or undeclared on a server whose version (and so default) is unknown. */
    | { readonly state: "unknown" }
    /** The parameter does not exist on this version (and is not declared). */
    | { readonly state: "absent" }
    | { readonly state: "known"; readonly value: string; readonly source: "declared" | "default"; readonly urn?: string };

/** The server's major version; `undefined` when not declared or not known. */
export function majorVersion(index: StackIndex, server: PolicyResource): number | undefined {
    const version = index.props<ServerInputs>(server).version;
    const major = typeof version === "string" ? Number.parseInt(version, 10) : NaN;
    return Number.isFinite(major) ? major : undefined;
}

/** Configurations of the server, by folded parameter name (the last declaration wins, as the last write does). */
export function declaredParameters(index: StackIndex, server: PolicyResource): Map<string, PolicyResource> {
    const declared = new Map<string, PolicyResource>();
    for (const configuration of index.childrenOf(server, TYPES.configuration)) {
        const name = fold(index.props<ConfigurationInputs>(configuration).configurationName);
        if (name !== undefined) {
            declared.set(name, configuration);
        }
    }
    return declared;
}

/** The value `parameter` will have on `server` once the stack is deployed. */
export function effectiveParameter(index: StackIndex, server: PolicyResource, parameter: string): EffectiveParameter {
    const declaration = declaredParameters(index, server).get(parameter.toLowerCase());
    if (declaration !== undefined) {
        const props = index.props<ConfigurationInputs>(declaration);
        if (typeof props.value === "string") {
            return { state: "known", value: props.value, source: "declared", urn: declaration.urn };
        }
        // A declared value that is unknown now is decided at update time; an omitted value resets to default.
        if (hasKey(props, "value")) {
            return { state: "unknown" };
        }
    }
    const fallback = azureDefault(parameter, majorVersion(index, server), hasKey(index.props<ServerInputs>(server), "version"));
    if (!fallback.known) {
        return { state: "unknown" };
    }
    return fallback.value === undefined ? { state: "absent" } : { state: "known", value: fallback.value, source: "default" };
}

/** True for PostgreSQL's spellings of a boolean `on`. */
export function isOn(value: string): boolean {
    return ciEquals(value, "on", "true", "yes", "1");
}

/**
 * True when a set-valued logging parameter (PostgreSQL 18's `log_connections`) logs something: anything but
 * empty or a boolean `off`.
 */
export function isSetOn(value: string): boolean {
    return value.trim() !== "" && !ciEquals(value, "off", "false", "no", "0");
}

/** How a parameter's value was arrived at, for messages. */
export function origin(p: { source: "declared" | "default" }, version: number | undefined): string {
    return p.source === "declared"
        ? "declared by a Configuration"
        : `Azure's default${version === undefined ? " (the server's version is not set)" : ` for PostgreSQL ${version}`}, no Configuration declares it`;
}

/**
 * Configurations of `parameter` that cannot be tied to any server of the stack: their server name is not
 * known (or not set) and the stack does not have exactly one server. Configurations naming a server outside
 * the stack are tied to that server and not returned.
 */
export function untiedConfigurations(index: StackIndex, parameter: string): PolicyResource[] {
    return index.ofType(TYPES.configuration).filter((c) => {
        const props = index.props<ConfigurationInputs>(c);
        return fold(props.configurationName) === parameter.toLowerCase() &&
            typeof props.serverName !== "string" && index.serverFor(c) === undefined;
    });
}
