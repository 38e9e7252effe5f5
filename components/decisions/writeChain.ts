/**
 * The order of server-scoped writes. Azure runs one management operation at a time per Flexible Server:
 * parallel parameter writes fail with `ServerBusy`, and admin writes fail while the server is updating
 * (`AadAuthOperationCannotBePerformedWhenServerIsNotAccessible`, hashicorp/terraform-provider-azurerm#19962).
 * So the writes form one chain, in this order: the server, its parameters, the restart that applies changed static
 * parameters (`server.restartForStaticParameters: auto`; Azure refuses a restart while the server is `Updating`,
 * hashicorp/terraform-provider-azurerm#29219), its firewall rules, the Entra administrators one after another, then
 * the databases one after another.
 */
export const serverWriteStages = ["server", "parameters", "restart", "firewallRules", "administrators", "databases"] as const;

/**
 * Declares `items` one after another: the first waits for `after`, each next one for the one before it.
 * `create` declares one item given what it must wait for, and returns what the next one waits for.
 */
export function chain<I, R, A = R>(items: readonly I[], after: readonly A[], create: (item: I, after: (A | R)[], index: number) => R): R[] {
    const created: R[] = [];
    let previous: (A | R)[] = [...after];
    items.forEach((item, index) => {
        const resource = create(item, previous, index);
        created.push(resource);
        previous = [resource];
    });
    return created;
}

/** The child-name suffix of a server parameter write: `.` and `_` become `-` (`log_connections` → `log-connections`). */
export function parameterChildSuffix(parameter: string): string {
    return parameter.replace(/[._]/g, "-");
}

/** What the next write waits for: the last of `created`, or `before` when nothing was created. */
export function lastOf<R>(created: readonly R[], before: R): R {
    return created.length > 0 ? created[created.length - 1] : before;
}
