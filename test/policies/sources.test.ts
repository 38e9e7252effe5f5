/**
 * policies/sources.json is the record of every rule the pack cites: each citation (policy tag) must be in it
 * with the display name the pack quotes, each entry must say where it was read (repository, path, commit) or
 * why it could not be, and the coverage table of docs/policy-pack.md must list every entry with its policies or the reason
 * none covers it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { allPolicies } from "../../plan/analyzer";
import { POSTGRES_GROUP_ID, PRIVATELINK_ZONES } from "../../policies/lib/privateLink";

interface SourceRule {
    source: "azure-policy" | "checkov" | "psrule" | "trivy" | "cis";
    id: string;
    displayName: string;
    repository?: string;
    path?: string;
    commit?: string;
    unverified?: string;
    policies: string[];
    notCovered?: string;
    note?: string;
}

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

const data = JSON.parse(fs.readFileSync(path.join(root, "policies", "sources.json"), "utf8")) as { rules: SourceRule[]; documents: SourceDocument[] };
const TAG_SOURCE: Record<string, SourceRule["source"]> = {
    "azure-policy": "azure-policy", checkov: "checkov", psrule: "psrule", trivy: "trivy", "cis-azure-3.0": "cis",
};
/** The repository each rule set is read from. */
const REPOSITORY: Record<SourceRule["source"], string | undefined> = {
    "azure-policy": "Azure/azure-policy", checkov: "bridgecrewio/checkov", psrule: "Azure/PSRule.Rules.Azure", trivy: "aquasecurity/trivy-checks", cis: undefined,
};
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

describe("cited rules (policies/sources.json)", () => {
    test("entries are unique and complete: where each was read, or why it could not be", () => {
        assert.equal(byKey.size, data.rules.length, "duplicate entries");
        for (const r of data.rules) {
            const what = key(r.source, r.id);
            assert.ok(r.displayName.trim().length > 0, `${what}: display name`);
            if (r.unverified === undefined) {
                assert.equal(r.repository, REPOSITORY[r.source], `${what}: repository`);
                assert.ok(r.path && r.path.length > 0, `${what}: path`);
                assert.match(r.commit ?? "", /^[0-9a-f]{40}$/, `${what}: commit`);
            } else {
                assert.ok(r.unverified.length > 20, `${what}: say why it could not be read`);
                assert.equal(r.commit, undefined, `${what}: no commit for an unread source`);
            }
            assert.ok(r.policies.length > 0 || (r.notCovered ?? "").length > 20, `${what}: name its policies or say why none covers it`);
            if (r.source === "azure-policy") {
                assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, `${what}: full definition id`);
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

    test("the Single Server PSRule rules are not cited", () => {
        for (const id of ["Azure.PostgreSQL.AllowAzureAccess", "Azure.PostgreSQL.FirewallIPRange"]) {
            assert.deepEqual(byKey.get(key("psrule", id))?.policies, [], id);
        }
    });
});

describe("docs/policy-pack.md: anchor coverage table", () => {
    const page = fs.readFileSync(path.join(root, "docs", "policy-pack.md"), "utf8");
    const start = page.indexOf("\n## Coverage of the anchor rules\n");
    const next = start < 0 ? -1 : page.indexOf("\n## ", start + 5);
    const section = start < 0 ? "" : page.slice(start, next < 0 ? undefined : next);
    const rows = section.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---") && !l.startsWith("| Rule set"));

    test("has one row per recorded rule, with its policies or why none covers it", () => {
        assert.ok(start >= 0, "docs/policy-pack.md lacks the coverage section");
        assert.equal(rows.length, data.rules.length, "one row per entry of policies/sources.json");
        for (const r of data.rules) {
            const row = rows.find((l) => l.split("|").map((c) => c.trim())[2] === `\`${r.id}\``);
            assert.ok(row, `${key(r.source, r.id)} missing from the coverage table`);
            const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
            assert.equal(cells[1], r.source, `${r.id}: rule set`);
            assert.equal(cells[3], r.displayName.trim().replace(/\|/g, "\\|"), `${r.id}: display name`);
            const expected = r.policies.length > 0 ? r.policies.map((p) => `\`${p}\``).join(", ") : `not covered: ${r.notCovered}`;
            assert.equal(cells[4], expected.replace(/\|/g, "\\|"), `${r.id}: policies`);
        }
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
