import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { command, generatedFiles } from "../../scripts/docs";
import { allPolicies, isResourcePolicy, isStackPolicy, loadPolicyConfig, resolvePolicyConfig } from "../../plan/analyzer";
import { computeCases } from "./cases/compute";
import { connectionCases } from "./cases/connections";
import { entraCases } from "./cases/entra";
import { firewallCases } from "./cases/firewall";
import { networkCases } from "./cases/network";
import { observabilityCases } from "./cases/observability";
import { parameterCases } from "./cases/parameters";
import { privateNetworkCases } from "./cases/privateNetwork";
import { serverCases } from "./cases/server";
import type { CaseTable } from "./helpers";

const root = path.resolve(__dirname, "../..");
const policiesDir = path.join(root, "policies");
const tables: CaseTable[] = [serverCases, parameterCases, firewallCases, observabilityCases, computeCases, networkCases, privateNetworkCases, entraCases, connectionCases];

describe("policy metadata", () => {
    test("names are unique kebab-case, and none is the reserved `all`", () => {
        const names = allPolicies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        for (const name of names) {
            assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.notEqual(name, "all");
        }
    });

    for (const policy of allPolicies) {
        test(`${policy.name} states its sources, level, severity and fix`, () => {
            assert.ok(isResourcePolicy(policy) !== isStackPolicy(policy), "exactly one of validateResource / validateStack");
            assert.match(policy.description, /\. Sources: .+\.$/);
            assert.ok(policy.enforcementLevel === "advisory" || policy.enforcementLevel === "mandatory");
            assert.ok(policy.severity);
            assert.ok((policy.remediationSteps ?? "").length > 20);
            for (const id of policy.description.match(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g) ?? []) {
                assert.ok(policy.tags?.includes(`azure-policy:${id}`), `tag for ${id}`);
            }
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                assert.notEqual(key, "enforcementLevel");
                assert.notEqual(schema.default, undefined, `${key} has a default`);
                assert.ok(schema.description, `${key} is described`);
            }
        });
    }

    test("every policy has at least one passing and one failing case", () => {
        const known = new Set(allPolicies.map((p) => p.name));
        const merged = new Map<string, string[]>();
        for (const table of tables) {
            for (const [name, cases] of Object.entries(table)) {
                assert.ok(known.has(name), `cases for unknown policy ${name}`);
                merged.set(name, [...(merged.get(name) ?? []), ...cases.map((c) => c.expect)]);
            }
        }
        for (const policy of allPolicies) {
            const expects = merged.get(policy.name) ?? [];
            assert.ok(expects.includes("pass"), `${policy.name} has no passing case`);
            assert.ok(expects.includes("fail"), `${policy.name} has no failing case`);
        }
    });
});

/** Every stack config the pack ships (dev, prod, and any stack added beside them). */
const STACKS = fs.readdirSync(path.join(policiesDir, "config")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)).sort();

describe("stack configs", () => {
    test("dev and prod are among them", () => {
        assert.ok(STACKS.includes("dev") && STACKS.includes("prod"), STACKS.join(", "));
    });

    for (const stack of STACKS) {
        test(`config/${stack}.json names only policies of the pack and satisfies their schemas`, () => {
            const config = loadPolicyConfig(stack);
            const known = new Set(["all", ...allPolicies.map((p) => p.name)]);
            for (const key of Object.keys(config)) {
                assert.ok(known.has(key), `${stack}.json names unknown policy ${key}`);
            }
            assert.doesNotThrow(() => resolvePolicyConfig(allPolicies, config));
        });

        test(`config/${stack}.json stops a private server nothing can reach and a misconfigured private endpoint, and only advises on what it cannot see`, () => {
            const resolved = resolvePolicyConfig(allPolicies, loadPolicyConfig(stack));
            for (const name of ["postgres-private-endpoint-required", "postgres-private-endpoint-group-id", "postgres-private-endpoint-dns-zone", "postgres-firewall-private-server"]) {
                assert.equal(resolved.get(name)!.enforcementLevel, "mandatory", name);
            }
            assert.equal(resolved.get("entra-private-access-existing-network")!.enforcementLevel, "advisory");
        });
    }

    test("prod is mandatory except the opt-in rules, the lone client VM's and what the pack cannot see, and restricts admins to groups and service principals", () => {
        const prod = resolvePolicyConfig(allPolicies, loadPolicyConfig("prod"));
        const advisory = [...prod].filter(([, r]) => r.enforcementLevel !== "mandatory").map(([n]) => n).sort();
        assert.deepEqual(advisory, ["entra-private-access-existing-network", "postgres-customer-managed-key",
            "postgres-defender-threat-protection", "postgres-pgaudit", "vm-backup", "vm-not-standalone"]);
        assert.deepEqual(prod.get("entra-admin-principal-types")!.properties.allowedPrincipalTypes, ["Group", "ServicePrincipal"]);
        assert.equal(prod.get("postgres-backup-retention")!.properties.minimumDays, 35);
    });

    test("dev keeps the credential and access rules mandatory", () => {
        const dev = resolvePolicyConfig(allPolicies, loadPolicyConfig("dev"));
        for (const name of ["entra-only-lockout", "postgres-require-secure-transport", "postgres-tls-min-version", "postgres-firewall-no-internet-range",
            "nsg-no-internet-inbound-sensitive-ports", "vm-no-password-ssh", "entra-private-access-aad-outbound", "entra-admin-not-ordinary-role"]) {
            assert.equal(dev.get(name)!.enforcementLevel, "mandatory", name);
        }
        for (const name of ["postgres-entra-only-auth", "postgres-public-network-access-disabled", "postgres-zone-redundant-ha", "vm-encryption-at-host"]) {
            assert.equal(dev.get(name)!.enforcementLevel, "advisory", name);
        }
    });
});

describe("docs/policy-pack.md", () => {
    const doc = fs.readFileSync(path.join(root, "docs", "policy-pack.md"), "utf8");
    /** The cells of a table row, empty ones included (the split's first and last pieces are outside the row). */
    const cellsOf = (line: string) => line.split(/(?<!\\)\|/).map((c) => c.trim()).slice(1, -1);

    test("its tables are what the catalogue and the stack configs generate", () => {
        const page = generatedFiles().find((f) => f.file === "docs/policy-pack.md");
        assert.ok(page);
        assert.ok(page.current === page.generated, `docs/policy-pack.md differs from policies/catalog.ts and policies/config/. Run \`${command}\` and commit the result.`);
    });

    test("shows the preview command with the prod config", () => {
        assert.ok(doc.includes("pulumi preview --policy-pack policies --policy-pack-config policies/config/prod.json"));
    });

    test("lists every policy with its default level and its level in every stack", () => {
        const header = doc.split("\n").find((line) => line.startsWith("| Policy | Kind |"));
        assert.ok(header, "the table of policies has a header");
        const columns = cellsOf(header);
        assert.deepEqual(columns.slice(4), ["Default", ...STACKS], "a column per stack config");
        const configs = new Map(STACKS.map((stack) => [stack, resolvePolicyConfig(allPolicies, loadPolicyConfig(stack))]));
        for (const policy of allPolicies) {
            const row = doc.split("\n").find((line) => line.startsWith(`| \`${policy.name}\` | `) && /\| (resource|stack) \|/.test(line));
            assert.ok(row, `${policy.name} missing from the table`);
            const cells = cellsOf(row);
            const level = (column: string) => cells[columns.indexOf(column)];
            assert.deepEqual([level("Default"), level("dev"), level("prod")], [policy.enforcementLevel, configs.get("dev")!.get(policy.name)!.enforcementLevel, configs.get("prod")!.get(policy.name)!.enforcementLevel], policy.name);
            for (const stack of STACKS) {
                assert.equal(level(stack), configs.get(stack)!.get(policy.name)!.enforcementLevel, `${policy.name} in ${stack}`);
            }
            assert.ok(row.includes(policy.description.split(" Sources: ")[0].replace(/\|/g, "\\|")), `${policy.name}: checks column out of date`);
            for (const tag of policy.tags ?? []) {
                assert.ok(row.includes(tag.split(":").slice(1).join(":")), `${policy.name}: source ${tag} not in its row`);
            }
        }
    });
});

describe("pack layout", () => {
    test("PulumiPolicy.yaml declares the nodejs runtime and a description", () => {
        const manifest = parseYaml(fs.readFileSync(path.join(policiesDir, "PulumiPolicy.yaml"), "utf8"));
        assert.equal(manifest.runtime, "nodejs");
        assert.ok(String(manifest.description).length > 20);
    });

    test("package.json has its own version and the project's Pulumi versions", () => {
        const pack = JSON.parse(fs.readFileSync(path.join(policiesDir, "package.json"), "utf8"));
        const project = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.equal(pack.name, "entra-postgres-policies");
        assert.match(pack.version, /^\d+\.\d+\.\d+$/);
        assert.equal(pack.dependencies["@pulumi/policy"], project.devDependencies["@pulumi/policy"] ?? project.dependencies["@pulumi/policy"]);
        assert.equal(pack.dependencies["@pulumi/pulumi"], project.devDependencies?.["@pulumi/pulumi"] ?? project.dependencies["@pulumi/pulumi"], "the pack runs on the SDK the project develops and tests with");
    });

    // The CLI's policy pack runner registers ts-node with `typeCheck: true` whatever the environment says
    // (@pulumi/pulumi cmd/run-policy-pack/run.js), so a pack run from TypeScript is type-checked on every preview
    // (4.5 s of prod's, bench/previewCost.ts). The pack runs compiled: `main` is JavaScript built at install.
    test("the CLI runs the pack compiled: main is dist/index.js, built by npm ci (prepare) from every source", () => {
        const pack = JSON.parse(fs.readFileSync(path.join(policiesDir, "package.json"), "utf8"));
        assert.equal(pack.main, "dist/index.js");
        assert.equal(pack.scripts.prepare, "npm run build");
        assert.equal(pack.scripts.build, "tsc -p tsconfig.build.json");
        const sources = [...fs.readdirSync(policiesDir).filter((f) => f.endsWith(".ts")), ...fs.readdirSync(path.join(policiesDir, "lib")).map((f) => `lib/${f}`)];
        for (const source of sources.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))) {
            const built = path.join(policiesDir, "dist", source.replace(/\.ts$/, ".js"));
            assert.ok(fs.existsSync(built), `${built} exists: run npm ci --prefix policies (or npm run build --prefix policies)`);
            assert.ok(fs.statSync(built).mtimeMs >= fs.statSync(path.join(policiesDir, source)).mtimeMs,
                `policies/${source} changed after it was built: run npm run build --prefix policies, or pulumi preview runs the old pack`);
        }
    });

    test("index.ts only constructs the PolicyPack from the catalog", () => {
        const source = fs.readFileSync(path.join(policiesDir, "index.ts"), "utf8");
        const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]).sort();
        assert.deepEqual(imports, ["./catalog", "@pulumi/policy"]);
        assert.equal((source.match(/new PolicyPack\(/g) ?? []).length, 1);
    });

    test("loading the policies and the evaluator loads neither azure-native nor the policy runtime", () => {
        const script = [
            "require('./plan/analyzer/index.ts');",
            "const heavy = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](@pulumi[\\\\/](azure-native|policy)|@grpc)[\\\\/]/.test(k));",
            "process.stdout.write(JSON.stringify(heavy));",
        ].join("\n");
        const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8" });
        assert.deepEqual(JSON.parse(out), []);
    });
});
