import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { networkStackConfig, recordNetwork } from "./network-stack";

/**
 * network/identity.json against the network program: the network identity's roles, all on the network project's
 * resource group, allow every write the program makes, and nothing the identity has is scoped to the subscription.
 */

const root = path.resolve(__dirname, "..", "..");
interface Role { actions: string[]; assignableScopes?: string[] }
const identity = JSON.parse(fs.readFileSync(path.join(root, "network", "identity.json"), "utf8")) as {
    scope: string;
    builtInRoles: Record<string, Role & { id: string }>;
    customRoles: Record<string, Role>;
    assignments: { identity: string; role: string; scope: string }[];
};
const roleNamed = (name: string): Role => identity.builtInRoles[name] ?? identity.customRoles[name];

/** Azure RBAC action matching: `*` stands for any run of characters, case does not matter. */
function allows(pattern: string, action: string): boolean {
    const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
    return regex.test(action);
}
const actionsOf = (who: string, scope: string) =>
    identity.assignments.filter((a) => a.identity === who && a.scope === scope).flatMap((a) => roleNamed(a.role).actions);

/** ARM resource types of the azure-native tokens, from the contracts (generated from Azure's specs). */
function armTypes(): Map<string, string> {
    const types = new Map<string, string>([["azure-native:resources:Deployment", "Microsoft.Resources/deployments"]]);
    for (const file of ["Microsoft.Network.json", "Microsoft.Resources.json"]) {
        const contract = JSON.parse(fs.readFileSync(path.join(root, "contracts", "azure", file), "utf8")) as { types: Record<string, { resourceType: string }> };
        for (const [token, t] of Object.entries(contract.types)) types.set(token, t.resourceType);
    }
    return types;
}
/** The RBAC action prefix of an ARM type (resource groups live under subscriptions/ in actions). */
const actionType = (armType: string) => armType.replace(/^Microsoft\.Resources\/resourceGroups$/i, "Microsoft.Resources/subscriptions/resourceGroups");

describe("the network identity's roles (network/identity.json)", () => {
    let needed: string[];

    before(async () => {
        const recording = await recordNetwork("corp", networkStackConfig("corp"));
        assert.equal(recording.error, undefined, String(recording.error));
        const types = armTypes();
        const actions = new Set<string>();
        for (const r of recording.resources.filter((x) => x.type.startsWith("azure-native:"))) {
            const type = types.get(r.type);
            assert.ok(type, `${r.type} has an ARM type in contracts/azure`);
            for (const verb of ["read", "write", "delete"]) actions.add(`${actionType(type)}/${verb}`);
            // A reference to another resource by id is a join on it (subnet → NSG and NAT gateway, NAT → public IP, link → VNet).
            for (const m of JSON.stringify(r.props).matchAll(/\/mock\/(\w+)\//g)) {
                const referenced = types.get(`azure-native:network:${m[1]}`);
                assert.ok(referenced, m[1]);
                actions.add(`${referenced}/join/action`);
            }
            // What an ARM deployment declares is written with the deployer's rights too.
            for (const t of JSON.stringify(r.props).matchAll(/"type":"([A-Za-z.]+\/[A-Za-z/]+)"/g)) {
                for (const verb of ["read", "write", "delete"]) actions.add(`${t[1]}/${verb}`);
            }
        }
        needed = [...actions].sort();
    });

    test("every action the network program needs is allowed on the network's group", () => {
        const granted = actionsOf("network-{stack}", identity.scope);
        assert.ok(needed.includes("GitHub.Network/networkSettings/write"), needed.join("\n"));
        assert.ok(needed.includes("Microsoft.Network/networkSecurityGroups/join/action"));
        assert.ok(needed.length >= 25, needed.join("\n"));
        for (const action of needed) assert.ok(granted.some((p) => allows(p, action)), `${action} is allowed`);
    });

    test("nothing is assigned above a resource group, and no custom role takes a whole provider", () => {
        for (const a of identity.assignments) {
            assert.ok(a.scope === identity.scope || a.scope === "{hubVnetId}", `${a.identity}: ${a.role} at ${a.scope}`);
            assert.match(a.scope, /^(\/subscriptions\/\{subscriptionId\}\/resourceGroups\/[^/]+|\{hubVnetId\})$/);
        }
        for (const [name, role] of Object.entries(identity.customRoles)) {
            for (const action of role.actions) assert.ok(!/^\*$|^[^/]+\/\*$/.test(action), `${name}: ${action}`);
            assert.ok(role.assignableScopes?.every((s) => s === identity.scope || s === "{hubVnetId}"), name);
        }
    });

    test("the network identity can touch no database and grant no access", () => {
        const granted = actionsOf("network-{stack}", identity.scope);
        for (const action of ["Microsoft.DBforPostgreSQL/flexibleServers/write", "Microsoft.Authorization/roleAssignments/write", "Microsoft.Compute/virtualMachines/write"]) {
            assert.ok(!granted.some((p) => allows(p, action)), action);
        }
    });

    test("the database stack's deployer can join the network but not change it", () => {
        const granted = actionsOf("deployer-{stack}", identity.scope);
        for (const action of ["Microsoft.Network/virtualNetworks/subnets/join/action", "Microsoft.Network/privateDnsZones/join/action", "Microsoft.Network/privateDnsZones/virtualNetworkLinks/write"]) {
            assert.ok(granted.some((p) => allows(p, action)), action);
        }
        for (const action of ["Microsoft.Network/virtualNetworks/subnets/write", "Microsoft.Network/networkSecurityGroups/write", "Microsoft.Network/privateDnsZones/write", "Microsoft.Network/natGateways/write"]) {
            assert.ok(!granted.some((p) => allows(p, action)), action);
        }
        assert.deepEqual(actionsOf("deployer-{stack}", "{hubVnetId}"), ["Microsoft.Network/virtualNetworks/read", "Microsoft.Network/virtualNetworks/join/action"]);
    });
});
