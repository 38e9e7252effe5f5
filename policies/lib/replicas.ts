/**
 * Read replicas (`createMode: Replica`): what a replica has of its own and what it takes from its primary.
 *
 * Microsoft Learn, "Read replicas in Azure Database for PostgreSQL"
 * (https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas; MicrosoftDocs/azure-databases-docs
 * articles/postgresql/read-replica/concepts-read-replicas.md at 441b9c89b9a2b8979af80432f2dc83a9955a890d, recorded in
 * policies/sources.json):
 *
 * - "Unsupported features on read replicas": "Backups, including geo-backups" and "High availability (HA)" "can't be
 *   set up on read replicas"; "No backups are taken from read replicas". So the backup and HA policies exempt a
 *   replica, and fail one that declares the feature anyway.
 * - "The replica inherits the admin account from the primary server. All user accounts on the primary server are
 *   replicated to the read replicas. You can only connect to a read replica by using the user accounts available on
 *   the primary server." So a replica's Entra administrators and roles are judged on its primary.
 * - "Configurations post creation": the authentication method, server parameters, maintenance schedule and firewall
 *   rules are adjustable on a replica, and data encryption at its creation; networking supports every option. The
 *   policies on those judge a replica as any server.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { StackIndex } from "./graph";
import { armName, ciEquals, fold } from "./text";
import { TYPES, type ServerInputs } from "./types";

export const REPLICA_DOC_TITLE = "Read replicas in Azure Database for PostgreSQL";
export const REPLICA_DOC_URL = "https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas";
/** How a policy's description and messages cite the page. */
export const REPLICA_DOC = `Microsoft Learn "${REPLICA_DOC_TITLE}" (${REPLICA_DOC_URL})`;

/** True for a read replica: `createMode` Replica (any case). A restore also names a source server, and is no replica. */
export function isReplica(props: Pick<ServerInputs, "createMode">): boolean {
    return ciEquals(props.createMode, "Replica");
}

/** The stack's server a replica's `sourceServerResourceId` names: through its dependency, else by the known id's name. */
function sourceOf(index: StackIndex, replica: PolicyResource): PolicyResource | undefined {
    const linked = index.deps(replica, "sourceServerResourceId", TYPES.server);
    if (linked.length > 0) {
        return linked[0];
    }
    const name = armName(index.props<ServerInputs>(replica).sourceServerResourceId, "flexibleServers");
    return name === undefined ? undefined : index.servers().find((s) => fold(index.serverName(s)) === name && s.urn !== replica.urn);
}

/**
 * The primary whose administrators and roles a server has: the server itself unless it is a replica; for a
 * replica, its source, followed up a cascade of replicas to the first server that is none. `undefined` when the
 * primary is not a server of this stack (or a cascade loops), so nothing about it can be read.
 */
export function primaryOf(index: StackIndex, server: PolicyResource): PolicyResource | undefined {
    const seen = new Set<string>();
    let current: PolicyResource | undefined = server;
    while (current !== undefined && isReplica(index.props<ServerInputs>(current))) {
        if (seen.has(current.urn)) {
            return undefined;
        }
        seen.add(current.urn);
        current = sourceOf(index, current);
    }
    return current;
}
