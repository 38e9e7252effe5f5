import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";

/**
 * A management lock `CanNotDelete` on a resource or resource group (Learn, "Lock your resources to protect your
 * infrastructure", MicrosoftDocs/azure-docs articles/azure-resource-manager/management/lock-resources.md at
 * 03adcc30): "authorized users can read and modify a resource, but they can't delete it", whoever they are and
 * whatever tool they use; `protect: true` only guards against Pulumi. Backups of a deleted server go with it
 * ("If you delete a server, all backups that belong to the server are also deleted and can't be recovered. To
 * help protect server resources from accidental deletion ... administrators can use management locks", Learn,
 * "Backup and restore", articles/postgresql/backup-restore/concepts-backup-restore.md at 0085bb16).
 *
 * Ordering: a lock is inherited by everything below its scope ("When you apply a lock at a parent scope, all
 * resources within that scope inherit the same lock", and extension resources such as diagnostic settings
 * inherit it too), so a delete of the server's databases, parameters or diagnostic setting would fail while the
 * lock exists. The lock therefore waits for every resource under its scope (`after`): it is created last and,
 * in `pulumi destroy`, deleted first, so destroying an unprotected stack still works.
 */
export interface DeleteLockArgs {
    /** ARM id of the locked resource or resource group. */
    scope: pulumi.Input<string>;
    /** Lock name, unique at its scope. */
    lockName: string;
    /** Everything under the scope the stack manages: the lock comes after them, and goes before them. */
    after: pulumi.Input<pulumi.Resource>[];
    /** How to remove it on purpose, kept on the lock (at most 512 characters). */
    notes: string;
}

/** The notes a lock carries: who manages it and how to remove it deliberately. */
export function lockNotes(stack: string, setting: string): string {
    return `Managed by the Pulumi stack ${stack}. To delete the locked resource on purpose: pulumi config set entra-postgres:${setting} false, then pulumi up (deletes this lock), then delete.`;
}

export function deleteLock(name: string, args: DeleteLockArgs, opts: pulumi.CustomResourceOptions): authorization.ManagementLockByScope {
    if (args.notes.length > 512) {
        throw new Error(`deleteLock ${name}: notes are ${args.notes.length} characters; Azure takes at most 512.`);
    }
    return new authorization.ManagementLockByScope(name, {
        scope: args.scope,
        lockName: args.lockName,
        level: "CanNotDelete",
        notes: args.notes,
    }, { ...opts, dependsOn: args.after });
}
