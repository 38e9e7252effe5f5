import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type { RestoreConfig } from "./config/dataSafety";

/**
 * A server created by point-in-time restore of another (Learn, "Backup and restore", MicrosoftDocs/
 * azure-databases-docs articles/postgresql/backup-restore/concepts-backup-restore.md at 0085bb16): the
 * disaster-recovery drill. `createMode: PointInTimeRestore` with the source's id and the point in time
 * (Servers.json 2025-08-01: `sourceServerResourceId` is create/read, `pointInTimeUTC` create only).
 *
 * What the restored server has and lacks, per Learn's "Post-restore tasks": the data (databases, roles, their
 * grants) as of the point in time; not the source's server parameters ("not automatically applied to the new
 * server"), firewall rules ("not copied over"), nor high availability ("restored as a single-instance"). So the
 * stack writes parameters, firewall rules and Entra administrators as for a new server, and the role provider
 * adopts the roles it finds (same Entra identity). Changing or removing the restore replaces the server.
 */
export function restoreServerInputs(restore: RestoreConfig): Pick<dbforpostgresql.ServerArgs, "createMode" | "sourceServerResourceId" | "pointInTimeUTC"> {
    return {
        createMode: "PointInTimeRestore",
        sourceServerResourceId: restore.sourceServerId,
        pointInTimeUTC: restore.pointInTime,
    };
}

/** Inputs that only mean something when the server is created: a change replaces the server. */
export const restoreReplaceOn = ["createMode", "sourceServerResourceId", "pointInTimeUTC"] as const;
