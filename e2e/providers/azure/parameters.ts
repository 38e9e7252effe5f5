/**
 * A server parameter write (Configurations_Put), as Azure does it to the server's PostgreSQL:
 *
 * - The parameter's kind is Azure's: the catalogue transcribed from Learn's parameter reference
 *   (components/config/serverParameters.json, `kind`) where it has the parameter; otherwise PostgreSQL's own, from
 *   `pg_settings.context` (`postmaster`: static, `internal`: read-only, anything else: dynamic), which is what the
 *   catalogue records for the database engine's parameters. A parameter PostgreSQL does not know (one of the
 *   service's own, `require_secure_transport`, `connection_throttle.enable`) is kept in Azure's state only.
 * - A dynamic parameter applies at once: ALTER SYSTEM, then a reload.
 * - A static one is written (ALTER SYSTEM) and applies at the next restart; until then Azure reports it
 *   `isConfigPendingRestart: true`, and `isDynamicConfig: false`: "Static server parameters require a server
 *   restart after changing the value assigned to them, for the change to take effect" (ConfigurationProperties,
 *   specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/Configurations.json at
 *   8e0dc9428c62ee7d615db6fff2f70148e7e98a77; Learn "Server parameters in Azure Database for PostgreSQL flexible
 *   server"). A restart (`restartServer`) applies every pending value and clears the flag.
 * - A read-only parameter, or a value PostgreSQL refuses, fails the write with 400.
 */
import { catalogueEntry } from "../../../components/config/parameters";
import { azureError, Store } from "../common";
import { restartPgServer, superuser, type PgServerRecord } from "../pgserver";
import type { SimulatedResource } from "./resources";

type Kind = "static" | "dynamic" | "read-only";

async function kindOf(record: PgServerRecord, name: string, version: string | undefined): Promise<{ kind: Kind; engine: boolean }> {
    const engine = await superuser(record, "postgres", async (c) => (await c.query<{ context: string }>("select context from pg_settings where name = $1", [name])).rows[0]?.context);
    const entry = version ? catalogueEntry(name, version) : undefined;
    if (entry) return { kind: entry.kind, engine: engine !== undefined };
    if (engine === undefined) return { kind: "dynamic", engine: false };
    return { kind: engine === "postmaster" ? "static" : engine === "internal" ? "read-only" : "dynamic", engine: true };
}

/**
 * Whether PostgreSQL holds a value of `name` it applies only at the next restart (`pg_settings.pending_restart`,
 * set once the reload that follows ALTER SYSTEM has been processed; asked on new connections for a moment).
 */
async function pendingRestart(record: PgServerRecord, name: string): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
        const pending = await superuser(record, "postgres", async (c) => (await c.query<{ p: boolean }>("select pending_restart as p from pg_settings where name = $1", [name])).rows[0]?.p);
        if (pending) return true;
        await new Promise((r) => setTimeout(r, 200));
    }
    return false;
}

function serverVersion(serverId: string): string | undefined {
    const server = new Store<SimulatedResource>("azure-resources").get(serverId);
    return (server?.outputs as { version?: string } | undefined)?.version;
}

/** Writes parameter `name` = `value` on the server; returns what Azure reports about it. */
export async function writeParameter(record: PgServerRecord, serverId: string, name: string, value: string): Promise<Record<string, unknown>> {
    const { kind, engine } = await kindOf(record, name, serverVersion(serverId));
    if (kind === "read-only") {
        throw azureError(400, "ParameterIsReadOnly", `The server parameter ${name} is read-only.`, "Learn's parameter reference (components/config/serverParameters.json)");
    }
    let pending = false;
    if (engine) {
        await superuser(record, "postgres", async (c) => {
            const { rows } = await c.query("select format('ALTER SYSTEM SET %I = %L', $1::text, $2::text) as s", [name, value]);
            try {
                await c.query(rows[0].s);
            } catch (e) {
                throw azureError(400, "InvalidParameterValue", `The value '${value}' for parameter ${name} is invalid: ${(e as Error).message}`, "PostgreSQL's own check of the value");
            }
            await c.query("select pg_reload_conf()");
        });
        if (kind === "static") pending = await pendingRestart(record, name);
    } else {
        // A static parameter of the service's own (catalogued, unknown to PostgreSQL) applies at the next restart too.
        pending = kind === "static";
    }
    return { isDynamicConfig: kind === "dynamic", isConfigPendingRestart: pending, isReadOnly: false };
}

/**
 * A restart of the server (Servers_Restart, or an update that restarts it): the PostgreSQL restarts, every value
 * written since applies, and no parameter of the server is pending a restart any more.
 */
export async function restartWithParameters(record: PgServerRecord, serverId: string): Promise<void> {
    await restartPgServer(record);
    const resources = new Store<SimulatedResource>("azure-resources");
    for (const [id, resource] of resources.all()) {
        if (resource.type === "azure-native:dbforpostgresql:Configuration" && id.toLowerCase().startsWith(`${serverId.toLowerCase()}/configurations/`)) {
            resources.update(id, (r) => (r ? { ...r, outputs: { ...r.outputs, isConfigPendingRestart: false } } : undefined));
        }
    }
}
