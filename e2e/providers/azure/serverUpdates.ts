/**
 * What Azure does with an update of a Flexible Server (Servers_CreateOrUpdate on an existing server), beyond
 * keeping the new values, each with its source:
 *
 * - Storage grows online and cannot shrink: "You can't scale down the storage" (Learn, "Scale operations -
 *   Azure portal", MicrosoftDocs/azure-docs articles/postgresql/flexible-server/how-to-scale-compute-storage-portal.md);
 *   "The process of scaling storage is performed online, without causing any downtime" (Learn, "Configure
 *   storage autogrow"). A smaller size is refused with 400; Azure's error code for it is not documented, the
 *   simulator's (`StorageSizeCannotBeReduced`) is its own.
 * - A new compute size restarts the server: the Azure CLI asks before "update the compute or storage size
 *   assigned to your server in a way that requires a server restart. During the restart, you'll experience some
 *   downtime" (Azure/azure-cli#33178). The simulated PostgreSQL restarts; pending static parameters apply.
 * - A higher major version is an in-place major version upgrade (Learn, "Major version upgrade",
 *   MicrosoftDocs/azure-databases-docs articles/postgresql/configure-maintain/concepts-major-version-upgrade.md
 *   at dca1ab1d): the server goes offline while it runs and keeps its data. The simulator has one PostgreSQL
 *   build, so the upgrade is a restart with the data kept and the new version in Azure's state; a lower version
 *   is refused (Learn describes upgrades only).
 * - High availability is not offered on the Burstable tier (Learn, "High availability", the settings table's
 *   source); enabling it there is refused.
 * - A nested create-only property (`backup.geoRedundantBackup`, mutability.ts) cannot change: azure-native sends
 *   the update and Azure refuses it with 400 (code of the simulator's own).
 */
import { azureError } from "../common";
import type { PgServerRecord } from "../pgserver";
import { createOnlyChange } from "./mutability";
import { restartWithParameters } from "./parameters";
import { serverId as serverIdOf } from "./operations";

const serverType = "azure-native:dbforpostgresql:Server";

/** Refuses what Azure refuses synchronously (before the operation is accepted); nothing has changed then. */
export function refusedServerUpdate(olds: Record<string, any>, news: Record<string, any>): Error | undefined {
    const name = news.serverName;
    const oldSize = olds.storage?.storageSizeGB;
    const newSize = news.storage?.storageSizeGB;
    if (typeof oldSize === "number" && typeof newSize === "number" && newSize < oldSize) {
        return azureError(400, "StorageSizeCannotBeReduced",
            `The storage of server ${name} cannot be reduced from ${oldSize} GiB to ${newSize} GiB: storage can only be scaled up.`,
            "Learn, \"Scale operations - Azure portal\": \"You can't scale down the storage\"");
    }
    const oldVersion = Number(olds.version);
    const newVersion = Number(news.version);
    if (Number.isFinite(oldVersion) && Number.isFinite(newVersion) && newVersion < oldVersion) {
        return azureError(400, "MajorVersionDowngradeNotSupported",
            `Server ${name} runs PostgreSQL ${oldVersion}; a major version can only be upgraded, not downgraded to ${newVersion}.`,
            "Learn, \"Major version upgrade\" (in-place upgrades go to a higher version only)");
    }
    if (news.sku?.tier === "Burstable" && news.highAvailability?.mode && news.highAvailability.mode !== "Disabled") {
        return azureError(400, "HighAvailabilityNotSupportedForBurstable",
            `High availability is not supported on the Burstable tier (server ${name}).`, "Learn, \"High availability\"");
    }
    const createOnly = createOnlyChange(serverType, olds, news);
    if (createOnly) {
        return azureError(400, "PropertyChangeNotAllowed",
            `${createOnly} of server ${name} is set when the server is created and cannot be changed.`,
            `x-ms-mutability [create, read] of ${createOnly} in Servers.json (api-version 2025-08-01), contracts/azure/Microsoft.DBforPostgreSQL.json`);
    }
    return undefined;
}

/** What an accepted update does to the server's PostgreSQL: a restart for a new compute size or major version. */
export async function applyServerUpdate(record: () => PgServerRecord, olds: Record<string, any>, news: Record<string, any>): Promise<void> {
    const restarts = olds.sku?.name !== news.sku?.name || String(olds.version) !== String(news.version);
    if (restarts) await restartWithParameters(record(), serverIdOf(news.resourceGroupName, news.serverName));
}

/**
 * A VM's custom data is given to the provisioning agent at first boot and cannot change afterwards: Azure refuses
 * the update with 409 `PropertyChangeNotAllowed`, "Changing property 'customData' is not allowed"
 * (Azure/azure-sdk-for-java#1912 and #1976; Learn, "Custom data and cloud-init on Azure Virtual Machines": custom
 * data "is made available to the VM during first startup", user data is the kind that "can be updated").
 */
export function refusedVmUpdate(olds: Record<string, any>, news: Record<string, any>): Error | undefined {
    const before = olds.osProfile?.customData;
    const after = news.osProfile?.customData;
    if ((before ?? "") !== (after ?? "")) {
        return azureError(409, "PropertyChangeNotAllowed", "Changing property 'customData' is not allowed.",
            "Azure/azure-sdk-for-java#1912 (a VM update that changes osProfile.customData)");
    }
    return undefined;
}
