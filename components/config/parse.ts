import { Cloud, clouds } from "../cloud";
import { identifierProblem, reservedRoleNameProblem } from "../roles/names";
import { ConfigError, ConfigProblem, nearestKey } from "./errors";
import { forbiddenKeyMessage, isForbiddenKey, withoutPrototypes } from "./safe";
import { maxUserTags, tagNameProblem, tagValueProblem } from "./tags";
import { contains, isNetworkAddress, numberToIp, overlaps, parseCidr, parseIpRange } from "./ip";
import { checkParameterOverride, parameterValue } from "./parameters";
import { regionCapabilityProblems, resolveLocation } from "./regions";
import {
    accessLevels, AdminType, adminTypes, authModes, DatabaseAccess, EntraAdmin, highAvailabilityModes, IpRange,
    MaintenanceWindow, NetworkConfig, Principal, principalKinds, reservedDatabases, reservedVmAdminNames,
    secureParameterDefaults, ServerConfig, skuTiers, StackConfig, storageSizesGb, supportedVersions, VmConfig,
} from "./model";

/** The config namespace: keys are set with `pulumi config set entra-postgres:<key>`. */
export const namespace = "entra-postgres";

/** Known keys at every level; anything else is refused with the nearest known key. */
export const knownKeys = {
    top: [
        "location", "resourceGroupName", "auth", "administratorLogin", "tenantId", "cloud", "admins", "deployer",
        "network", "server", "vm", "principals", "databases", "protect", "diagnostics", "tags",
    ],
    admin: ["name", "objectId", "type"],
    principal: ["name", "objectId", "type", "access"],
    access: ["database", "level"],
    network: ["access", "addressSpace", "serverSubnet", "vmSubnet", "allowedIps", "allowAzureServices", "routeTable", "natGateway"],
    server: [
        "name", "version", "sku", "tier", "storageGb", "highAvailability", "availabilityZone", "backupRetentionDays",
        "geoRedundantBackup", "maintenanceWindow", "parameters",
    ],
    maintenanceWindow: ["dayOfWeek", "startHour", "startMinute"],
    vm: ["enabled", "name", "size", "adminUsername", "sshPublicKey", "publicIp", "encryptionAtHost", "access"],
    diagnostics: ["enabled", "retentionDays"],
} as const;

/** Defaults of the scalar settings; `Pulumi.yaml` declares the same values (a test keeps them equal). */
export const defaults = {
    auth: "entra-only",
    cloud: "public",
    protect: false,
    network: {
        access: "private",
        addressSpace: "10.20.0.0/16",
        serverSubnet: "10.20.1.0/24",
        vmSubnet: "10.20.2.0/24",
        allowAzureServices: false,
        routeTable: false,
        natGateway: true,
    },
    server: {
        version: "17",
        sku: "Standard_D2ds_v5",
        tier: "GeneralPurpose",
        storageGb: 128,
        highAvailability: "Disabled",
        backupRetentionDays: 7,
        geoRedundantBackup: false,
    },
    vm: {
        enabled: true,
        size: "Standard_B2s",
        adminUsername: "azureuser",
        publicIp: false,
        encryptionAtHost: true,
    },
    diagnostics: { enabled: true, retentionDays: 30 },
} as const;

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const serverNamePattern = /^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])$/;
const databaseNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const parameterNamePattern = /^[a-z_][a-z0-9_.]*$/;
/** Also the role name of the VM's identity, so at most 63 characters rather than Azure's 64. */
const vmNamePattern = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const linuxUserPattern = /^[a-z_][a-z0-9_-]{0,31}$/;
const sshKeyPattern = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/;
/** PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes; a longer role name would silently change. */
const maxIdentifierBytes = 63;

type Json = unknown;
type Obj = Record<string, Json>;

class Reader {
    readonly problems: ConfigProblem[] = [];

    fail(path: string, message: string): undefined {
        this.problems.push({ key: `${namespace}:${path}`, message });
        return undefined;
    }

    /** Checks `value` is an object and refuses keys it does not know, naming the nearest known one. */
    object(value: Json, path: string, known: readonly string[]): Obj | undefined {
        if (value === undefined || value === null) {
            return {};
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            return this.fail(path, `must be an object with the keys ${known.join(", ")}.`);
        }
        const obj = value as Obj;
        for (const key of Object.keys(obj)) {
            if (!known.includes(key)) {
                const near = nearestKey(key, known);
                this.fail(
                    join(path, key),
                    `unknown key "${key}".` + (near ? ` Did you mean "${near}" (${namespace}:${join(path, near)})?` : ` Known keys: ${known.join(", ")}.`),
                );
            }
        }
        return obj;
    }

    list(value: Json, path: string): Json[] {
        if (value === undefined || value === null) {
            return [];
        }
        if (!Array.isArray(value)) {
            this.fail(path, "must be a list (YAML sequence).");
            return [];
        }
        return value;
    }

    string(value: Json, path: string, opts: { required?: string; fallback?: string } = {}): string | undefined {
        if (value === undefined || value === null || value === "") {
            if (opts.required) {
                this.fail(path, `is required. ${opts.required}`);
            }
            return opts.fallback;
        }
        if (typeof value !== "string") {
            return this.fail(path, `must be a string, not ${JSON.stringify(value)}.`);
        }
        return value;
    }

    oneOf<T extends string>(value: Json, path: string, allowed: readonly T[], fallback?: T): T | undefined {
        const text = this.string(value, path, { fallback, required: fallback === undefined ? `Set it to one of: ${allowed.join(", ")}.` : undefined });
        if (text === undefined) {
            return undefined;
        }
        if (!allowed.includes(text as T)) {
            const near = allowed.find((a) => a.toLowerCase() === text.toLowerCase()) ?? nearestKey(text, allowed);
            return this.fail(path, `"${text}" is not one of ${allowed.join(", ")}.` + (near ? ` Did you mean "${near}"?` : ""));
        }
        return text as T;
    }

    boolean(value: Json, path: string, fallback: boolean): boolean {
        if (value === undefined || value === null) {
            return fallback;
        }
        if (value === "true" || value === "false") {
            return value === "true";
        }
        if (typeof value !== "boolean") {
            this.fail(path, `must be true or false, not ${JSON.stringify(value)}.`);
            return fallback;
        }
        return value;
    }

    integer(value: Json, path: string, fallback: number | undefined, range?: [number, number]): number | undefined {
        if (value === undefined || value === null) {
            return fallback;
        }
        const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== "number" || !Number.isInteger(n)) {
            return this.fail(path, `must be a whole number, not ${JSON.stringify(value)}.`);
        }
        if (range && (n < range[0] || n > range[1])) {
            return this.fail(path, `${n} is outside ${range[0]}–${range[1]}.`);
        }
        return n;
    }

    guid(value: Json, path: string, required: boolean): string | undefined {
        const text = this.string(value, path, { required: required ? "Set it to the Entra object id (a GUID, e.g. from `az ad group show --query id`)." : undefined });
        if (text !== undefined && !guidPattern.test(text)) {
            return this.fail(path, `"${text}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).`);
        }
        return text?.toLowerCase();
    }

    /** A PostgreSQL role name, by the rules the role provider applies too (`components/roles/names.ts`). */
    roleName(value: Json, path: string, what: string): string | undefined {
        const name = this.string(value, path, { required: `Set the ${what}.` });
        if (name === undefined) {
            return undefined;
        }
        const problem = identifierProblem(name) ?? reservedRoleNameProblem(name);
        return problem ? this.fail(path, `${problem}.`) : name;
    }
}

function join(path: string, key: string): string {
    return path ? `${path}.${key}` : key;
}

/** Config values arrive as strings (`pulumi.runtime.allConfig()`); structured ones are JSON. */
function decode(value: unknown): Json {
    if (typeof value !== "string") {
        return value;
    }
    const trimmed = value.trim();
    // A YAML `key: null` arrives as the text "null": the setting is absent, so its documented default applies.
    if (trimmed === "null") {
        return null;
    }
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    return value;
}

/**
 * Reads raw stack settings (keys with or without the `entra-postgres:` prefix; values as Pulumi hands them
 * over, JSON strings for structured values, or plain objects) into the typed model. Throws one
 * `ConfigError` listing every problem; nothing is declared before this returns.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>, context: { project: string; stack: string }): StackConfig {
    const r = new Reader();
    // No prototype, and no key that could reach one: see safe.ts.
    const top: Obj = Object.create(null);
    const fail = (path: string, message: string) => r.fail(path, message);
    for (const [key, value] of Object.entries(raw)) {
        const short = key.startsWith(`${namespace}:`) ? key.slice(namespace.length + 1) : key.includes(":") ? undefined : key;
        if (short === undefined) {
            continue;
        }
        if (isForbiddenKey(short)) {
            r.fail(short, forbiddenKeyMessage(short));
            continue;
        }
        top[short] = withoutPrototypes(decode(value), short, fail);
    }
    r.object(top, "", knownKeys.top);

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
    } else if (top.administratorLogin !== undefined) {
        r.fail("administratorLogin", "is only used with auth: mixed. Remove it, or set entra-postgres:auth to mixed.");
    }

    const admins = parseAdmins(r, top.admins, auth);
    const deployerName = r.string(top.deployer, "deployer", { required: "Set it to the name of the admin (from entra-postgres:admins) whose identity runs `pulumi up`." });
    const deployer = admins.find((a) => a.name === deployerName);
    if (deployerName !== undefined && admins.length > 0 && !deployer) {
        const near = admins.find((a) => a.name.toLowerCase() === deployerName.toLowerCase());
        r.fail(
            "deployer",
            `"${deployerName}" is not among entra-postgres:admins (${admins.map((a) => a.name).join(", ")}).` +
                (near ? ` Names are case sensitive: did you mean "${near.name}"?` : " Add it to admins or name one of them."),
        );
    }

    const databases = parseDatabases(r, top.databases);
    const principals = parsePrincipals(r, top.principals, databases);
    const network = parseNetwork(r, top.network);
    const server = parseServer(r, top.server, context);
    const vm = parseVm(r, top.vm, context, databases);
    const diagnostics = parseDiagnostics(r, top.diagnostics);
    const tags = parseTags(r, top.tags);

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
    };
}

function parseAdmins(r: Reader, value: Json, auth: string | undefined): EntraAdmin[] {
    const items = r.list(value, "admins");
    if (items.length === 0) {
        r.fail(
            "admins",
            auth === "entra-only"
                ? "is empty: with auth entra-only nobody could log in (lockout). Add at least one Entra admin { name, objectId, type }."
                : "needs at least one Entra admin { name, objectId, type: User | Group | ServicePrincipal }.",
        );
    }
    const admins: EntraAdmin[] = [];
    items.forEach((item, i) => {
        const path = `admins[${i}]`;
        const obj = r.object(item, path, knownKeys.admin);
        if (!obj) {
            return;
        }
        const name = r.roleName(obj.name, `${path}.name`, "admin's display name (users: the UPN)");
        const objectId = r.guid(obj.objectId, `${path}.objectId`, true);
        const type = r.oneOf<AdminType>(obj.type, `${path}.type`, adminTypes);
        if (name && objectId && type) {
            admins.push({ name, objectId, type });
        }
    });
    return admins;
}

function parseAccess(r: Reader, value: Json, path: string, databases: readonly string[]): DatabaseAccess[] {
    const access: DatabaseAccess[] = [];
    r.list(value, path).forEach((item, i) => {
        const itemPath = `${path}[${i}]`;
        const obj = r.object(item, itemPath, knownKeys.access);
        if (!obj) {
            return;
        }
        const database = r.string(obj.database, `${itemPath}.database`, { required: "Name one of entra-postgres:databases." });
        const level = r.oneOf(obj.level, `${itemPath}.level`, accessLevels);
        if (database !== undefined && !databases.includes(database)) {
            r.fail(`${itemPath}.database`, `"${database}" is not in entra-postgres:databases (${databases.join(", ") || "none"}). Add it there or fix the name.`);
            return;
        }
        if (database !== undefined && access.some((a) => a.database === database)) {
            r.fail(`${itemPath}.database`, `"${database}" is listed twice. Keep one entry per database with the highest level needed.`);
            return;
        }
        if (database !== undefined && level) {
            access.push({ database, level });
        }
    });
    return access;
}

function parsePrincipals(r: Reader, value: Json, databases: readonly string[]): Principal[] {
    const principals: Principal[] = [];
    r.list(value, "principals").forEach((item, i) => {
        const path = `principals[${i}]`;
        const obj = r.object(item, path, knownKeys.principal);
        if (!obj) {
            return;
        }
        const name = r.roleName(obj.name, `${path}.name`, "principal's name (user UPN, group or identity display name)");
        const objectId = r.guid(obj.objectId, `${path}.objectId`, false);
        const type = r.oneOf(obj.type, `${path}.type`, principalKinds);
        const access = parseAccess(r, obj.access, `${path}.access`, databases);
        if (name && type) {
            principals.push({ name, objectId, type, access });
        }
    });
    return principals;
}

function parseDatabases(r: Reader, value: Json): string[] {
    const names: string[] = [];
    r.list(value, "databases").forEach((item, i) => {
        const path = `databases[${i}]`;
        const name = r.string(item, path, { required: "Give the database a name." });
        if (name === undefined) {
            return;
        }
        if (!databaseNamePattern.test(name) || Buffer.byteLength(name) > maxIdentifierBytes) {
            r.fail(path, `"${name}" is not a valid database name (letters, digits and _, not starting with a digit, at most 63 bytes).`);
        } else if (reservedDatabases.includes(name.toLowerCase())) {
            r.fail(path, `"${name}" is reserved by PostgreSQL or Azure. Choose another name.`);
        } else if (names.some((n) => n.toLowerCase() === name.toLowerCase())) {
            const other = names.find((n) => n.toLowerCase() === name.toLowerCase())!;
            r.fail(path, other === name
                ? `"${name}" is listed twice. Remove the duplicate.`
                : `"${name}" and "${other}" are the same database to Azure (resource names are case-insensitive). Keep one.`);
        } else {
            names.push(name);
        }
    });
    return names;
}

function parseNetwork(r: Reader, value: Json): NetworkConfig | undefined {
    const obj = r.object(value, "network", knownKeys.network);
    if (!obj) {
        return undefined;
    }
    const d = defaults.network;
    const access = r.oneOf(obj.access, "network.access", ["private", "public"] as const, d.access);
    const addressSpace = r.string(obj.addressSpace, "network.addressSpace", { fallback: d.addressSpace });
    const serverSubnet = r.string(obj.serverSubnet, "network.serverSubnet", { fallback: d.serverSubnet });
    const vmSubnet = r.string(obj.vmSubnet, "network.vmSubnet", { fallback: d.vmSubnet });
    const allowAzureServices = r.boolean(obj.allowAzureServices, "network.allowAzureServices", d.allowAzureServices);
    const routeTable = r.boolean(obj.routeTable, "network.routeTable", d.routeTable);
    const natGateway = r.boolean(obj.natGateway, "network.natGateway", d.natGateway);

    const prefixes: { key: string; text: string; range: { first: number; last: number } }[] = [];
    for (const [key, text, minLength] of [["addressSpace", addressSpace, 8], ["serverSubnet", serverSubnet, 8], ["vmSubnet", vmSubnet, 8]] as const) {
        if (text === undefined) {
            continue;
        }
        const cidr = parseCidr(text);
        if (!cidr || !isNetworkAddress(text)) {
            r.fail(`network.${key}`, `"${text}" is not a valid IPv4 prefix (network address/length, e.g. 10.20.1.0/24).`);
        } else if (cidr.prefixLength < minLength || cidr.prefixLength > 29) {
            r.fail(`network.${key}`, `"${text}" must be between /${minLength} and /29.`);
        } else if (key === "serverSubnet" && cidr.prefixLength > 28) {
            r.fail("network.serverSubnet", `"${text}" is too small: a delegated Flexible Server subnet needs at least a /28.`);
        } else {
            prefixes.push({ key, text, range: cidr });
        }
    }
    const space = prefixes.find((p) => p.key === "addressSpace");
    const subnets = prefixes.filter((p) => p.key !== "addressSpace" && (access === "private" || p.key === "vmSubnet"));
    for (const subnet of subnets) {
        if (space && !contains(space.range, subnet.range)) {
            r.fail(`network.${subnet.key}`, `"${subnet.text}" is outside network.addressSpace ${space.text}. Pick a prefix inside it.`);
        }
    }
    if (subnets.length === 2 && overlaps(subnets[0].range, subnets[1].range)) {
        r.fail("network.vmSubnet", `"${subnets[1].text}" overlaps network.serverSubnet ${subnets[0].text}. Subnets must not overlap.`);
    }

    const allowedIps: IpRange[] = [];
    const ipItems = r.list(obj.allowedIps, "network.allowedIps");
    if (access === "private" && ipItems.length > 0) {
        r.fail("network.allowedIps", "has entries but network.access is private: a VNet-integrated server has no firewall. Remove allowedIps or set network.access to public.");
    }
    if (access === "private" && allowAzureServices) {
        r.fail("network.allowAzureServices", "only applies to public access. Remove it or set network.access to public.");
    }
    ipItems.forEach((item, i) => {
        const path = `network.allowedIps[${i}]`;
        const text = r.string(item, path, { required: "Give an address, a CIDR or a start-end range." });
        if (text === undefined) {
            return;
        }
        const range = parseIpRange(text);
        if (!range) {
            r.fail(path, `"${text}" is not an IPv4 address, CIDR (a.b.c.d/n) or range (a.b.c.d-e.f.g.h).`);
        } else if (range.start === 0 && range.end === 0) {
            r.fail(path, `"${text}" is Azure's "allow all Azure services" rule (any tenant). Remove it; if you really need it set network.allowAzureServices: true.`);
        } else if (range.start === 0 || range.end === 2 ** 32 - 1 || range.end - range.start + 1 > 2 ** 16) {
            r.fail(path, `"${text}" opens the server to the internet at large (over 65,536 addresses). List your clients' addresses or use private access.`);
        } else if (allowedIps.some((a) => a.start === numberToIp(range.start) && a.end === numberToIp(range.end))) {
            r.fail(path, `"${text}" is listed twice. Remove the duplicate.`);
        } else {
            allowedIps.push({ source: text, start: numberToIp(range.start), end: numberToIp(range.end) });
        }
    });
    if (!access || !addressSpace || !serverSubnet || !vmSubnet) {
        return undefined;
    }
    return { access, addressSpace, serverSubnet, vmSubnet, allowedIps, allowAzureServices, routeTable, natGateway };
}

function parseServer(r: Reader, value: Json, context: { project: string; stack: string }): ServerConfig | undefined {
    const obj = r.object(value, "server", knownKeys.server);
    if (!obj) {
        return undefined;
    }
    const d = defaults.server;
    const name = r.string(obj.name, "server.name", { fallback: `${context.project}-${context.stack}`.toLowerCase() });
    if (name !== undefined && !serverNamePattern.test(name)) {
        r.fail("server.name", `"${name}" must be 3–63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit.`);
    }
    const version = r.string(typeof obj.version === "number" ? String(obj.version) : obj.version, "server.version", { fallback: d.version });
    if (version !== undefined && !supportedVersions.includes(version)) {
        r.fail("server.version", `PostgreSQL "${version}" is not offered by Azure Flexible Server. Use one of ${supportedVersions.join(", ")}.`);
    }
    const sku = r.string(obj.sku, "server.sku", { fallback: d.sku });
    if (sku !== undefined && !/^Standard_[A-Za-z0-9_]+$/.test(sku)) {
        r.fail("server.sku", `"${sku}" is not a Flexible Server SKU name (e.g. Standard_B1ms, Standard_D2ds_v5).`);
    }
    const tier = r.oneOf(obj.tier, "server.tier", skuTiers, d.tier);
    if (sku && tier && (tier === "Burstable") !== /^Standard_B/.test(sku)) {
        r.fail("server.sku", `"${sku}" does not belong to the ${tier} tier (Burstable SKUs are Standard_B*). Match server.sku and server.tier.`);
    }
    const storageGb = r.integer(obj.storageGb, "server.storageGb", d.storageGb);
    if (storageGb !== undefined && !storageSizesGb.includes(storageGb)) {
        r.fail("server.storageGb", `${storageGb} is not a Flexible Server storage size. Use one of ${storageSizesGb.join(", ")}.`);
    }
    const highAvailability = r.oneOf(obj.highAvailability, "server.highAvailability", highAvailabilityModes, d.highAvailability);
    const availabilityZone = r.string(typeof obj.availabilityZone === "number" ? String(obj.availabilityZone) : obj.availabilityZone, "server.availabilityZone");
    if (availabilityZone !== undefined && !["1", "2", "3"].includes(availabilityZone)) {
        r.fail("server.availabilityZone", `"${availabilityZone}" must be 1, 2 or 3.`);
    }
    const backupRetentionDays = r.integer(obj.backupRetentionDays, "server.backupRetentionDays", d.backupRetentionDays, [7, 35]);
    const geoRedundantBackup = r.boolean(obj.geoRedundantBackup, "server.geoRedundantBackup", d.geoRedundantBackup);
    const maintenanceWindow = parseMaintenanceWindow(r, obj.maintenanceWindow);
    const parameters: Record<string, string> = secureParameterDefaults(version ?? d.version);
    const overrides = obj.parameters;
    if (overrides !== undefined && (typeof overrides !== "object" || overrides === null || Array.isArray(overrides))) {
        r.fail("server.parameters", "must be a map of parameter name to value.");
    } else if (overrides) {
        for (const [key, raw] of Object.entries(overrides)) {
            const value = parameterValue(raw);
            if (!parameterNamePattern.test(key)) {
                r.fail(`server.parameters.${key}`, `"${key}" is not a server parameter name (lowercase, e.g. log_min_duration_statement).`);
            } else if (value === undefined) {
                r.fail(`server.parameters.${key}`, "must be a string, number or boolean.");
            } else {
                // Checked against Learn's parameter reference for this version (components/config/parameters.ts).
                const check = checkParameterOverride(key, value, version ?? d.version);
                if (check.ok) {
                    parameters[key] = check.value;
                } else {
                    r.fail(`server.parameters.${key}`, check.message);
                }
            }
        }
    }
    if (!name || !version || !sku || !tier || storageGb === undefined || !highAvailability || backupRetentionDays === undefined) {
        return undefined;
    }
    return { name, version, sku, tier, storageGb, highAvailability, availabilityZone, backupRetentionDays, geoRedundantBackup, maintenanceWindow, parameters };
}

/**
 * Absent or `null`: Azure's system-managed window (`customWindow: Disabled`). Otherwise a custom window
 * with every field given: `{}` or a missing field is refused rather than read as Sunday 00:00.
 */
function parseMaintenanceWindow(r: Reader, value: Json): MaintenanceWindow | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const mw = r.object(value, "server.maintenanceWindow", knownKeys.maintenanceWindow);
    if (!mw) {
        return undefined;
    }
    const fields = { dayOfWeek: [0, 6], startHour: [0, 23], startMinute: [0, 59] } as const;
    const values: Partial<Record<keyof typeof fields, number>> = {};
    for (const [field, range] of Object.entries(fields) as [keyof typeof fields, readonly [number, number]][]) {
        const path = `server.maintenanceWindow.${field}`;
        if (mw[field] === undefined || mw[field] === null) {
            r.fail(path, `is required for a custom maintenance window (${range[0]}–${range[1]}). Set dayOfWeek, startHour and startMinute, or set server.maintenanceWindow to null for Azure's system-managed window.`);
        } else {
            values[field] = r.integer(mw[field], path, undefined, [range[0], range[1]]);
        }
    }
    const { dayOfWeek, startHour, startMinute } = values;
    return dayOfWeek !== undefined && startHour !== undefined && startMinute !== undefined ? { dayOfWeek, startHour, startMinute } : undefined;
}

function parseVm(r: Reader, value: Json, context: { stack: string }, databases: readonly string[]): VmConfig | undefined {
    const obj = r.object(value, "vm", knownKeys.vm);
    if (!obj) {
        return undefined;
    }
    const d = defaults.vm;
    const enabled = r.boolean(obj.enabled, "vm.enabled", d.enabled);
    const name = r.string(obj.name, "vm.name", { fallback: `${context.stack}-pg-client` });
    if (name !== undefined && !vmNamePattern.test(name)) {
        r.fail("vm.name", `"${name}" must be 1–63 letters, digits and hyphens, starting and ending with a letter or digit.`);
    }
    const size = r.string(obj.size, "vm.size", { fallback: d.size });
    const adminUsername = r.string(obj.adminUsername, "vm.adminUsername", { fallback: d.adminUsername });
    if (adminUsername !== undefined && (!linuxUserPattern.test(adminUsername) || reservedVmAdminNames.includes(adminUsername))) {
        r.fail("vm.adminUsername", `"${adminUsername}" is not allowed: use a lowercase Linux user name that Azure does not reserve (not ${reservedVmAdminNames.filter((n) => /^[a-z]/.test(n)).slice(0, 6).join(", ")}, …).`);
    }
    const sshPublicKey = r.string(obj.sshPublicKey, "vm.sshPublicKey", {
        required: enabled ? "The VM allows SSH keys only (password login is disabled). Set it to your public key, e.g. the contents of ~/.ssh/id_ed25519.pub." : undefined,
        fallback: "",
    });
    if (enabled && sshPublicKey && !sshKeyPattern.test(sshPublicKey.trim())) {
        r.fail("vm.sshPublicKey", "is not an OpenSSH public key (ssh-ed25519 AAAA…, ssh-rsa AAAA… or ecdsa-sha2-…). Paste the .pub file, not the private key.");
    }
    const publicIp = r.boolean(obj.publicIp, "vm.publicIp", d.publicIp);
    const encryptionAtHost = r.boolean(obj.encryptionAtHost, "vm.encryptionAtHost", d.encryptionAtHost);
    const access = parseAccess(r, obj.access, "vm.access", databases);
    if (!name || !size || !adminUsername || sshPublicKey === undefined) {
        return undefined;
    }
    return { enabled, name, size, adminUsername, sshPublicKey: sshPublicKey.trim(), publicIp, encryptionAtHost, access };
}

function parseDiagnostics(r: Reader, value: Json): StackConfig["diagnostics"] {
    const obj = r.object(value, "diagnostics", knownKeys.diagnostics) ?? {};
    return {
        enabled: r.boolean(obj.enabled, "diagnostics.enabled", defaults.diagnostics.enabled),
        retentionDays: r.integer(obj.retentionDays, "diagnostics.retentionDays", defaults.diagnostics.retentionDays, [30, 730]) ?? defaults.diagnostics.retentionDays,
    };
}

function parseTags(r: Reader, value: Json): Record<string, string> {
    if (value === undefined || value === null) {
        return {};
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        r.fail("tags", "must be a map of tag name to value.");
        return {};
    }
    const tags: Record<string, string> = {};
    const seen = new Map<string, string>();
    const entries = Object.entries(value);
    if (entries.length > maxUserTags) {
        r.fail("tags", `has ${entries.length} tags; at most ${maxUserTags} fit beside the program's own on every resource (Azure Private DNS zones take 15). Remove some.`);
    }
    for (const [key, v] of entries) {
        const problem = tagNameProblem(key) ?? (typeof v === "string" ? tagValueProblem(v) : "must be a string");
        const same = seen.get(key.toLowerCase());
        if (problem) {
            r.fail(`tags.${key}`, `${problem}.`);
        } else if (same !== undefined) {
            r.fail(`tags.${key}`, `is the same tag as "${same}": Azure tag names are case-insensitive. Keep one.`);
        } else {
            seen.set(key.toLowerCase(), key);
            tags[key] = v as string;
        }
    }
    return tags;
}

/** Role names and object ids must be unique across admins, principals and the VM's identity. */
function checkIdentities(r: Reader, admins: readonly EntraAdmin[], principals: readonly Principal[], vm: VmConfig | undefined, administratorLogin: string | undefined): void {
    const names = new Map<string, string>();
    const ids = new Map<string, string>();
    const claim = (name: string, objectId: string | undefined, path: string, fix: string) => {
        const nameOwner = names.get(name);
        if (nameOwner) {
            r.fail(path, `"${name}" is already used by ${nameOwner}. Role names are unique per server: ${fix}`);
        } else {
            names.set(name, `${namespace}:${path}`);
        }
        if (objectId) {
            const idOwner = ids.get(objectId);
            if (idOwner) {
                r.fail(path.replace(/\.name$/, ".objectId"), `object id ${objectId} is already used by ${idOwner}. An Entra identity is either an admin or an ordinary role, once: ${fix}`);
            } else {
                ids.set(objectId, `${namespace}:${path.replace(/\.name$/, "")}`);
            }
        }
    };
    if (administratorLogin) {
        claim(administratorLogin, undefined, "administratorLogin", "rename the password administrator.");
    }
    admins.forEach((a, i) => claim(a.name, a.objectId, `admins[${i}].name`, "remove the duplicate admin."));
    principals.forEach((p, i) => claim(p.name, p.objectId, `principals[${i}].name`, "remove the duplicate, or drop it from principals if it is an admin."));
    if (vm?.enabled) {
        claim(vm.name, undefined, "vm.name", "the VM's identity gets a role named after the VM; rename the VM.");
    }
}
