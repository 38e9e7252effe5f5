/**
 * Read replicas in the pack (policies/lib/replicas.ts): how a replica is told from a primary and its primary
 * found, what the replica-aware policies say about a replica, and a prod-shaped stack with a replica under
 * prod's policy config.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePolicies, type RecordedResource } from "../../plan/analyzer";
import { StackIndex } from "../../policies/lib/graph";
import { isReplica, primaryOf } from "../../policies/lib/replicas";
import { TYPES } from "../../policies/lib/types";
import { NAMES, PROD, REPLICA_URN, SERVER_URN, buildStack, patch, withReplica, without } from "./fixtures";
import { check, res, stackArgs, urnOf } from "./helpers";

const prod = buildStack(PROD);
const index = (resources: RecordedResource[]) => new StackIndex(stackArgs(resources).resources);
const server = (ix: StackIndex, urn: string) => ix.servers().find((s) => s.urn === urn)!;
const flexibleServer = (name: string) => `/subscriptions/0/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;

describe("telling a replica and finding its primary", () => {
    test("createMode Replica in any case is a replica; a restore or a plain server is not", () => {
        assert.equal(isReplica({ createMode: "Replica" }), true);
        assert.equal(isReplica({ createMode: "replica" }), true);
        assert.equal(isReplica({ createMode: "PointInTimeRestore" }), false);
        assert.equal(isReplica({}), false);
    });

    test("a primary is its own; a replica's is its source, by dependency or by the known id's name", () => {
        const linked = index(withReplica(prod));
        assert.equal(primaryOf(linked, server(linked, SERVER_URN))?.urn, SERVER_URN);
        assert.equal(primaryOf(linked, server(linked, REPLICA_URN))?.urn, SERVER_URN);
        const named = index(withReplica(prod, (r) => {
            r.props.sourceServerResourceId = flexibleServer("PG-ENTRA-PROD");
            r.propertyDependencies = {};
        }));
        assert.equal(primaryOf(named, server(named, REPLICA_URN))?.urn, SERVER_URN);
    });

    test("a primary outside the stack, or none named, is not found", () => {
        for (const id of [flexibleServer("pg-elsewhere"), undefined]) {
            const ix = index(withReplica(prod, (r) => {
                r.props.sourceServerResourceId = id;
                r.propertyDependencies = {};
            }));
            assert.equal(primaryOf(ix, server(ix, REPLICA_URN)), undefined, String(id));
        }
    });

    test("a cascade of replicas leads to the first server that is none; a loop to nothing", () => {
        const second = urnOf(TYPES.server, "db-replica-r2");
        const cascade = [...withReplica(prod), res(TYPES.server, "db-replica-r2", { serverName: "pg-entra-prod-r2", createMode: "Replica", sourceServerResourceId: undefined }, { deps: { sourceServerResourceId: [REPLICA_URN] } })];
        const ix = index(cascade);
        assert.equal(primaryOf(ix, server(ix, second))?.urn, SERVER_URN);
        const loop = index(patch(cascade, NAMES.server, (r) => {
            r.props.createMode = "Replica";
            r.propertyDependencies.sourceServerResourceId = [second];
        }));
        assert.equal(primaryOf(loop, server(loop, second)), undefined);
    });
});

describe("what the replica-aware policies say about a replica", () => {
    const noAdmins = without(prod, (r) => r.type === TYPES.entraAdmin);
    const onReplica = async (policy: string, resources: RecordedResource[]) =>
        (await check(policy, resources)).violations.filter((v) => v.urn === REPLICA_URN).map((v) => v.message);

    test("entra-admin-provisioned names the primary and where the fix goes", async () => {
        assert.deepEqual(await onReplica("entra-admin-provisioned", withReplica(noAdmins)), [
            "Server pg-entra-prod-r1, a read replica of pg-entra-prod whose administrators it inherits, has no Entra administrator: add an AdministratorsMicrosoftEntra resource on the primary.",
        ]);
    });

    test("entra-only-lockout says the replica is locked out with its primary", async () => {
        assert.deepEqual(await onReplica("entra-only-lockout", withReplica(noAdmins)), [
            "Server pg-entra-prod-r1, a read replica of pg-entra-prod whose administrators it inherits, is Entra-only (passwordAuth Disabled) with no Entra administrator: nobody can log in or create roles. Add an AdministratorsMicrosoftEntra resource on the primary.",
        ]);
    });

    test("entra-vm-identity-has-role asks for the role on the primary", async () => {
        const { violations } = await check("entra-vm-identity-has-role", withReplica(without(prod, (r) => r.type === TYPES.entraRole)));
        assert.deepEqual(violations.map((v) => v.message).sort(), [
            "VM client-vm has a managed identity and reaches server pg-entra-prod, but no Entra role is created for its identity: its token logins will fail. Add a role for it.",
            "VM client-vm has a managed identity and reaches server pg-entra-prod-r1, a read replica whose roles are its primary pg-entra-prod's, but no Entra role is created for its identity there: its token logins will fail. Add a role for it on the primary.",
        ]);
    });

    test("a primary's messages are unchanged beside a replica", async () => {
        const { violations } = await check("entra-admin-provisioned", withReplica(noAdmins));
        assert.deepEqual(violations.filter((v) => v.urn === SERVER_URN).map((v) => v.message), ["Server pg-entra-prod has no Entra administrator: add an AdministratorsMicrosoftEntra resource."]);
    });
});

describe("a prod-shaped stack with a read replica under prod.json", () => {
    test("passes every mandatory policy, with the same advisories as without the replica", async () => {
        const without = await evaluatePolicies(prod, { stack: "prod" });
        const withIt = await evaluatePolicies(withReplica(prod), { stack: "prod" });
        assert.deepEqual(withIt.filter((r) => r.enforcementLevel === "mandatory"), []);
        const names = (rs: typeof withIt) => [...new Set(rs.map((r) => r.policyName))].sort();
        assert.deepEqual(names(withIt), names(without));
    });

    test("the same stack fails where the replica breaks what applies to it", async () => {
        const broken = withReplica(prod, (r) => {
            r.props.highAvailability = { mode: "ZoneRedundant" };
            r.props.authConfig = { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled" };
        });
        const failed = (await evaluatePolicies(broken, { stack: "prod" })).filter((r) => r.enforcementLevel === "mandatory");
        assert.deepEqual([...new Set(failed.map((r) => r.policyName))].sort(), ["entra-admin-provisioned", "postgres-entra-only-auth", "postgres-zone-redundant-ha"]);
        assert.ok(failed.every((r) => r.urn === REPLICA_URN), JSON.stringify(failed, null, 1));
    });
});
