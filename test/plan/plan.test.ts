import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { makePlan, render } from "../../plan/cli";
import { projectRoot } from "../../plan/engine/project";
import { Plan, PlanNode, unknownText } from "../../plan/render";

function flatten(nodes: PlanNode[]): PlanNode[] {
    return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(projectRoot, "plan", "cli.ts"), ...args], {
        cwd: projectRoot,
        encoding: "utf8",
        env: { ...process.env, AZURE_CLIENT_ID: "", AZURE_TENANT_ID: "" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A copy of a shipped stack's settings with changes, written where the CLI can read it. */
function stackFile(stack: string, change: (config: Record<string, any>) => void): string {
    const doc = parseYaml(fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
    change(doc.config);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringifyYaml(doc));
    return file;
}

for (const stack of ["dev", "prod", "corp"]) {
    describe(`offline plan of ${stack}`, () => {
        let plan: Plan;
        before(async () => {
            plan = await makePlan({ stack });
        });

        test("passes every mandatory policy of its own config", () => {
            assert.equal(plan.ok, true, JSON.stringify(plan.policies.violations, null, 2));
            assert.equal(plan.policies.mandatoryFailures, 0);
            assert.ok(plan.policies.evaluated > 30, "every policy of the pack ran");
        });

        test("the tree: components with their children and the details a reviewer checks", () => {
            assert.equal(plan.tree.length, 1);
            assert.equal(plan.tree[0].type, "entra-postgres:index:EntraPostgres");
            const nodes = flatten(plan.tree);
            assert.equal(nodes.length, plan.resourceCount);
            const server = nodes.find((n) => n.type === "azure-native:dbforpostgresql:Server")!;
            assert.equal(server.details.auth, stack === "dev" ? "Entra + password (login pgowner)" : "Entra only");
            assert.match(server.details.network, stack === "prod" ? /^private \(VNet/ : stack === "corp" ? /^private endpoint/ : /^public/);
            const admins = nodes.filter((n) => n.type === "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
            assert.equal(admins.length, 2);
            const vm = nodes.find((n) => n.type === "azure-native:compute:VirtualMachine")!;
            assert.equal(vm.details.identity, "SystemAssigned");
            assert.equal(vm.details.principalId, unknownText, "the identity's id is unknown before deploy, not invented");
            const roles = nodes.filter((n) => n.type === "pulumi-nodejs:dynamic/entra-postgres:EntraRole");
            assert.equal(roles.length, 2);
            const vmRole = roles.find((r) => r.details.role.endsWith("(service)"))!;
            assert.equal(vmRole.details.objectId, unknownText);
            assert.ok(nodes.some((n) => n.type === "postgresql:index/grant:Grant" && /SELECT/.test(n.details.grant)));
            if (stack === "prod") {
                const nsg = nodes.find((n) => n.name === "prod-net-server-nsg")!;
                assert.equal(nsg.details.rules, "Outbound Allow Tcp VirtualNetwork → AzureActiveDirectory:443; Outbound Deny Tcp VirtualNetwork → VirtualNetwork:22; Outbound Deny Tcp VirtualNetwork → VirtualNetwork:3389");
                assert.equal(nodes.find((n) => n.type === "azure-native:network:RouteTable")!.details.routes, "AzureActiveDirectory → Internet");
                assert.equal(server.details.tenant, "72f988bf-86f1-41af-91ab-2d7cd011db47");
            } else if (stack === "corp") {
                // An existing network: the plan shows the ids used and says what it cannot check offline.
                const endpoint = nodes.find((n) => n.type === "azure-native:network:PrivateEndpoint")!;
                assert.match(endpoint.details.target, /^postgresqlServer of /);
                assert.match(endpoint.details.existingNetwork, /cannot be checked offline/);
                assert.match(nodes.find((n) => n.type === "azure-native:network:NetworkInterface")!.details.existingNetwork, /cannot be checked offline/);
                assert.equal(nodes.filter((n) => n.type === "azure-native:dbforpostgresql:FirewallRule").length, 0);
            } else {
                assert.match(server.details.tenant, /known after deploy/);
                const rules = nodes.filter((n) => n.type === "azure-native:dbforpostgresql:FirewallRule").map((n) => n.details.allow);
                assert.deepEqual(rules, ["203.0.113.10 – 203.0.113.10", `${unknownText} – ${unknownText}`]);
            }
        });

        test("text, markdown and JSON render the same plan", () => {
            const text = render(plan, "text");
            assert.match(text, new RegExp(`^Plan for stack ${stack}: ${plan.resourceCount} resources`));
            assert.match(text, /Policies: \d+ evaluated, \d+ violation\(s\), 0 mandatory — PASS/);
            const markdown = render(plan, "markdown");
            assert.match(markdown, new RegExp(`^### Offline plan: \`${stack}\` ✅`));
            assert.match(markdown, /\| resource \| type \| details \|/);
            assert.ok(markdown.includes(`${stack}-pg-server`));
            const json = JSON.parse(render(plan, "json")) as Plan;
            assert.equal(json.stack, stack);
            assert.equal(json.ok, true);
            assert.equal(json.resourceCount, plan.resourceCount);
            assert.deepEqual(json.policies, plan.policies);
            assert.equal(flatten(json.tree).length, plan.resourceCount);
        });

        test("no secret value is printed", () => {
            for (const format of ["text", "markdown", "json"] as const) {
                const out = render(plan, format);
                assert.doesNotMatch(out, /Mock-|offline-plan-has-no-token/);
            }
        });
    });
}

describe("plan command", () => {
    test("exits 0 and prints markdown only on stdout for a shipped stack", () => {
        const result = runCli(["--stack", "prod", "--format", "markdown"]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /^### Offline plan: `prod` ✅\n/);
    });

    test("exits 1 and names the policy when a mandatory policy fails", () => {
        const file = stackFile("prod", (c) => {
            c["entra-postgres:auth"] = "mixed";
            c["entra-postgres:administratorLogin"] = "pgowner";
        });
        const result = runCli(["--config", file, "--format", "json"]);
        assert.equal(result.status, 1, result.stderr);
        const plan = JSON.parse(result.stdout) as Plan;
        assert.equal(plan.ok, false);
        const failure = plan.policies.violations.find((v) => v.policyName === "postgres-entra-only-auth");
        assert.ok(failure, JSON.stringify(plan.policies.violations));
        assert.equal(failure.enforcementLevel, "mandatory");
    });

    test("exits 2 and names the key when the settings are invalid", () => {
        const file = stackFile("prod", (c) => {
            c["entra-postgres:admins"] = [];
        });
        const result = runCli(["--config", file]);
        assert.equal(result.status, 2);
        assert.equal(result.stdout, "");
        assert.match(result.stderr, /entra-postgres:admins: is empty: with auth entra-only nobody could log in \(lockout\)/);
    });

    test("refuses an unknown format and a missing stack", () => {
        assert.equal(runCli(["--stack", "prod", "--format", "html"]).status, 2);
        const missing = runCli([]);
        assert.equal(missing.status, 2);
        assert.match(missing.stderr, /Name a stack \(corp, dev, prod\)/);
    });
});
