import type * as pulumi from "@pulumi/pulumi";
import { clouds, type Cloud } from "../config/cloud";
import { armRequest } from "./arm";

/**
 * The dynamic providers of `ServerRestart` and `ServerGuard` (resources.ts). Compiled into the package's
 * `restart-provider` entry, which the packaged module text requires.
 */

/** The api-version of Servers_Restart: the one azure-native 3.28 manages the server with (Servers.json, 2025-08-01). */
export const restartApiVersion = "2025-08-01";

export interface ServerRestartInputs {
    /** ARM id of the Flexible Server. */
    serverId: string;
    /** The server's name, for messages. */
    serverName: string;
    cloud: Cloud;
    /** The static parameters written (name → value): a change of any of them calls for a restart. */
    parameters: Record<string, string>;
}

function checkRestartInputs(inputs: ServerRestartInputs): void {
    if (typeof inputs.serverId !== "string" || !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/[^/]+$/i.test(inputs.serverId)) {
        throw new Error(`ServerRestart: serverId "${String(inputs.serverId)}" is not the ARM id of a Flexible Server.`);
    }
    if (!(clouds as readonly string[]).includes(inputs.cloud)) {
        throw new Error(`ServerRestart: unknown cloud "${String(inputs.cloud)}": expected one of ${clouds.join(", ")}.`);
    }
}

/**
 * Restarts the server (POST …/flexibleServers/{name}/restart, api-version 2025-08-01, a long-running operation)
 * so that the static parameters written before it apply: Azure marks them `isConfigPendingRestart` until then.
 */
async function restart(inputs: ServerRestartInputs): Promise<string> {
    checkRestartInputs(inputs);
    await armRequest({
        cloud: inputs.cloud,
        method: "POST",
        path: `${inputs.serverId}/restart`,
        apiVersion: restartApiVersion,
        body: {},
        what: `Restarting server ${inputs.serverName} to apply static parameters ${Object.keys(inputs.parameters).sort().join(", ")}`,
    });
    return new Date().toISOString();
}

function sameParameters(a: Record<string, string> = {}, b: Record<string, string> = {}): boolean {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => a[k] === b[k]);
}

export const serverRestartProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: ServerRestartInputs, news: ServerRestartInputs): Promise<pulumi.dynamic.DiffResult> {
        // A restart is due when a static parameter's value changed or the server is another one; nothing else.
        const changed = olds.serverId !== news.serverId || !sameParameters(olds.parameters, news.parameters);
        return { changes: changed || olds.cloud !== news.cloud || olds.serverName !== news.serverName };
    },
    async create(inputs: ServerRestartInputs): Promise<pulumi.dynamic.CreateResult> {
        const restartedAt = await restart(inputs);
        return { id: `${inputs.serverId}/restart`, outs: { ...inputs, restartedAt } };
    },
    async update(_id: string, olds: ServerRestartInputs & { restartedAt?: string }, news: ServerRestartInputs): Promise<pulumi.dynamic.UpdateResult> {
        const due = olds.serverId !== news.serverId || !sameParameters(olds.parameters, news.parameters);
        const restartedAt = due ? await restart(news) : olds.restartedAt;
        return { outs: { ...news, restartedAt } };
    },
    async delete(): Promise<void> {
        // Nothing to undo: a restart is an event, not a thing.
    },
};

export interface ServerGuardInputs {
    serverName: string;
    storageGb?: number;
    version?: string;
}

/**
 * Changes Azure refuses on a deployed server, refused at `check` (so in every preview, and before anything
 * changes in `pulumi up`), with what to do instead:
 * - storage cannot shrink: "You can't scale down the storage" (Learn, "Scale operations - Azure portal";
 *   MicrosoftDocs/azure-docs articles/postgresql/flexible-server/how-to-scale-compute-storage-portal.md);
 * - a major version can only be upgraded in place (Learn, "Major version upgrade", MicrosoftDocs/azure-databases-docs
 *   articles/postgresql/configure-maintain/concepts-major-version-upgrade.md at dca1ab1d).
 * `olds` are the inputs the last deployment recorded; a first deployment has none and is never refused.
 */
export function guardFailures(olds: Partial<ServerGuardInputs> | undefined, news: ServerGuardInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof olds?.storageGb === "number" && typeof news.storageGb === "number" && news.storageGb < olds.storageGb) {
        failures.push({
            property: "storageGb",
            reason: `server ${news.serverName}: storage cannot shrink from ${olds.storageGb} GiB to ${news.storageGb} GiB (setting server.storageGb): Azure can only grow a server's storage ("You can't scale down the storage", Learn "Scale operations"). Set server.storageGb back to ${olds.storageGb} or more; for a smaller disk, create a new server and move the data.`,
        });
    }
    const oldVersion = Number(olds?.version);
    const newVersion = Number(news.version);
    if (Number.isFinite(oldVersion) && Number.isFinite(newVersion) && newVersion < oldVersion) {
        failures.push({
            property: "version",
            reason: `server ${news.serverName}: PostgreSQL ${oldVersion} cannot be downgraded to ${newVersion} (setting server.version): Azure upgrades a major version in place, never back (Learn "Major version upgrade"). Set server.version back to ${oldVersion} or higher; to run ${newVersion}, restore a dump into a new server.`,
        });
    }
    return failures;
}

export const serverGuardProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<ServerGuardInputs> | undefined, news: ServerGuardInputs): Promise<pulumi.dynamic.CheckResult> {
        return { inputs: news, failures: guardFailures(olds, news) };
    },
    async diff(_id: string, olds: ServerGuardInputs, news: ServerGuardInputs): Promise<pulumi.dynamic.DiffResult> {
        return { changes: olds.storageGb !== news.storageGb || olds.version !== news.version || olds.serverName !== news.serverName };
    },
    async create(inputs: ServerGuardInputs): Promise<pulumi.dynamic.CreateResult> {
        return { id: `guard-${inputs.serverName}`, outs: inputs };
    },
    async update(_id: string, _olds: ServerGuardInputs, news: ServerGuardInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: news };
    },
};
