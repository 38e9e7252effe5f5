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
    /**
     * The stack's `protect` setting: with it, a change that replaces or deletes the server or a database is refused.
     * Absent in the state of stacks deployed before it was recorded: nothing is compared until the next `up` records it.
     */
    protect?: boolean;
    /** Region of the server (create-only in Servers.json 2025-08-01: a change replaces the server). */
    location?: string;
    /** `network.access`: `private` (VNet integration), `public` or `private-endpoint` (public access disabled). */
    networkAccess?: string;
    /** The databases the stack declares on the server, by name. */
    databases?: string[];
}

/** The value the engine passes for inputs not known yet (preview); such an input is not compared. */
const unknownInput = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const known = (v: unknown): boolean => v !== undefined && v !== null && v !== unknownInput && !JSON.stringify(v).includes(unknownInput);

/** What a protected stack's message says to do instead of the change, after naming it. */
function unprotectFirst(what: string): string {
    return `entra-postgres:protect is true, so the stack refuses it before anything changes. ${what} If the data may really go, ` +
        "set entra-postgres:protect to false and run pulumi up (that only lifts the protection), then make this change.";
}

/**
 * The changes that would replace or delete the server or a database of a protected stack: stopped at `check`,
 * before anything changes, each naming the setting and what to do instead. A protected resource's replacement
 * or deletion is refused by the engine too, but only when its step comes, after other changes of the same run
 * (Pulumi's `protect` resource option); and the message names no setting.
 * - the server's name and region are create-only (Servers.json 2025-08-01: `serverName` is a path parameter,
 *   `location` is x-ms-mutability create, read; contracts/azure/): a change replaces the server, data and all;
 * - a server "deployed into a virtual network and subnet" cannot be moved "into another virtual network, subnet
 *   or to Public access" afterwards (Learn, "Create and manage virtual networks ... using the Azure portal",
 *   MicrosoftDocs/azure-docs articles/postgresql/flexible-server/how-to-manage-virtual-network-portal.md): a move
 *   between `private` and the other modes needs a new server. `public` and `private-endpoint` differ only in
 *   `publicNetworkAccess`, which Azure updates in place, so that move is not refused;
 * - a database left out of `databases` is dropped with its data.
 */
function protectedFailures(olds: Partial<ServerGuardInputs>, news: ServerGuardInputs): pulumi.dynamic.CheckFailure[] {
    if (news.protect !== true) return [];
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const server = `server ${olds.serverName ?? news.serverName}`;
    if (known(olds.serverName) && known(news.serverName) && olds.serverName !== news.serverName) {
        failures.push({
            property: "serverName",
            reason: `${server}: renaming it to ${news.serverName} (setting server.name) would create a new, empty server and delete this one with its data. ` +
                unprotectFirst(`Set server.name back to ${olds.serverName}; to move to a new server, create it in another stack and migrate the data (pg_dump and pg_restore, or a point-in-time restore).`),
        });
    }
    const region = (v: string) => v.toLowerCase().replace(/\s+/g, "");
    if (known(olds.location) && known(news.location) && region(String(olds.location)) !== region(String(news.location))) {
        failures.push({
            property: "location",
            reason: `${server}: moving it from ${olds.location} to ${news.location} (setting location) would replace it, and its data would go with it. ` +
                unprotectFirst(`Set location back to ${olds.location}; for another region, restore a backup there (geo-restore) or add a read replica there and promote it.`),
        });
    }
    const vnet = (mode: unknown) => mode === "private";
    if (known(olds.networkAccess) && known(news.networkAccess) && vnet(olds.networkAccess) !== vnet(news.networkAccess)) {
        failures.push({
            property: "networkAccess",
            reason: `${server}: network.access cannot change from ${olds.networkAccess} to ${news.networkAccess} on a deployed server: Azure fixes VNet integration ` +
                `at creation ("you cannot move it into another virtual network, subnet or to Public access", Learn "Create and manage virtual networks"), so ` +
                `this needs a new server, and this one's data would not come along. ` +
                unprotectFirst(`Set network.access back to ${olds.networkAccess}; for the other mode, create a new stack with it and migrate the data.`),
        });
    }
    if (Array.isArray(olds.databases) && known(news.databases)) {
        const kept = new Set(news.databases ?? []);
        for (const database of olds.databases.filter((d) => !kept.has(d))) {
            failures.push({
                property: "databases",
                reason: `database ${database} on ${server}: leaving it out of the databases setting would drop it with its data. ` +
                    unprotectFirst(`Put ${database} back into databases (a rename is a drop and a create); to retire it, keep it declared and revoke access to it instead.`),
            });
        }
    }
    return failures;
}

/**
 * Changes Azure refuses on a deployed server, refused at `check` (so in every preview, and before anything
 * changes in `pulumi up`), with what to do instead:
 * - storage cannot shrink: "You can't scale down the storage" (Learn, "Scale operations - Azure portal";
 *   MicrosoftDocs/azure-docs articles/postgresql/flexible-server/how-to-scale-compute-storage-portal.md);
 * - a major version can only be upgraded in place (Learn, "Major version upgrade", MicrosoftDocs/azure-databases-docs
 *   articles/postgresql/configure-maintain/concepts-major-version-upgrade.md at dca1ab1d);
 * and, on a protected stack, the changes that would replace or delete the server or a database ({@link protectedFailures}).
 * `olds` are the inputs the last deployment recorded; a first deployment has none and is never refused, and an
 * input the recorded state lacks (a stack deployed before it existed) is not compared.
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
    return olds ? [...failures, ...protectedFailures(olds, news)] : failures;
}

/** The inputs the guard compares; a change of any is recorded (an update), so the next run compares with it. */
const guardKeys: (keyof ServerGuardInputs)[] = ["serverName", "storageGb", "version", "protect", "location", "networkAccess", "databases"];

export const serverGuardProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<ServerGuardInputs> | undefined, news: ServerGuardInputs): Promise<pulumi.dynamic.CheckResult> {
        return { inputs: news, failures: guardFailures(olds, news) };
    },
    async diff(_id: string, olds: ServerGuardInputs, news: ServerGuardInputs): Promise<pulumi.dynamic.DiffResult> {
        return { changes: guardKeys.some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null)) };
    },
    async create(inputs: ServerGuardInputs): Promise<pulumi.dynamic.CreateResult> {
        return { id: `guard-${inputs.serverName}`, outs: inputs };
    },
    async update(_id: string, _olds: ServerGuardInputs, news: ServerGuardInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: news };
    },
};
