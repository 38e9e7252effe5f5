import type { DatabaseAccess, PrincipalKind, StackConfig } from "../config";

/** An identity that gets a database role, as the stack decides it (see `AccessIdentity` in access.ts). */
export interface PlannedIdentity<O, R> {
    name: string;
    objectId?: O;
    type: PrincipalKind;
    access: readonly DatabaseAccess[];
    dependsOn?: R[];
}

/**
 * The identities that get a database role: the VM's first when there is a VM, then each configured principal
 * in its order. The VM's system-assigned identity is a service principal named after the VM (its display name
 * is the VM name), its object id is known only once the VM exists, and its role waits for the VM.
 */
export function accessIdentities<O, R>(
    principals: readonly { name: string; objectId?: O; type: PrincipalKind; access: readonly DatabaseAccess[] }[],
    vm?: { roleName: string; principalId: O; access: readonly DatabaseAccess[]; resource: R },
): PlannedIdentity<O, R>[] {
    const identities: PlannedIdentity<O, R>[] = principals.map((p) => ({ name: p.name, objectId: p.objectId, type: p.type, access: p.access }));
    if (vm) {
        identities.unshift({ name: vm.roleName, objectId: vm.principalId, type: "service", access: vm.access, dependsOn: [vm.resource] });
    }
    return identities;
}

/** The database every PostgreSQL server has (`initdb` creates it): what a login opens when nothing else is named. */
export const serverDefaultDatabase = "postgres";

/**
 * The database the VM's login script and the connect commands open: the first database the VM's identity has
 * access to when it has any (it can connect to no other), else the first database, else `postgres`.
 */
export function defaultDatabaseOf(config: Pick<StackConfig, "vm" | "databases">): string {
    const vmDatabase = config.vm.enabled ? config.vm.access[0]?.database : undefined;
    return vmDatabase ?? config.databases[0] ?? serverDefaultDatabase;
}
