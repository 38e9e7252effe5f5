import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import {
    allPolicies,
    evaluatePolicies,
    loadPolicyConfig,
    policyProps,
    resolvePolicyConfig,
    runResourcePolicy,
    runStackPolicy,
} from "../../plan/analyzer";
import { hasKey, plainProps, setting } from "../../policies/lib/props";
import { TYPES } from "../../policies/lib/types";
import { NAMES, PROD, SERVER_URN, buildStack } from "./fixtures";
import { secretWireValue } from "../../plan/engine/sdkInternals";
import { check, res, resourceArgs, stackArgs } from "./helpers";

/** The engine's placeholder for an unknown string (as `@pulumi/policy` receives it at preview). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("resolvePolicyConfig", () => {
    test("without config, each policy keeps its own level and its schema defaults", () => {
        const resolved = resolvePolicyConfig(allPolicies, {});
        assert.equal(resolved.get("postgres-customer-managed-key")!.enforcementLevel, "advisory");
        assert.equal(resolved.get("entra-only-lockout")!.enforcementLevel, "mandatory");
        assert.deepEqual(resolved.get("postgres-backup-retention")!.properties, { minimumDays: 7 });
        assert.deepEqual(resolved.get("entra-admin-principal-types")!.properties, { allowedPrincipalTypes: ["User", "Group", "ServicePrincipal"] });
    });

    test("`all` sets every level, then per-policy strings and objects override it", () => {
        const resolved = resolvePolicyConfig(allPolicies, {
            "postgres-backup-retention": { minimumDays: 14 },
            all: "disabled",
            "entra-only-lockout": "mandatory",
            "postgres-log-retention-days": { enforcementLevel: "advisory", minimumDays: 5 },
        });
        assert.equal(resolved.get("postgres-customer-managed-key")!.enforcementLevel, "disabled");
        assert.equal(resolved.get("postgres-backup-retention")!.enforcementLevel, "disabled");
        assert.deepEqual(resolved.get("postgres-backup-retention")!.properties, { minimumDays: 14 });
        assert.equal(resolved.get("entra-only-lockout")!.enforcementLevel, "mandatory");
        assert.deepEqual(resolved.get("postgres-log-retention-days"), { enforcementLevel: "advisory", properties: { minimumDays: 5 } });
    });

    test("`all` given as an object with enforcementLevel", () => {
        const resolved = resolvePolicyConfig(allPolicies, { all: { enforcementLevel: "mandatory" } });
        assert.ok([...resolved.values()].every((r) => r.enforcementLevel === "mandatory"));
    });

    test("names of no policy are ignored, as the engine ignores them", () => {
        assert.doesNotThrow(() => resolvePolicyConfig(allPolicies, { "no-such-policy": "mandatory" }));
    });

    test("an invalid level names the policy and the valid levels", () => {
        assert.throws(() => resolvePolicyConfig(allPolicies, { "entra-only-lockout": "strict" }), /"entra-only-lockout": "strict" is not an enforcement level \(use advisory, mandatory, remediate, disabled\)/);
        assert.throws(() => resolvePolicyConfig(allPolicies, { "entra-only-lockout": { enforcementLevel: 3 } }), /enforcementLevel 3 is not one of/);
        assert.throws(() => resolvePolicyConfig(allPolicies, { "entra-only-lockout": 7 }), /must be an enforcement level string or an object/);
    });

    test("properties are validated against the policy's config schema", () => {
        assert.throws(() => resolvePolicyConfig(allPolicies, { "postgres-backup-retention": { minimumDays: 3 } }), /postgres-backup-retention\.minimumDays must be at least 7 \(got 3\)/);
        assert.throws(() => resolvePolicyConfig(allPolicies, { "postgres-backup-retention": { minimumDays: "35" } }), /must be of type integer/);
        assert.throws(() => resolvePolicyConfig(allPolicies, { "entra-admin-principal-types": { allowedPrincipalTypes: ["Group", "Admin"] } }), /allowedPrincipalTypes\[1\] must be one of/);
        assert.throws(() => resolvePolicyConfig(allPolicies, { "entra-admin-principal-types": { allowedPrincipalTypes: [] } }), /needs at least 1 item/);
        assert.throws(() => resolvePolicyConfig(allPolicies, { "postgres-log-line-prefix": { requiredEscapes: ["u"] } }), /must match/);
    });
});

describe("loadPolicyConfig", () => {
    test("reads the shipped stack configs", () => {
        assert.equal(loadPolicyConfig("prod").all, "mandatory");
        assert.equal(loadPolicyConfig("dev")["postgres-zone-redundant-ha"], "advisory");
    });

    test("a stack without a config file gets {}", () => {
        assert.deepEqual(loadPolicyConfig("staging-without-file"), {});
    });

    test("refuses names that would leave the config folder", () => {
        assert.throws(() => loadPolicyConfig("../package"), /cannot name a policy config file/);
        assert.throws(() => loadPolicyConfig(".hidden"), /cannot name a policy config file/);
    });
});

describe("validation args", () => {
    const tagged: ResourceValidationPolicy = {
        name: "tag-probe",
        description: "reads stack tags and config",
        validateResource: (args, report) => {
            if (args.type !== "t:m:T") {
                return args.notApplicable("only t:m:T");
            }
            report(`${args.stackTags.get("owner")}:${args.getConfig<{ n: number }>().n}:${args.opts.protect}:${args.opts.parent}:${args.provider?.type}`);
        },
    };

    test("resource args carry stack tags, config, options and the provider", async () => {
        const r = { ...res("t:m:T", "a", {}, { parent: "urn:parent" }), protect: true, provider: "urn:pulumi:test::entra-postgres::pulumi:providers:azure-native::default::id-1" };
        const run = await runResourcePolicy(tagged, r, { stackTags: { owner: "db-team" }, config: { n: 3 } });
        assert.deepEqual(run.violations, [{ message: "db-team:3:true:urn:parent:pulumi:providers:azure-native", urn: r.urn }]);
        assert.equal(resourceArgs(r, { stackTags: { owner: "x" } }).stackTags.get("owner"), "x");
    });

    test("notApplicable stops the policy and is recorded as such", async () => {
        const run = await runResourcePolicy(tagged, res("other:m:T", "b", {}));
        assert.deepEqual(run, { notApplicable: "only t:m:T", violations: [] });
        const args = resourceArgs(res("x:y:Z", "c", {}));
        assert.throws(() => args.notApplicable("nope"), /nope/);
    });

    test("a validation tagged with one type is skipped for other types", async () => {
        const policy = allPolicies.find((p) => p.name === "postgres-geo-redundant-backup") as ResourceValidationPolicy;
        const run = await runResourcePolicy(policy, res(TYPES.subnet, "s", {}));
        assert.match(run.notApplicable ?? "", /only applies to resources of type 'azure-native:dbforpostgresql:Server'/);
    });

    test("stack args resolve parents, dependencies and property dependencies to resources", () => {
        const parent = res("entra-postgres:network:EntraNetwork", "net", {}, { custom: false });
        const vnet = res(TYPES.virtualNetwork, "v", {}, { parent: parent.urn });
        const subnet = res(TYPES.subnet, "s", {}, { parent: parent.urn, deps: { virtualNetworkName: [vnet.urn, "urn:not-in-stack"] } });
        const args = stackArgs([parent, vnet, subnet], { stackTags: { env: "prod" }, config: { k: 1 } });
        const s = args.resources[2];
        assert.equal(s.parent?.urn, parent.urn);
        assert.deepEqual(s.propertyDependencies.virtualNetworkName.map((d) => d.urn), [vnet.urn]);
        assert.deepEqual(s.dependencies.map((d) => d.urn), [vnet.urn]);
        assert.equal(args.stackTags.get("env"), "prod");
        assert.deepEqual(args.getConfig(), { k: 1 });
    });

    test("errors other than notApplicable propagate, naming the policy and resource", async () => {
        const broken: StackValidationPolicy = { name: "broken", description: "throws", validateStack: () => { throw new Error("boom"); } };
        await assert.rejects(runStackPolicy(broken, []), /Policy broken failed on the stack: boom/);
    });
});

describe("unknown values", () => {
    test("plain copies read through the engine's throwing proxy and keep unknown keys", () => {
        const props = unknownCheckingProxy({ network: { delegatedSubnetResourceId: UNKNOWN_STRING, publicNetworkAccess: "Disabled" }, tags: [UNKNOWN_STRING] });
        assert.throws(() => (props as any).network.delegatedSubnetResourceId, /can't be known during preview/);
        const plain = plainProps<any>(props);
        assert.equal(hasKey(plain.network, "delegatedSubnetResourceId"), true);
        assert.equal(plain.network.delegatedSubnetResourceId, undefined);
        assert.deepEqual(setting(plain, "network", "delegatedSubnetResourceId"), { known: false });
        assert.deepEqual(setting(plain, "network", "publicNetworkAccess"), { known: true, declared: true, value: "Disabled" });
        assert.deepEqual(setting(plain, "backup", "geoRedundantBackup"), { known: true, declared: false });
        assert.deepEqual(plain.tags, [undefined]);
    });

    test("the runtime's Unknown objects are read too", () => {
        const plain = plainProps<any>({ a: { __pulumiUnknown: true }, b: "x" });
        assert.deepEqual(plain, { a: undefined, b: "x" });
    });

    test("the offline analyzer hands policies secrets unwrapped, as @pulumi/policy does; the recording keeps them marked", () => {
        const recorded = { adminPassword: secretWireValue("v"), nested: { list: [secretWireValue("w"), "x"] }, plain: "p" };
        const props = policyProps(recorded);
        assert.deepEqual(props, { adminPassword: "v", nested: { list: ["w", "x"] }, plain: "p" });
        assert.deepEqual(recorded.adminPassword, secretWireValue("v"));
        const clean = { a: 1 };
        assert.equal(policyProps(clean), clean, "props without secrets are handed over as they are");
    });

    test("a resource policy decides on presence when the engine hands over proxied unknowns", async () => {
        const server = res(TYPES.server, "s", unknownCheckingProxy({
            network: { delegatedSubnetResourceId: UNKNOWN_STRING },
        }) as Record<string, unknown>);
        assert.deepEqual((await check("postgres-public-network-access-disabled", [server])).violations, []);
        const nic = res(TYPES.networkInterface, "n", unknownCheckingProxy({ ipConfigurations: [{ name: "p", publicIPAddress: { id: UNKNOWN_STRING } }] }) as Record<string, unknown>);
        assert.equal((await check("vm-nic-no-public-ip", [nic])).violations.length, 1);
    });
});

describe("evaluatePolicies", () => {
    test("one result per violation, with kind, level and URN; disabled policies are skipped", async () => {
        const stack = buildStack({ ...PROD, geoRedundantBackup: false });
        const results = await evaluatePolicies(stack, { config: { "postgres-geo-redundant-backup": "advisory", "postgres-defender-threat-protection": "disabled" } });
        const geo = results.filter((r) => r.policyName === "postgres-geo-redundant-backup");
        assert.deepEqual(geo.map((r) => [r.kind, r.enforcementLevel, r.urn]), [["resource", "advisory", SERVER_URN]]);
        assert.ok(!results.some((r) => r.policyName === "postgres-defender-threat-protection"));
        const pgaudit = results.find((r) => r.policyName === "postgres-pgaudit");
        assert.equal(pgaudit?.kind, "stack");
        assert.equal(pgaudit?.urn, SERVER_URN);
    });

    test("a stack's config file is used when only the stack is named", async () => {
        const stack = buildStack({ ...PROD, backupRetentionDays: 30 });
        const prod = await evaluatePolicies(stack, { stack: "prod" });
        assert.deepEqual(prod.filter((r) => r.policyName === "postgres-backup-retention").map((r) => r.enforcementLevel), ["mandatory"]);
        const dev = await evaluatePolicies(stack, { stack: "dev" });
        assert.ok(!dev.some((r) => r.policyName === "postgres-backup-retention"), "dev's minimum is 7 days");
    });

    test("remediate-level policies report their violations as mandatory", async () => {
        const results = await evaluatePolicies(buildStack({ ...PROD, geoRedundantBackup: false }), { config: { "postgres-geo-redundant-backup": "remediate" } });
        assert.equal(results.find((r) => r.policyName === "postgres-geo-redundant-backup")?.enforcementLevel, "mandatory");
    });

    test("getConfig receives the merged properties", async () => {
        const stack = buildStack(PROD);
        const strict = await evaluatePolicies(stack, { config: { "postgres-tls-min-version": { minimumVersion: "TLSv1.3" } } });
        assert.ok(strict.some((r) => r.policyName === "postgres-tls-min-version" && /TLSv1\.3/.test(r.message)));
        const defaults = await evaluatePolicies(stack, { config: {} });
        assert.ok(!defaults.some((r) => r.policyName === "postgres-tls-min-version"));
    });

    test("an empty stack yields nothing", async () => {
        assert.deepEqual(await evaluatePolicies([], {}), []);
    });

    test("component resources are ignored", async () => {
        const component = res("entra-postgres:server:FlexibleServer", NAMES.server, {}, { custom: false });
        assert.deepEqual(await evaluatePolicies([component], { stack: "prod" }), []);
    });
});
