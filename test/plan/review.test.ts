import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { allPolicies } from "../../plan/analyzer";
import { makePlan, render } from "../../plan/cli";
import { sampleValues } from "../../plan/placeholders";
import { projectRoot } from "../../plan/engine/project";
import { diffPlans, escapeMarkdown, escapeText, flattenTree, Plan } from "../../plan/render";
import { policySettings, settingFor } from "../../plan/settings";

/** A shipped stack file, parsed, with its config edited (keys without the namespace). */
function document(stack: string, change: (c: Record<string, any>) => void = () => undefined, extra: Record<string, unknown> = {}) {
    const doc = parseYaml(fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const short: Record<string, any> = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^entra-postgres:/, ""), v]));
    change(short);
    return { ...extra, config: Object.fromEntries(Object.entries(short).map(([k, v]) => [`entra-postgres:${k}`, v])) };
}

describe("the plan as a reviewer needs it", () => {
    let dev: Plan;
    before(async () => {
        dev = await makePlan({ stack: "dev" });
    });

    test("user strings cannot become markup, links or mentions in Markdown", async () => {
        const hostile = ["<img src=x onerror=alert(1)>", "[click](https://evil.example)", "@octo-org/admins", "**bold**|cell", "`code`"];
        const plan = await makePlan({
            stack: "dev",
            document: document("dev", (c) => {
                c.principals = hostile.map((name) => ({ name, type: "group" }));
                c.tags = { owner: "<script>alert(1)</script>" };
            }),
        });
        const markdown = render(plan, "markdown");
        assert.doesNotMatch(markdown, /<img|<script|\]\(https|(^|[^\\])@octo|(^|[^\\])\*\*bold/);
        for (const name of hostile) {
            assert.ok(markdown.includes(escapeMarkdown(name)), `${name} is shown, escaped`);
        }
        assert.equal(escapeMarkdown("a<b>&\"c|d"), "a&lt;b&gt;&amp;&quot;c\\|d");
        assert.equal(escapeText("red\u001b[31m\u202Eevil"), "red\\u001b[31m\\u202eevil", "a terminal shows control characters as escapes");
    });

    test("the shipped sample ids are flagged as placeholders, by key", () => {
        const keys = (dev.placeholders ?? []).map((p) => p.key);
        for (const key of ["entra-postgres:admins[0].objectId", "entra-postgres:admins[1].objectId", "entra-postgres:principals[0].objectId", "entra-postgres:vm.sshPublicKey"]) {
            assert.ok(keys.includes(key), `${key} flagged; got ${keys.join(", ")}`);
        }
        assert.match(render(dev, "text"), /NOTE: entra-postgres:admins\[0\]\.objectId still holds a sample id/);
    });

    test("the placeholder list is every id of the shipped stack files", () => {
        for (const stack of ["dev", "prod", "corp"]) {
            const text = fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8");
            // The corp stack's ARM ids are in the placeholder subscription, flagged by pattern.
            for (const guid of text.replace(/\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\//g, "").match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? []) {
                assert.ok(sampleValues.includes(guid.toLowerCase()), `${guid} of Pulumi.${stack}.yaml is listed`);
            }
        }
    });

    test("a stack without a policy config says so and names the defaults", async () => {
        assert.equal(dev.policies.configFile, path.join("policies", "config", "dev.json"));
        const plan = await makePlan({ stack: "staging", document: document("dev") });
        assert.equal(plan.policies.configFile, null);
        assert.ok(Object.values(plan.policies.defaults ?? {}).reduce((a, b) => a + b, 0) === allPolicies.length);
        assert.match(render(plan, "text"), /No policies\/config\/staging\.json: every policy runs at the pack's default enforcement/);
    });

    test("secure: values are unknown secrets: the plan runs and shows [secret]", async () => {
        const plan = await makePlan({
            stack: "dev",
            document: document("dev", (c) => {
                c.admins[1].objectId = { secure: "v1:AAAAbase64ciphertext" };
                c.vm.sshPublicKey = { secure: "v1:BBBBbase64ciphertext" };
            }),
        });
        const json = render(plan, "json");
        assert.doesNotMatch(json, /secret-stand-in|5ec2e7a1-0000|secretStandIn/);
        // The whole admins setting is secret now (Pulumi marks the top-level key), so the admin's name is too: found by its resource name.
        const admin = flattenTree(plan.tree).find((n) => n.type === "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra" && /dev-db-admins/.test(n.name))!;
        assert.match(admin.details.admin, /\[secret\]/);
        assert.ok(plan.notes?.some((n) => /entra-postgres:admins\[1\]\.objectId, entra-postgres:vm\.sshPublicKey are secrets \(secure:\)/.test(n)));
    });

    test("ESC environments: the plan says what it cannot read and how to plan anyway", async () => {
        const plan = await makePlan({ stack: "dev", document: document("dev", () => undefined, { environment: ["contoso/dev-settings"] }) });
        assert.ok(plan.notes?.some((n) => /imports the Pulumi ESC environment contoso\/dev-settings.*cannot be read offline.*npm run plan -- --config <copy>/.test(n)));
        await assert.rejects(
            makePlan({ stack: "dev", document: document("dev", (c) => { delete c.admins; }, { environment: ["contoso/dev-settings"] }) }),
            (err: Error & { notes?: string[] }) => /entra-postgres:admins/.test(err.message) && (err.notes ?? []).some((n) => /ESC/.test(n)),
        );
    });

    test("a policy violation names the stack setting to change", async () => {
        const plan = await makePlan({ stack: "prod", document: document("prod", (c) => { c.auth = "mixed"; c.administratorLogin = "pgowner"; }) });
        const violation = plan.policies.violations.find((v) => v.policyName === "postgres-entra-only-auth")!;
        assert.equal(violation.setting, "entra-postgres:auth");
        assert.match(render(plan, "text"), /\[change: entra-postgres:auth\]/);
        assert.match(render(plan, "markdown"), /`entra-postgres:auth`/);
        for (const name of Object.keys(policySettings)) {
            assert.ok(allPolicies.some((p) => p.name === name), `${name} is a policy of the pack`);
        }
    });

    test("the VM and NSG policies name vm.size where a setting controls them, and the policy config where none does", async () => {
        const plan = await makePlan({ stack: "dev", document: document("dev", (c) => { c.vm.size = "Basic_A2"; }) });
        const size = plan.policies.violations.find((v) => v.policyName === "vm-size-supported");
        assert.ok(size, "a Basic size fails vm-size-supported");
        assert.equal(size.setting, "entra-postgres:vm.size");
        assert.match(render(plan, "text"), /\[change: entra-postgres:vm\.size\]/);
        // The program's VM has no zone, availability set or premium disk: the advisory names no stack setting.
        const standalone = plan.policies.violations.find((v) => v.policyName === "vm-not-standalone");
        assert.ok(standalone, "the program's VM is reported by vm-not-standalone");
        assert.equal(standalone.setting, 'policies/config/dev.json ("vm-not-standalone"): no stack setting controls it');
        // The program sets the NIC's DNS and the NSG rules itself: no setting changes them.
        for (const name of ["vm-not-standalone", "vm-nic-inherits-vnet-dns", "nsg-no-leading-deny-all-inbound"]) {
            assert.equal(policySettings[name], undefined, name);
            assert.equal(settingFor(name, "prod"), `policies/config/prod.json ("${name}"): no stack setting controls it`);
        }
    });

    test("--base: resources added, removed, renamed and changed, with the changed settings", async () => {
        const plan = await makePlan({
            stack: "dev",
            document: document("dev", (c) => {
                c.databases = ["app", "reports"];
                c.server.backupRetentionDays = 14;
            }),
            base: JSON.parse(render(dev, "json")) as Plan,
        });
        const diff = plan.diff!;
        // The ARM database and the deployer's CREATE DATABASE before it.
        assert.deepEqual(diff.added.map((r) => r.name).sort(), ["dev-db-reports", "dev-db-reports-owned"]);
        assert.deepEqual(diff.removed, []);
        const server = diff.changed.find((r) => r.type === "azure-native:dbforpostgresql:Server")!;
        assert.deepEqual(server.details, [{ key: "backup", before: "7 days, geo-redundant Disabled", after: "14 days, geo-redundant Disabled" }]);
        assert.deepEqual(server.inputs, [{ path: "backup.backupRetentionDays", before: "7", after: "14", effect: "in place" }]);
        const text = render(plan, "text");
        // The server's guard records the databases a protected stack may not drop (components/restart).
        const guard = diff.changed.find((r) => r.type.endsWith("ServerGuard"))!;
        assert.deepEqual(guard.inputs, [{ path: "databases", before: '["app"]', after: '["app","reports"]', effect: "in place" }]);
        assert.match(text, /Changes against the base plan: 2 added, 0 removed, 0 renamed, 2 changed/);
        assert.match(text, /backup\.backupRetentionDays: 7 → 14 \(in place\)/);
        assert.match(render(plan, "markdown"), /#### Changes against the base plan/);

        // A base plan from before identity names were hashed: the admins show as renamed, not replaced.
        const old = JSON.parse(render(dev, "json")) as Plan;
        for (const node of flattenTree(old.tree)) {
            if (node.aliases?.length) node.name = node.aliases[0].split("::").pop()!;
        }
        const renamed = await diffPlans(old, dev);
        assert.ok(renamed.renamed.length > 0);
        assert.deepEqual([renamed.added, renamed.removed], [[], []]);
    });

    test("Markdown draws the resource graph and folds long tables", () => {
        const markdown = render(dev, "markdown");
        assert.match(markdown, /```mermaid\nflowchart LR\n {2}n0\["dev<br\/><small>/);
        assert.equal((markdown.match(/ --> /g) ?? []).length, dev.resourceCount - 1, "one edge per child");
        assert.match(markdown, /<details>\n<summary>Resources \(\d+ rows\)<\/summary>/);
    });
});
