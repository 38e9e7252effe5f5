import { Cloud, clouds } from "./cloud";
import { parseDataSafety } from "./dataSafety";
import { ConfigError } from "./errors";
import { checkIdentities, parseAdmins, parseDatabases, parsePrincipals } from "./identities";
import { authModes, StackConfig } from "./model";
import { parseNetwork } from "./network";
import { Reader } from "./reader";
import { regionCapabilityProblems, resolveLocation } from "./regions";
import { parseDiagnostics, parseServer } from "./server";
import { defaults, knownKeys, namespace } from "./settings";
import { parseTags } from "./tags";
import { parseVm } from "./vm";

export { defaults, knownKeys, namespace } from "./settings";

/**
 * Reads raw stack settings (keys with or without the `entra-postgres:` prefix; values as Pulumi hands them
 * over, JSON strings for structured values, or plain objects) into the typed model. Throws one
 * `ConfigError` listing every problem; nothing is declared before this returns.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>, context: { project: string; stack: string; secretKeys?: readonly string[] }): StackConfig {
    const r = new Reader(namespace);
    // No prototype, and no key that could reach one: see safe.ts.
    const top = r.settings(raw, knownKeys.top);

    const existingResourceGroup = r.string(top.resourceGroupName, "resourceGroupName");
    const auth = r.oneOf(top.auth, "auth", authModes, defaults.auth);
    const cloud = r.oneOf<Cloud>(top.cloud, "cloud", clouds, defaults.cloud);
    // Checked against the regions offering Flexible Server in that cloud; falls back to azure-native:location.
    const resolvedLocation = resolveLocation(raw, cloud);
    if (resolvedLocation.problem) {
        r.problems.push(resolvedLocation.problem);
    }
    const location = resolvedLocation.location;
    const tenantId = r.guid(top.tenantId, "tenantId", false);
    const protect = r.boolean(top.protect, "protect", defaults.protect);

    let administratorLogin: string | undefined;
    if (auth === "mixed") {
        administratorLogin = r.roleName(top.administratorLogin, "administratorLogin", "password administrator's login (mixed auth needs one)");
    } else if (auth !== undefined && top.administratorLogin !== undefined) {
        // With an invalid auth (reported above) it is unknown whether the login belongs: no second problem.
        r.fail("administratorLogin", "is only used with auth: mixed. Remove it, or set entra-postgres:auth to mixed.");
    }

    const admins = parseAdmins(r, top.admins, auth);
    const deployerName = r.string(top.deployer, "deployer", { required: "Set it to the name of the admin (from entra-postgres:admins) whose identity runs `pulumi up`." });
    const deployer = admins.find((a) => a.name === deployerName);
    // An admin entry that failed validation is reported under its own key; naming the deployer "not among
    // admins" because of it would send the user after a second, false problem.
    const namedInInvalidAdmin = Array.isArray(top.admins) && top.admins.some((a) => a !== null && typeof a === "object" && (a as { name?: unknown }).name === deployerName);
    if (deployerName !== undefined && admins.length > 0 && !deployer && !namedInInvalidAdmin) {
        const near = admins.find((a) => a.name.toLowerCase() === deployerName.toLowerCase());
        r.fail(
            "deployer",
            `"${deployerName}" is not among entra-postgres:admins (${admins.map((a) => a.name).join(", ")}).` +
                (near ? ` Names are case sensitive: did you mean "${near.name}"?` : " Add it to admins or name one of them."),
        );
    }

    const databases = parseDatabases(r, top.databases);
    const principals = parsePrincipals(r, top.principals, databases);
    const server = parseServer(r, top.server, context);
    const vm = parseVm(r, top.vm, context, databases);
    const network = parseNetwork(r, top.network, { cloud, vmEnabled: vm?.enabled });
    const diagnostics = parseDiagnostics(r, top.diagnostics);
    const tags = parseTags(r, top.tags);
    const dataSafety = parseDataSafety(r, top.lock, top.server, { protect, auth, cloud, access: network?.access, server });

    checkIdentities(r, admins, principals, vm, administratorLogin);
    if (server && network && server.highAvailability !== "Disabled" && server.tier === "Burstable") {
        r.fail("server.highAvailability", `${server.highAvailability} is not available on the Burstable tier. Set server.highAvailability to Disabled or server.tier to GeneralPurpose.`);
    }

    if (location && cloud && server) {
        r.problems.push(...regionCapabilityProblems(location, cloud, server));
    }

    if (r.problems.length > 0 || !location || !auth || !cloud || !deployer || !network || !server || !vm) {
        throw new ConfigError(r.problems);
    }
    return {
        project: context.project,
        stack: context.stack,
        location,
        existingResourceGroup,
        auth,
        administratorLogin,
        tenantId,
        cloud,
        admins,
        deployer,
        network,
        server,
        vm,
        principals,
        databases,
        protect,
        diagnostics,
        tags,
        dataSafety,
        secretSettings: secretSettingsOf(context.secretKeys ?? []),
    };
}

/**
 * The top-level settings (`vm`, `network`) the engine marks secret (`secretKeys.ts`), by their name in the model.
 * `azure-native:location` counts as `location` when it stands in for it.
 */
function secretSettingsOf(secretKeys: readonly string[]): string[] {
    const prefix = `${namespace}:`;
    const own = secretKeys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    if (secretKeys.includes("azure-native:location") && !own.includes("location")) {
        own.push("location");
    }
    return own;
}
