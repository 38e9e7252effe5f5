/**
 * Management locks in the simulated Azure (Microsoft Learn, "Lock your resources to protect your
 * infrastructure", MicrosoftDocs/azure-docs articles/azure-resource-manager/management/lock-resources.md at
 * 03adcc30): a `CanNotDelete` or `ReadOnly` lock at a scope refuses the deletion of that scope and of everything
 * below it ("When you apply a lock at a parent scope, all resources within that scope inherit the same lock";
 * extension resources such as diagnostic settings inherit the lock of the resource they extend), and a resource
 * group delete that would remove a locked resource is refused whole ("You never have a partial deletion"). Locks
 * act on Azure Resource Manager only ("Locks only apply to control plane Azure operations"): SQL against the
 * server is not affected. The refusal is ARM's `409 ScopeLocked`, with ARM's message.
 */
import { azureError } from "../common";
import type { SimulatedResource } from "./resources";

export const lockType = "azure-native:authorization:ManagementLockByScope";
const source = "Microsoft Learn, Lock your resources to protect your infrastructure (lock-resources.md)";

/** The locks (their ids) that forbid deleting `id`: locks at `id` or at any scope above it. */
export function locksOver(id: string, all: readonly [string, SimulatedResource][]): string[] {
    const target = id.toLowerCase();
    return all
        .filter(([, r]) => r.type === lockType && ["CanNotDelete", "ReadOnly"].includes(String(r.outputs.level)))
        .filter(([, r]) => {
            const scope = String(r.outputs.scope ?? "").toLowerCase();
            return scope !== "" && (target === scope || target.startsWith(`${scope}/`));
        })
        .map(([lockId]) => lockId);
}

/**
 * Throws ARM's 409 ScopeLocked when `id` (or, for a resource group, anything in it) is under a delete lock.
 * Deleting a lock itself is allowed: that is how a lock is removed.
 */
export function assertDeletable(id: string, type: string, all: readonly [string, SimulatedResource][]): void {
    if (type === lockType) return;
    const inside = type === "azure-native:resources:ResourceGroup" ? all.filter(([other]) => other.toLowerCase().startsWith(`${id.toLowerCase()}/`)).map(([other]) => other) : [];
    const locks = [...new Set([id, ...inside].flatMap((target) => locksOver(target, all)))];
    if (locks.length > 0) {
        const scopes = locks.map((l) => l.replace(/\/providers\/Microsoft\.Authorization\/locks\/[^/]+$/i, ""));
        throw azureError(409, "ScopeLocked",
            `The scope '${id}' cannot perform delete operation because following scope(s) are locked: '${[...new Set(scopes)].join("', '")}'. Please remove the lock and try again.`,
            source);
    }
}
