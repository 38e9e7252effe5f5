/**
 * policies/sources.json is the record of every anchor rule the pack was compared with: each citation (policy tag)
 * must be in it with the display name the pack quotes; each entry must say where it was read (repository, path,
 * commit), what the rule checks, its verdict and why, and list exactly the policies that cite it; and the coverage
 * table of docs/policy-pack.md is generated from it (scripts/docs/anchors.ts).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { allPolicies } from "../../plan/analyzer";
import { POSTGRES_GROUP_ID, PRIVATELINK_ZONES } from "../../policies/lib/privateLink";
import { RULE_SET_NAMES, VERDICTS, fileUrl, readAnchors, renderAnchorBlock, renderAnchorTable, verdictText, type AnchorRule, type RuleSet } from "../../scripts/docs/anchors";

const root = path.resolve(__dirname, "../..");
/** A Microsoft Learn page the pack's own rules are derived from. */
interface SourceDocument {
    title: string;
    url: string;
    repository?: string;
    path?: string;
    commit?: string;
    unverified?: string;
    facts: string[];
    values?: { groupId?: string; zones?: Record<string, string> };
    policies: string[];
}

const data = JSON.parse(fs.readFileSync(path.join(root, "policies", "sources.json"), "utf8")) as { rules: AnchorRule[]; documents: SourceDocument[] };
const TAG_SOURCE: Record<string, RuleSet> = {
    "azure-policy": "azure-policy", checkov: "checkov", psrule: "psrule", trivy: "trivy", "cis-azure-3.0": "cis",
};
/** The repository each rule set is read from (CIS: Prowler's public transcription of the licensed benchmark). */
const REPOSITORY: Record<RuleSet, string> = {
    "azure-policy": "Azure/azure-policy", checkov: "bridgecrewio/checkov", psrule: "Azure/PSRule.Rules.Azure", trivy: "aquasecurity/trivy-checks", cis: "prowler-cloud/prowler",
};
const COMMIT = /^[0-9a-f]{40}$/;
/** trivy v0.74.0, the first release whose Terraform adapter reads flexible servers' parameters under their own names. */
const TRIVY_ADAPTER_COMMIT = "e1fd17a0ea4a8cf24bc4b4dd7e2cfbf4bb31b994";
const key = (source: string, id: string) => `${source}:${id}`;
const byKey = new Map(data.rules.map((r) => [key(r.source, r.id), r]));

/** The pack's citations as `source:id`, per policy. */
function citations(policy: (typeof allPolicies)[number]): string[] {
    return (policy.tags ?? []).map((tag) => {
        const [prefix, ...rest] = tag.split(":");
        const source = TAG_SOURCE[prefix];
        assert.ok(source, `${policy.name}: tag ${tag} names no known rule set`);
        return key(source, rest.join(":"));
    });
}

describe("anchor rules (policies/sources.json)", () => {
    test("entries are unique, and each says where it was read, what it checks, its verdict and why", () => {
        assert.equal(byKey.size, data.rules.length, "duplicate entries");
        for (const r of data.rules) {
            const what = key(r.source, r.id);
            assert.ok(r.displayName.trim().length > 0, `${what}: display name`);
            assert.equal(r.repository, REPOSITORY[r.source], `${what}: repository`);
            assert.ok(r.path.length > 0 && !r.path.startsWith("/"), `${what}: path in the repository`);
            assert.match(r.commit, COMMIT, `${what}: commit`);
            assert.ok(r.checks.length > 20, `${what}: what the rule checks`);
            assert.ok(VERDICTS.includes(r.verdict), `${what}: verdict ${r.verdict}`);
            assert.ok(r.reason.length > 20, `${what}: why`);
            for (const f of r.related ?? []) {
                assert.ok(f.repository.includes("/") && f.path.length > 0 && f.read.length > 10, `${what}: related file`);
                assert.match(f.commit, COMMIT, `${what}: related commit`);
            }
            if (r.source === "azure-policy") {
                assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, `${what}: full definition id`);
            }
        }
    });

    test("a covered or partly covered rule names the policies that cover it, and the reason names each; the others name none", () => {
        for (const r of data.rules) {
            const what = key(r.source, r.id);
            if (r.verdict === "covered" || r.verdict === "partly") {
                assert.ok(r.policies.length > 0, `${what}: ${r.verdict} by which policy?`);
                for (const name of r.policies) {
                    assert.ok(r.reason.includes(name), `${what}: the reason does not say what ${name} does`);
                }
            } else {
                assert.deepEqual(r.policies, [], `${what}: ${r.verdict}, yet policies cite it`);
            }
        }
    });

    for (const policy of allPolicies) {
        test(`${policy.name} cites only recorded rules, with their published display names`, () => {
            for (const cited of citations(policy)) {
                const entry = byKey.get(cited);
                assert.ok(entry, `${policy.name} cites ${cited}, which policies/sources.json does not record`);
                assert.ok(entry.policies.includes(policy.name), `${cited} does not list ${policy.name} among its policies`);
                if (entry.source === "azure-policy") {
                    assert.ok(policy.description.includes(`Azure Policy "${entry.displayName}" (${entry.id})`), `${policy.name}: quote ${entry.id} as "${entry.displayName}"`);
                }
            }
        });
    }

    test("every policy an entry lists exists and cites it", () => {
        const cited = new Map(allPolicies.map((p) => [p.name, citations(p)]));
        for (const r of data.rules) {
            for (const name of r.policies) {
                assert.ok(cited.has(name), `${key(r.source, r.id)} lists unknown policy ${name}`);
                assert.ok(cited.get(name)!.includes(key(r.source, r.id)), `${name} does not cite ${key(r.source, r.id)}`);
            }
        }
    });

    test("the Single Server PSRule rules are not applicable and not cited", () => {
        for (const id of ["Azure.PostgreSQL.AllowAzureAccess", "Azure.PostgreSQL.FirewallIPRange", "Azure.PostgreSQL.FirewallRuleCount", "Azure.PostgreSQL.DefenderCloud"]) {
            assert.equal(byKey.get(key("psrule", id))?.verdict, "not-applicable", id);
        }
    });

    test("the rules a first comparison left out are recorded", () => {
        const expected = [
            "psrule:Azure.NSG.AnyInboundSource", "psrule:Azure.NSG.DenyAllInbound", "psrule:Azure.VM.UseManagedDisks", "psrule:Azure.VM.Standalone",
            "psrule:Azure.VM.BasicSku", "psrule:Azure.VM.PromoSku", "psrule:Azure.NIC.UniqueDns", "checkov:CKV2_AZURE_39", "checkov:CKV2_AZURE_9",
            "trivy:AVD-AZU-0021", "trivy:AVD-AZU-0024", "trivy:AVD-AZU-0019",
            "azure-policy:5fbd326d-328c-414e-a922-2d6963998962", "azure-policy:2a6ae02f-7590-40d7-88ba-b18e205a32fd",
            "trivy:AVD-AZU-0020", "trivy:AVD-AZU-0022", "trivy:AVD-AZU-0026", "trivy:AVD-AZU-0029", "azure-policy:06a78e20-9358-41c9-923c-fb736d382a4d",
        ];
        assert.deepEqual(expected.filter((k) => !byKey.has(k)), []);
    });

    test("trivy's database checks are read with the Terraform adapter that maps flexible servers into them, at one release", () => {
        // v0.74.0 reads flexible servers' parameters under their own names; earlier releases did not (AVD-AZU-0021, 0026).
        const adapter = (r: AnchorRule) => (r.related ?? []).filter((f) => f.repository === "aquasecurity/trivy" && f.path === "pkg/iac/adapters/terraform/azure/database/postgresql.go");
        const database = data.rules.filter((r) => r.source === "trivy" && r.path.startsWith("checks/cloud/azure/database/"));
        assert.deepEqual(database.map((r) => r.id).sort(), ["AVD-AZU-0019", "AVD-AZU-0020", "AVD-AZU-0021", "AVD-AZU-0022", "AVD-AZU-0024", "AVD-AZU-0026", "AVD-AZU-0029"]);
        for (const r of database) {
            assert.ok(adapter(r).some((f) => f.commit === TRIVY_ADAPTER_COMMIT), `${r.id}: read with the adapter at ${TRIVY_ADAPTER_COMMIT}`);
        }
        // What the earlier adapter did is recorded where it decided the verdict.
        for (const id of ["AVD-AZU-0021", "AVD-AZU-0026"]) {
            const entry = byKey.get(key("trivy", id))!;
            assert.ok(entry.related!.some((f) => f.repository === "aquasecurity/trivy" && f.commit !== TRIVY_ADAPTER_COMMIT), `${id}: the release before`);
            assert.match(entry.checks, /up to v0\.73/i, id);
        }
    });

    test("the two verdicts a first comparison overstated are what the rules' files say", () => {
        // CKV2_AZURE_26 fails either bound on its own: both firewall policies together cover it.
        assert.deepEqual(byKey.get("checkov:CKV2_AZURE_26")?.policies, ["postgres-firewall-no-azure-services-rule", "postgres-firewall-no-internet-range"]);
        // CKV2_AZURE_57 wants a private endpoint; the pack also accepts VNet integration.
        assert.equal(byKey.get("checkov:CKV2_AZURE_57")?.verdict, "partly");
    });
});

describe("docs/policy-pack.md: anchor coverage table (scripts/docs/anchors.ts)", () => {
    const page = fs.readFileSync(path.join(root, "docs", "policy-pack.md"), "utf8");
    const table = renderAnchorTable(data.rules);
    const rows = table.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---") && !l.startsWith("| Rule set"));
    const cellsOf = (line: string) => line.split(/(?<!\\)\|/).map((c) => c.trim()).slice(1, -1);

    test("the committed table is the one policies/sources.json generates", () => {
        assert.equal(renderAnchorBlock(page, readAnchors(root)), page, "docs/policy-pack.md's coverage table is stale: run `npm run docs` and commit it");
        assert.ok(page.includes(table));
    });

    test("one row per rule: rule set, id, display name, checks, verdict, policies, why and the linked file at its commit", () => {
        assert.equal(rows.length, data.rules.length);
        data.rules.forEach((r, i) => {
            const cells = cellsOf(rows[i]);
            assert.equal(cells.length, 8, `${r.id}: cells`);
            assert.deepEqual(cells.slice(0, 7), [
                RULE_SET_NAMES[r.source], `\`${r.id}\``, r.displayName.trim(), r.checks, verdictText(r.verdict),
                r.policies.length > 0 ? r.policies.map((p) => `\`${p}\``).join(", ") : "none", r.reason,
            ].map((c) => c.replace(/\|/g, "\\|")), r.id);
            assert.ok(cells[7].includes(`(${fileUrl(r)})`) && cells[7].includes(r.commit.slice(0, 8)), `${r.id}: link to the file at its commit`);
            for (const f of r.related ?? []) {
                assert.ok(cells[7].includes(`(${fileUrl(f)})`), `${r.id}: link to ${f.path}`);
            }
        });
    });

    test("the counts line adds up", () => {
        const counts = VERDICTS.map((v) => data.rules.filter((r) => r.verdict === v).length);
        assert.ok(table.startsWith(`${data.rules.length} rules: ${counts[0]} covered, ${counts[1]} partly, ${counts[2]} not applicable, ${counts[3]} not covered.`));
    });

    test("links escape the spaces of Azure Policy's folder names", () => {
        assert.equal(fileUrl({ repository: "Azure/azure-policy", path: "built-in-policies/policyDefinitions/Security Center/x.json", commit: "a".repeat(40) }),
            `https://github.com/Azure/azure-policy/blob/${"a".repeat(40)}/built-in-policies/policyDefinitions/Security%20Center/x.json`);
    });

    test("a page without the markers is refused, naming them", () => {
        assert.throws(() => renderAnchorBlock("# Policy pack\n", data.rules), /lacks the markers of the generated block anchors:table/);
    });

    test("a pipe in a rule's text is escaped, so the row keeps its cells", () => {
        const [rule] = data.rules;
        const line = renderAnchorTable([{ ...rule, checks: "a | b" }]).split("\n")[4];
        assert.equal(cellsOf(line).length, 8);
        assert.ok(line.includes("a \\| b"));
    });
});

describe("Learn pages the pack's own rules rest on (policies/sources.json documents)", () => {
    for (const doc of data.documents) {
        test(`"${doc.title}": where it was read, the facts used, and the policies that cite it by title`, () => {
            assert.match(doc.url, /^https:\/\/learn\.microsoft\.com\/azure\//);
            if (doc.unverified === undefined) {
                assert.ok(doc.repository?.startsWith("MicrosoftDocs/"), "repository");
                assert.match(doc.path ?? "", /\.md$/, "path");
                assert.match(doc.commit ?? "", /^[0-9a-f]{40}$/, "commit");
            } else {
                assert.ok(doc.unverified.length > 20, "say why no commit is given");
                assert.equal(doc.commit, undefined);
            }
            assert.ok(doc.facts.length > 0 && doc.facts.every((f) => f.length > 20), "the facts relied on");
            assert.ok(doc.policies.length > 0);
            for (const name of doc.policies) {
                const policy = allPolicies.find((p) => p.name === name);
                assert.ok(policy, `unknown policy ${name}`);
                assert.ok(policy.description.includes(`"${doc.title}"`), `${name} does not cite "${doc.title}"`);
            }
        });
    }

    test("the group id and per-cloud zones the private endpoint rules use are the ones Learn lists", () => {
        const withValues = data.documents.filter((d) => d.values !== undefined);
        assert.ok(withValues.length >= 2);
        for (const doc of withValues) {
            assert.equal(doc.values!.groupId, POSTGRES_GROUP_ID, doc.title);
            if (doc.values!.zones !== undefined) {
                assert.deepEqual(doc.values!.zones, { ...PRIVATELINK_ZONES }, doc.title);
            }
        }
    });
});
