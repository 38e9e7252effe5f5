import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { makePlan } from "../../plan/cli";
import { projectRoot } from "../../plan/engine/project";
import type { Plan, PlanNode } from "../../plan/render";
import { settingFor } from "../../plan/settings";

const flatten = (nodes: PlanNode[]): PlanNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

function stackFile(change: (config: Record<string, any>) => void): string {
    const doc = parseYaml(fs.readFileSync(path.join(projectRoot, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
    change(doc.config);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "Pulumi.prod.yaml");
    fs.writeFileSync(file, stringifyYaml(doc));
    return file;
}

describe("the offline plan of data safety settings", () => {
    let shipped: Plan;
    let safe: Plan;
    before(async () => {
        shipped = await makePlan({ stack: "prod" });
        safe = await makePlan({
            stack: "prod",
            configFile: stackFile((c) => {
                c["entra-postgres:server"] = {
                    ...c["entra-postgres:server"],
                    threatProtection: true,
                    customerManagedKey: {
                        keyUri: "https://prod-keys.vault.azure.net/keys/pg",
                        keyVaultId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/prod-keys",
                        geoBackupKeyUri: "https://prod-geo.vault.azure.net/keys/pg",
                        geoBackupIdentityId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pg-geo",
                    },
                    replicas: ["entra-postgres-prod-r1"],
                    virtualEndpoint: "entra-postgres-prod-ve",
                };
            }),
        });
    });

    test("the advisories for a customer-managed key and Defender name the settings that meet them", () => {
        const names = shipped.policies.violations.map((v) => v.policyName);
        for (const [policy, setting] of [["postgres-customer-managed-key", "entra-postgres:server.customerManagedKey"], ["postgres-defender-threat-protection", "entra-postgres:server.threatProtection"]]) {
            assert.ok(names.includes(policy), `${policy} is advised for the shipped prod stack`);
            assert.equal(shipped.policies.violations.find((v) => v.policyName === policy)!.setting, setting);
            assert.equal(settingFor(policy, "prod"), setting);
        }
    });

    test("with the settings on, both advisories are met, the replica included", () => {
        const names = safe.policies.violations.map((v) => v.policyName);
        assert.ok(!names.includes("postgres-customer-managed-key"), JSON.stringify(safe.policies.violations, null, 2));
        assert.ok(!names.includes("postgres-defender-threat-protection"), JSON.stringify(safe.policies.violations, null, 2));
    });

    test("a stack with a replica passes the pack's mandatory policies: the replica is judged by what applies to it (docs/data-safety.md)", () => {
        // A replica has no backups or HA of its own and its primary's administrators and roles (Learn, "Read replicas");
        // the pack exempts it from the backup and HA policies and judges its logins on the primary.
        assert.deepEqual(safe.policies.violations.filter((v) => v.enforcementLevel === "mandatory"), []);
        const onReplica = safe.policies.violations.filter((v) => /entra-postgres-prod-r1/.test(v.urn ?? "") || /entra-postgres-prod-r1/.test(v.message));
        // What still applies to it is judged: only the advisories prod gives up on the primary too.
        const advisories = new Set(shipped.policies.violations.filter((v) => v.enforcementLevel === "advisory").map((v) => v.policyName));
        assert.ok(onReplica.every((v) => advisories.has(v.policyName)), JSON.stringify(onReplica, null, 2));
    });

    test("the reviewer sees the lock, the key and what a change of it does, the replica and its endpoint", () => {
        const nodes = flatten(safe.tree);
        const server = nodes.find((n) => n.name === "prod-pg-server")!;
        assert.match(server.details.encryption, /^customer-managed key https:\/\/prod-keys\.vault\.azure\.net\/keys\/pg through \(known after deploy\), geo backups https:\/\/prod-geo/);
        assert.match(server.details.encryption, /removing it replaces the server \(refused while protected\); a new key or identity applies in place/);
        const lock = nodes.find((n) => n.name === "prod-lock")!;
        assert.match(lock.details.lock, /^CanNotDelete on /);
        assert.match(lock.details.order, /deleted before it/);
        assert.match(lock.details.remove, /pulumi config set entra-postgres:lock\.server false/);
        const replica = nodes.find((n) => n.name === "prod-replica-entra-postgres-prod-r1")!;
        assert.match(replica.details.replicaOf, /read-only, admins and roles come from the primary/);
        const grant = nodes.find((n) => n.type === "azure-native:authorization:RoleAssignment")!;
        assert.equal(grant.details.role, "Key Vault Crypto Service Encryption User");
        assert.match(nodes.find((n) => n.type === "azure-native:dbforpostgresql:VirtualEndpoint")!.details.endpoint, /^entra-postgres-prod-ve: writer on entra-postgres-prod, read-only on \["entra-postgres-prod-r1"\]/);
        assert.match(nodes.find((n) => n.type === "azure-native:security:AdvancedThreatProtection")!.details.defender, /^enabled on/);
    });
});
