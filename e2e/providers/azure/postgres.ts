/**
 * The parts of a write that reach the real PostgreSQL behind a simulated Flexible Server: the server itself,
 * its password administrator, its Entra administrators (login roles whose password is their token), its
 * databases and its parameters (parameters.ts), and what Azure refuses or does to the server on an update
 * (serverUpdates.ts).
 */
import { azureError, postgresTokenResource, signedIn, Store, tokenFor } from "../common";
import { createPgServer, deletePgServer, superuser, type PgServerRecord } from "../pgserver";
import { serverId } from "./operations";
import { writeParameter } from "./parameters";
import { applyServerUpdate } from "./serverUpdates";

/** The PostgreSQL of each simulated server, by the server's ARM id. */
export const servers = new Store<PgServerRecord>("azure-postgres");

/** Outputs Azure computes from the write itself (a parameter's kind and whether it waits for a restart). */
export type ComputedOutputs = Record<string, unknown>;


export async function applyCreate(type: string, inputs: Record<string, any>, id: string): Promise<ComputedOutputs | void> {
    switch (type) {
        case "azure-native:dbforpostgresql:Configuration":
            return writeParameter(pgFor(inputs), serverId(inputs.resourceGroupName, inputs.serverName), inputs.configurationName, inputs.value);
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
                // A PUT creates or updates: on a restored server the administrator's role came with the data.
                const { rows } = await c.query(
                    "select format(case when exists (select 1 from pg_roles where rolname = $1::text) then 'ALTER ROLE %I LOGIN CREATEROLE CREATEDB PASSWORD %L' else 'CREATE ROLE %I LOGIN CREATEROLE CREATEDB PASSWORD %L' end, $1::text, $2::text) as create, format('GRANT azure_pg_admin TO %I', $1::text) as grant",
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

export async function applyUpdate(type: string, olds: Record<string, any>, news: Record<string, any>, id: string): Promise<ComputedOutputs | void> {
    if (type === "azure-native:dbforpostgresql:Configuration") {
        return writeParameter(pgFor(news), serverId(news.resourceGroupName, news.serverName), news.configurationName, news.value);
    }
    if (type === "azure-native:dbforpostgresql:Server") {
        // A record without PostgreSQL (the simulator's own tests) takes changes that do not reach the engine.
        const record = servers.get(id);
        const pg = (): PgServerRecord => {
            if (!record) throw azureError(404, "ResourceNotFound", `The server ${id} has no PostgreSQL in this simulation.`, "the simulation's state");
            return record;
        };
        await applyServerUpdate(pg, olds, news);
        if (news.administratorLogin && news.administratorLoginPassword !== olds.administratorLoginPassword) {
            const record = pg();
            await superuser(record, "postgres", async (c) => {
                const { rows } = await c.query("select format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text) as s", [news.administratorLogin, news.administratorLoginPassword]);
                await c.query(rows[0].s);
            });
        }
    }
}

export async function applyDelete(type: string, props: Record<string, any>, id: string): Promise<void> {
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

