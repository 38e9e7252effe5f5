import { maxIdentifierBytes } from "./names";
import { Json, Reader } from "./reader";
import { knownKeys, namespace } from "./settings";
import { accessLevels, AdminType, adminTypes, DatabaseAccess, EntraAdmin, Principal, principalKinds, reservedDatabases, VmConfig } from "./model";

/** Entra admins, the deployer among them, principals with their database access, and the databases. */

/**
 * Database names; also checked by `Databases` for its `names`. Stricter than Azure's `databaseName`
 * (`^[a-zA-Z_][\w\-]{0,62}$`, at most 63: Databases.json 2025-08-01, derived into
 * contracts/azure/derived/Microsoft.DBforPostgreSQL.json), so a name Azure would refuse is refused here first;
 * test/contracts/names.test.ts holds the two together.
 */
export const databaseNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Where the object id of an identity of `type` is found with the Azure CLI: `az ad user show`, `az ad group show`,
 * `az ad sp show` each return the object's `id` (Microsoft Learn, Azure CLI reference for `az ad user`,
 * `az ad group` and `az ad sp`: https://learn.microsoft.com/cli/azure/ad/user#az-ad-user-show,
 * https://learn.microsoft.com/cli/azure/ad/group#az-ad-group-show, https://learn.microsoft.com/cli/azure/ad/sp#az-ad-sp-show).
 */
export function objectIdHint(type: AdminType | undefined): string {
    switch (type) {
        case "User":
            return "from `az ad user show --id <user@domain> --query id -o tsv`";
        case "Group":
            return "from `az ad group show --group \"<display name>\" --query id -o tsv`";
        case "ServicePrincipal":
            return "from `az ad sp show --id <application (client) id> --query id -o tsv`; for a managed identity, its principal id";
        default:
            return "from `az ad user show`, `az ad group show` or `az ad sp show` with `--query id`, by the admin's type";
    }
}

export function parseAdmins(r: Reader, value: Json, auth: string | undefined): EntraAdmin[] {
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
        const type = r.oneOf<AdminType>(obj.type, `${path}.type`, adminTypes);
        const objectId = r.guid(obj.objectId, `${path}.objectId`, true, objectIdHint(type));
        if (name && objectId && type) {
            admins.push({ name, objectId, type });
        }
    });
    return admins;
}

export function parseAccess(r: Reader, value: Json, path: string, databases: readonly string[]): DatabaseAccess[] {
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

export function parsePrincipals(r: Reader, value: Json, databases: readonly string[]): Principal[] {
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

export function parseDatabases(r: Reader, value: Json): string[] {
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

/** Role names and object ids must be unique across admins, principals and the VM's identity. */
export function checkIdentities(r: Reader, admins: readonly EntraAdmin[], principals: readonly Principal[], vm: VmConfig | undefined, administratorLogin: string | undefined): void {
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
