/**
 * A simulated Azure, served to the Pulumi CLI as the `azure-native` resource provider plugin (at the version
 * @pulumi/azure-native asks for). It implements the resource types and the invoke this project's program uses,
 * with ARM-shaped ids, computed outputs and state kept in the simulation directory between CLI runs, and these
 * documented Azure behaviours, as errors:
 *
 * - one management operation per Flexible Server at a time: a concurrent write fails with 409 `ServerBusy`;
 *   an Entra administrator write while the server itself is being updated fails with
 *   `AadAuthOperationCannotBePerformedWhenServerIsNotAccessible` (hashicorp/terraform-provider-azurerm#19962,
 *   the source components/server.ts and components/administrators.ts cite);
 * - AdministratorsMicrosoftEntra `principalType` must be one of the spec's values `User`, `Group`,
 *   `ServicePrincipal` (or `Unknown`), spelled as the spec spells them (Azure/azure-rest-api-specs
 *   specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/AdministratorsMicrosoftEntra.json
 *   at 0f9798aa2720ac3b2299c448917356c18389ec41);
 * - read-only properties (the server's `fullyQualifiedDomainName`, `state`; a VM's `identity.principalId`) are
 *   refused as inputs and computed by the service.
 *
 * A Flexible Server is a real PostgreSQL (pgserver.ts) listening on the address the server's FQDN resolves to.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { adaptProviderServer, azureError, containsUnknown, deepEqual, reveal, signedIn, Store, tokenFor, postgresTokenResource, typeOf, unknownValue } from "./common";
import { createPgServer, deletePgServer, superuser, type PgServerRecord } from "./pgserver";

interface Spec {
    /** ARM resource type under its parent, e.g. `Microsoft.Network/virtualNetworks`. */
    armType: string;
    /** Input that names the resource (autonamed when absent). */
    nameProp: string;
    /** Parent resource of a child type: the input naming it and its ARM type segment. */
    parent?: { prop: string; segment: string };
    /** Scope other than the resource group: `subscription` (resource groups) or an input holding a resource id. */
    scope?: "subscription" | { resourceUri: string };
    /** Inputs that cannot change in place. */
    replaceOn?: string[];
    /** Output-only properties Azure computes; refused as inputs. */
    readOnly?: string[];
    /** Writes that are operations on a Flexible Server (the input naming it). */
    serverScoped?: string;
    computed?(inputs: Record<string, any>, id: string): Record<string, unknown>;
}

const specs: Record<string, Spec> = {
    "azure-native:resources:ResourceGroup": { armType: "resourceGroups", nameProp: "resourceGroupName", scope: "subscription", replaceOn: ["location"] },
    "azure-native:network:VirtualNetwork": { armType: "Microsoft.Network/virtualNetworks", nameProp: "virtualNetworkName", replaceOn: ["location"] },
    "azure-native:network:NetworkSecurityGroup": { armType: "Microsoft.Network/networkSecurityGroups", nameProp: "networkSecurityGroupName", replaceOn: ["location"] },
    "azure-native:network:PublicIPAddress": {
        armType: "Microsoft.Network/publicIPAddresses", nameProp: "publicIpAddressName", replaceOn: ["location"],
        readOnly: ["ipAddress"],
        computed: () => ({ ipAddress: `198.51.100.${crypto.randomInt(1, 255)}` }),
    },
    "azure-native:network:NatGateway": { armType: "Microsoft.Network/natGateways", nameProp: "natGatewayName", replaceOn: ["location"] },
    "azure-native:network:RouteTable": { armType: "Microsoft.Network/routeTables", nameProp: "routeTableName", replaceOn: ["location"] },
    "azure-native:network:Subnet": {
        armType: "subnets", nameProp: "subnetName", parent: { prop: "virtualNetworkName", segment: "Microsoft.Network/virtualNetworks" },
    },
    "azure-native:network:NetworkInterface": { armType: "Microsoft.Network/networkInterfaces", nameProp: "networkInterfaceName", replaceOn: ["location"] },
    "azure-native:privatedns:PrivateZone": { armType: "Microsoft.Network/privateDnsZones", nameProp: "privateZoneName" },
    "azure-native:privatedns:VirtualNetworkLink": {
        armType: "virtualNetworkLinks", nameProp: "virtualNetworkLinkName", parent: { prop: "privateZoneName", segment: "Microsoft.Network/privateDnsZones" },
    },
    "azure-native:compute:VirtualMachine": {
        armType: "Microsoft.Compute/virtualMachines", nameProp: "vmName", replaceOn: ["location"],
        computed: (inputs) => ({
            identity: inputs.identity?.type?.includes("SystemAssigned")
                ? { ...inputs.identity, principalId: crypto.randomUUID(), tenantId: signedIn().tenantId }
                : inputs.identity,
            vmId: crypto.randomUUID(),
            provisioningState: "Succeeded",
        }),
    },
    "azure-native:operationalinsights:Workspace": {
        armType: "Microsoft.OperationalInsights/workspaces", nameProp: "workspaceName", replaceOn: ["location"],
        computed: () => ({ customerId: crypto.randomUUID() }),
    },
    "azure-native:monitor:DiagnosticSetting": {
        armType: "Microsoft.Insights/diagnosticSettings", nameProp: "name", scope: { resourceUri: "resourceUri" }, replaceOn: ["resourceUri"],
    },
    "azure-native:dbforpostgresql:Server": {
        armType: "Microsoft.DBforPostgreSQL/flexibleServers", nameProp: "serverName", replaceOn: ["location", "administratorLogin"],
        readOnly: ["fullyQualifiedDomainName", "state"],
        computed: (inputs) => ({
            fullyQualifiedDomainName: `${inputs.serverName}.postgres.database.azure.com`,
            state: "Ready",
        }),
    },
    "azure-native:dbforpostgresql:Configuration": {
        armType: "configurations", nameProp: "configurationName", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName",
    },
    "azure-native:dbforpostgresql:FirewallRule": {
        armType: "firewallRules", nameProp: "firewallRuleName", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName",
    },
    "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": {
        armType: "administrators", nameProp: "objectId", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName",
    },
    "azure-native:dbforpostgresql:Database": {
        armType: "databases", nameProp: "databaseName", parent: { prop: "serverName", segment: "Microsoft.DBforPostgreSQL/flexibleServers" },
        serverScoped: "serverName", replaceOn: ["charset", "collation"],
    },
};

interface Record_ {
    type: string;
    outputs: Record<string, unknown>;
}

const resources = new Store<Record_>("azure-resources");
const servers = new Store<PgServerRecord>("azure-postgres");

/** Delay standing for the time a server operation takes, so that overlapping operations overlap. */
const operationMs = Number(process.env.ENTRA_E2E_SERVER_OPERATION_MS ?? "300");
/** Operations in progress, per server id: what is running. In-process: the CLI runs one azure-native plugin. */
const serverOperations = new Map<string, string>();

function serverId(rg: string, server: string): string {
    return `/subscriptions/${signedIn().subscriptionId}/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`;
}

async function serverOperation<T>(id: string, what: string, work: () => Promise<T>): Promise<T> {
    const running = serverOperations.get(id);
    if (running !== undefined) {
        if (what.startsWith("AdministratorsMicrosoftEntra") && running === "Server update") {
            throw azureError(400, "AadAuthOperationCannotBePerformedWhenServerIsNotAccessible",
                `Microsoft Entra administrator operations cannot be performed while server ${id.split("/").pop()} is updating.`,
                "hashicorp/terraform-provider-azurerm#19962");
        }
        throw azureError(409, "ServerBusy",
            `Server ${id.split("/").pop()} is busy with another operation (${running}). Please try your operation later.`,
            "hashicorp/terraform-provider-azurerm#19962");
    }
    serverOperations.set(id, what);
    try {
        await new Promise((r) => setTimeout(r, operationMs));
        return await work();
    } finally {
        serverOperations.delete(id);
    }
}

function armId(type: string, inputs: Record<string, any>): string {
    const spec = specs[type];
    const name = inputs[spec.nameProp];
    if (spec.scope === "subscription") return `/subscriptions/${signedIn().subscriptionId}/resourceGroups/${name}`;
    if (spec.scope) return `${inputs[spec.scope.resourceUri]}/providers/${spec.armType}/${name}`;
    const rg = `/subscriptions/${signedIn().subscriptionId}/resourceGroups/${inputs.resourceGroupName}`;
    if (spec.parent) return `${rg}/providers/${spec.parent.segment}/${inputs[spec.parent.prop]}/${spec.armType}/${name}`;
    return `${rg}/providers/${spec.armType}/${name}`;
}

function specFor(urn: string): [string, Spec] {
    const type = typeOf(urn);
    const spec = specs[type];
    if (!spec) throw new Error(`The Azure simulator does not implement ${type}; add it to e2e/providers/azure-native.ts.`);
    return [type, spec];
}

/** Properties that decide where a resource lives: a change means a new resource. */
function pathProps(spec: Spec): string[] {
    const props = [spec.nameProp, ...(spec.replaceOn ?? [])];
    if (spec.scope !== "subscription" && !(spec.scope && typeof spec.scope === "object")) props.push("resourceGroupName");
    if (spec.parent) props.push(spec.parent.prop);
    return props;
}

function computedKeys(type: string, spec: Spec): Set<string> {
    const sample = spec.computed ? Object.keys(spec.computed({ identity: { type: "SystemAssigned" }, serverName: "x" }, "")) : [];
    return new Set(["id", "name", "type", "azureApiVersion", ...sample].filter((k) => !(type.endsWith(":VirtualMachine") && k === "identity")));
}

function validate(type: string, spec: Spec, news: Record<string, any>): pulumi.provider.CheckFailure[] {
    const failures: pulumi.provider.CheckFailure[] = [];
    for (const prop of spec.readOnly ?? []) {
        if (news[prop] !== undefined) failures.push({ property: prop, reason: `${prop} is read-only: Azure computes it.` });
    }
    if (type === "azure-native:compute:VirtualMachine" && news.identity?.principalId !== undefined) {
        failures.push({ property: "identity.principalId", reason: "identity.principalId is read-only: Azure computes it." });
    }
    if (type === "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra") {
        const allowed = ["Unknown", "User", "Group", "ServicePrincipal"];
        const value = reveal(news.principalType);
        if (value !== undefined && !containsUnknown(value) && !allowed.includes(value)) {
            failures.push({
                property: "principalType",
                reason: `principalType "${value}" is not one of ${allowed.join(", ")} (AdministratorsMicrosoftEntra.json, api-version 2025-08-01, ` +
                    "Azure/azure-rest-api-specs@0f9798aa2720ac3b2299c448917356c18389ec41).",
            });
        }
    }
    return failures;
}

/** A preview's outputs: the inputs, the name, and what Azure computes as unknown (the FQDN is known from the name). */
function previewOutputs(urn: string, news: Record<string, any>): Record<string, unknown> {
    const [type, spec] = specFor(urn);
    const computed = Object.fromEntries([...computedKeys(type, spec)].map((k) => [k, unknownValue]));
    const outputs: Record<string, unknown> = { ...news, ...computed, name: news[spec.nameProp] ?? unknownValue, type: spec.armType };
    if (type === "azure-native:compute:VirtualMachine" && news.identity) {
        outputs.identity = { ...news.identity, principalId: unknownValue, tenantId: unknownValue };
    }
    if (type === "azure-native:dbforpostgresql:Server" && typeof news.serverName === "string" && news.serverName !== unknownValue) {
        outputs.fullyQualifiedDomainName = `${news.serverName}.postgres.database.azure.com`;
    }
    return outputs;
}

adaptProviderServer({
    create: previewOutputs,
    update: (urn, olds, news) => {
        const [type, spec] = specFor(urn);
        const kept = Object.fromEntries([...computedKeys(type, spec)].map((k) => [k, olds[k]]));
        return { ...news, ...kept };
    },
});

export const provider: pulumi.provider.Provider = {
    version: process.env.ENTRA_E2E_AZURE_NATIVE_VERSION ?? "3.28.0",

    async check(urn, olds, news) {
        const [type, spec] = specFor(urn);
        const inputs = { ...news };
        if (inputs[spec.nameProp] === undefined) {
            // azure-native autonames: the logical name and a random suffix, kept across updates.
            inputs[spec.nameProp] = olds?.[spec.nameProp] ?? `${urn.split("::").pop()}${crypto.randomBytes(4).toString("hex")}`;
        }
        return { inputs, failures: validate(type, spec, inputs) };
    },

    async diff(_id, urn, olds, news) {
        const [type, spec] = specFor(urn);
        const skip = computedKeys(type, spec);
        const keys = new Set([...Object.keys(news), ...Object.keys(olds)].filter((k) => !skip.has(k)));
        // A VM's identity is an input whose principalId and tenantId Azure fills in.
        const comparable = (k: string, v: any) => (k === "identity" && type.endsWith(":VirtualMachine") && v ? { type: v.type } : v);
        const changed = [...keys].filter((k) => !deepEqual(comparable(k, olds[k]), comparable(k, news[k])));
        const replaces = changed.filter((k) => pathProps(spec).includes(k));
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && spec.parent !== undefined };
    },

    async create(urn, inputs) {
        const [type, spec] = specFor(urn);
        const plain = reveal(inputs);
        const id = armId(type, plain);
        if (resources.get(id)) {
            throw azureError(409, "Conflict", `A resource with id ${id} already exists.`, "Azure Resource Manager PUT semantics");
        }
        const outputs: Record<string, unknown> = {
            ...inputs,
            ...spec.computed?.(plain, id),
            name: plain[spec.nameProp],
            type: spec.armType,
        };
        const write = async () => {
            await applyCreate(type, plain, id);
            resources.put(id, { type, outputs });
        };
        if (spec.serverScoped) {
            await serverOperation(serverId(plain.resourceGroupName, plain[spec.serverScoped]), `${type.split(":").pop()} create`, write);
        } else if (type === "azure-native:dbforpostgresql:Server") {
            await serverOperation(id, "Server create", write);
        } else {
            await write();
        }
        return { id, outs: outputs };
    },

    async read(id) {
        const record = resources.get(id);
        if (!record) return { id: "", props: {} };
        return { id, props: record.outputs };
    },

    async update(id, urn, olds, news) {
        const [type, spec] = specFor(urn);
        const record = resources.get(id);
        if (!record) throw azureError(404, "ResourceNotFound", `The resource ${id} was not found.`, "Azure Resource Manager");
        const plain = reveal(news);
        const computed = Object.fromEntries([...computedKeys(type, spec)].map((k) => [k, record.outputs[k]]));
        const outputs = { ...news, ...computed };
        const write = async () => {
            await applyUpdate(type, reveal(olds), plain, id);
            resources.put(id, { type, outputs });
        };
        if (spec.serverScoped) {
            await serverOperation(serverId(plain.resourceGroupName, plain[spec.serverScoped]), `${type.split(":").pop()} update`, write);
        } else if (type === "azure-native:dbforpostgresql:Server") {
            await serverOperation(id, "Server update", write);
        } else {
            await write();
        }
        return { outs: outputs };
    },

    async delete(id, urn, props) {
        const [type, spec] = specFor(urn);
        const plain = reveal(props);
        const remove = async () => {
            await applyDelete(type, plain, id);
            resources.delete(id);
        };
        if (spec.serverScoped) {
            await serverOperation(serverId(plain.resourceGroupName, plain[spec.serverScoped]), `${type.split(":").pop()} delete`, remove);
        } else if (type === "azure-native:dbforpostgresql:Server") {
            await serverOperation(id, "Server delete", remove);
        } else {
            if (type === "azure-native:resources:ResourceGroup") {
                const inside = resources.all().filter(([other]) => other.startsWith(`${id}/`));
                if (inside.length > 0) {
                    // A resource group delete removes what it contains; the e2e checks nothing is left behind by the program.
                    for (const [other, rec] of inside) {
                        if (rec.type === "azure-native:dbforpostgresql:Server") await applyDelete(rec.type, reveal(rec.outputs), other);
                        resources.delete(other);
                    }
                }
            }
            await remove();
        }
    },

    async invoke(token) {
        if (token === "azure-native:authorization:getClientConfig") {
            const me = signedIn();
            return { outputs: { clientId: me.clientId, objectId: me.objectId, subscriptionId: me.subscriptionId, tenantId: me.tenantId } };
        }
        throw new Error(`The Azure simulator does not implement the function ${token}.`);
    },
};

/** The parts of a write that reach the real PostgreSQL. */
async function applyCreate(type: string, inputs: Record<string, any>, id: string): Promise<void> {
    switch (type) {
        case "azure-native:dbforpostgresql:Server": {
            const fqdn = `${inputs.serverName}.postgres.database.azure.com`;
            const record = await createPgServer(inputs.serverName, fqdn);
            servers.put(id, record);
            if (inputs.authConfig?.passwordAuth === "Enabled" && inputs.administratorLogin) {
                await superuser(record, "postgres", async (c) => {
                    const { rows } = await c.query("select format('CREATE ROLE %I LOGIN CREATEROLE CREATEDB PASSWORD %L', $1::text, $2::text) as s", [
                        inputs.administratorLogin, inputs.administratorLoginPassword,
                    ]);
                    await c.query(rows[0].s);
                    await c.query(`GRANT azure_pg_admin TO "${inputs.administratorLogin.replace(/"/g, '""')}"`);
                });
            }
            return;
        }
        case "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": {
            const record = pgFor(inputs);
            const kind = { User: "user", Group: "group", ServicePrincipal: "service", Unknown: "user" }[inputs.principalType as string] ?? "user";
            const token = tokenFor(inputs.objectId, postgresTokenResource, inputs.tenantId ?? signedIn().tenantId);
            await superuser(record, "postgres", async (c) => {
                const { rows } = await c.query(
                    "select format('CREATE ROLE %I LOGIN CREATEROLE CREATEDB PASSWORD %L', $1::text, $2::text) as create, format('GRANT azure_pg_admin TO %I', $1::text) as grant",
                    [inputs.principalName, token],
                );
                await c.query(rows[0].create);
                await c.query(rows[0].grant);
                await c.query("select pgaadauth_emulation.register($1, $2, $3, true)", [inputs.principalName, inputs.objectId.toLowerCase(), kind]);
            });
            return;
        }
        case "azure-native:dbforpostgresql:Database": {
            const record = pgFor(inputs);
            // Databases_Create is a PUT, create or update (Microsoft.DBforPostgreSQL Databases.json): a database the
            // deployer already created with SQL is found there and kept, owner and all.
            await superuser(record, "postgres", async (c) => {
                const existing = await c.query("select 1 from pg_database where datname = $1", [inputs.databaseName]);
                if (existing.rowCount) return;
                const { rows } = await c.query("select format('CREATE DATABASE %I OWNER azure_pg_admin ENCODING %L TEMPLATE template0', $1::text, $2::text) as s", [
                    inputs.databaseName, inputs.charset ?? "UTF8",
                ]);
                await c.query(rows[0].s);
            });
            return;
        }
        default:
            return;
    }
}

async function applyUpdate(type: string, olds: Record<string, any>, news: Record<string, any>, id: string): Promise<void> {
    if (type === "azure-native:dbforpostgresql:Server" && news.administratorLogin && news.administratorLoginPassword !== olds.administratorLoginPassword) {
        const record = servers.get(id)!;
        await superuser(record, "postgres", async (c) => {
            const { rows } = await c.query("select format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text) as s", [news.administratorLogin, news.administratorLoginPassword]);
            await c.query(rows[0].s);
        });
    }
}

async function applyDelete(type: string, props: Record<string, any>, id: string): Promise<void> {
    switch (type) {
        case "azure-native:dbforpostgresql:Server": {
            const record = servers.get(id);
            if (record) {
                await deletePgServer(record);
                servers.delete(id);
            }
            return;
        }
        case "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": {
            const record = pgFor(props);
            await superuser(record, "postgres", async (c) => {
                const { rows: dbs } = await c.query<{ datname: string }>("select datname from pg_database where datallowconn");
                for (const { datname } of dbs) {
                    await superuser(record, datname, async (d) => {
                        const { rows } = await d.query("select format('DROP OWNED BY %I', $1::text) as s", [props.principalName]);
                        await d.query(rows[0].s).catch(() => undefined);
                    });
                }
                const { rows } = await c.query("select format('DROP ROLE IF EXISTS %I', $1::text) as s", [props.principalName]);
                await c.query(rows[0].s);
            });
            return;
        }
        case "azure-native:dbforpostgresql:Database": {
            const record = pgFor(props);
            await superuser(record, "postgres", async (c) => {
                const { rows } = await c.query("select format('DROP DATABASE IF EXISTS %I WITH (FORCE)', $1::text) as s", [props.databaseName]);
                await c.query(rows[0].s);
            });
            return;
        }
        default:
            return;
    }
}

function pgFor(inputs: Record<string, any>): PgServerRecord {
    const id = serverId(inputs.resourceGroupName, inputs.serverName);
    const record = servers.get(id);
    if (!record) throw azureError(404, "ResourceNotFound", `The server ${id} was not found.`, "Azure Resource Manager");
    return record;
}

if (require.main === module) {
    pulumi.provider.main(provider, process.argv.slice(2)).catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
