/**
 * The real pack, as `pulumi preview --policy-pack policies` runs it: `policies/index.ts` is started as the
 * CLI starts it (cwd = policies/), and driven over the analyzer gRPC protocol with a preview-shaped stack
 * (unknowns as the engine's placeholders). Its verdicts must match the offline evaluator's.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    allPolicies,
    evaluatePolicies,
    loadPolicyConfig,
    resolvePolicyConfig,
    type RecordedResource,
} from "../../plan/analyzer";
import { TYPES } from "../../policies/lib/types";
import { DEV, NAMES, PROD, buildStack, patch, without } from "./fixtures";
import { existingPrivateStack, privateEndpointStack } from "./privateFixtures";

/** What the engine sends for a string it cannot know during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
const LEVEL_ENUM = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 } as const;

/** Replaces `undefined` (unknown) with the engine's placeholder, as the preview wire format carries it. */
function toWire(value: unknown): unknown {
    if (value === undefined) {
        return UNKNOWN;
    }
    if (Array.isArray(value)) {
        return value.map(toWire);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
    }
    return value;
}

function options(r: RecordedResource): analyzerProto.AnalyzerResourceOptions {
    const o = new analyzerProto.AnalyzerResourceOptions();
    o.setProtect(r.protect ?? false);
    if (r.parent) {
        o.setParent(r.parent);
    }
    return o;
}

function stackResource(r: RecordedResource): analyzerProto.AnalyzerResource {
    const m = new analyzerProto.AnalyzerResource();
    m.setType(r.type);
    m.setUrn(r.urn);
    m.setName(r.name);
    m.setProperties(Struct.fromJavaScript(toWire(r.props) as Record<string, never>));
    m.setOptions(options(r));
    m.setDependenciesList(r.dependencies);
    if (r.parent) {
        m.setParent(r.parent);
    }
    for (const [property, urns] of Object.entries(r.propertyDependencies)) {
        const deps = new analyzerProto.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        m.getPropertydependenciesMap().set(property, deps);
    }
    return m;
}

function analyzeRequest(r: RecordedResource): analyzerProto.AnalyzeRequest {
    const m = new analyzerProto.AnalyzeRequest();
    m.setType(r.type);
    m.setUrn(r.urn);
    m.setName(r.name);
    m.setProperties(Struct.fromJavaScript(toWire(r.props) as Record<string, never>));
    m.setOptions(options(r));
    return m;
}

interface Verdict {
    policyName: string;
    level: string;
    urn: string;
}

const key = (v: Verdict) => `${v.policyName} ${v.level} ${v.urn}`;

describe("the pack served as the Pulumi CLI runs it", () => {
    let child: ChildProcess;
    let client: analyzerRpc.AnalyzerClient;

    before(async () => {
        child = spawn(process.execPath, ["--import", "tsx", "index.ts"], { cwd: path.resolve(__dirname, "../../policies"), stdio: ["ignore", "pipe", "pipe"] });
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            let err = "";
            child.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    resolve(m[1]);
                }
            });
            child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
            child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
        });
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        if (child?.pid !== undefined && child.exitCode === null) {
            child.kill();
        }
    });

    const call = <Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req) =>
        new Promise<Res>((resolve, reject) => method.call(client, req, (e, r) => (e ? reject(e) : resolve(r))));

    async function configure(stack: string) {
        const resolved = resolvePolicyConfig(allPolicies, loadPolicyConfig(stack));
        const req = new analyzerProto.ConfigureAnalyzerRequest();
        for (const [name, r] of resolved) {
            const c = new analyzerProto.PolicyConfig();
            c.setEnforcementlevel(LEVEL_ENUM[r.enforcementLevel]);
            c.setProperties(Struct.fromJavaScript(r.properties as Record<string, never>));
            req.getPolicyconfigMap().set(name, c);
        }
        await call(client.configure, req);
    }

    /** Every violation the served pack reports for the stack: per resource (analyze) and for the stack. */
    async function served(resources: RecordedResource[]): Promise<Verdict[]> {
        const verdicts: Verdict[] = [];
        const collect = (response: analyzerProto.AnalyzeResponse, fallbackUrn?: string) => {
            for (const d of response.getDiagnosticsList()) {
                verdicts.push({ policyName: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], urn: d.getUrn() || fallbackUrn || "" });
            }
        };
        for (const r of resources) {
            collect(await call<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>(client.analyze, analyzeRequest(r)), r.urn);
        }
        const stackReq = new analyzerProto.AnalyzeStackRequest();
        stackReq.setResourcesList(resources.map(stackResource));
        collect(await call<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>(client.analyzeStack, stackReq));
        return verdicts;
    }

    async function offline(resources: RecordedResource[], stack: string): Promise<Verdict[]> {
        return (await evaluatePolicies(resources, { stack })).map((r) => ({ policyName: r.policyName, level: r.enforcementLevel, urn: r.urn ?? "" }));
    }

    test("announces every policy of the catalog", async () => {
        const info = await call<Empty, analyzerProto.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
        assert.equal(info.getName(), "entra-postgres-policies");
        assert.deepEqual(info.getPoliciesList().map((p) => p.getName()), allPolicies.map((p) => p.name));
    });

    const scenarios: [string, string, () => RecordedResource[]][] = [
        ["prod stack, prod config", "prod", () => buildStack(PROD)],
        ["dev stack, dev config", "dev", () => buildStack(DEV)],
        ["dev stack, prod config", "prod", () => buildStack(DEV)],
        ["Entra-only without admins, Entra egress denied by an outbound deny-all", "prod", () =>
            patch(without(buildStack(PROD), (r) => r.type === TYPES.entraAdmin), NAMES.serverNsg, (r) => (r.props.securityRules = [{
                name: "deny-all-outbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*",
                sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*",
            }]))],
        ["private endpoint with server id unknown, a wrong group id and no zone group", "prod", () =>
            without(privateEndpointStack({ groupIds: ["sqlServer"] }), (r) => r.type === TYPES.privateDnsZoneGroup)],
        ["private endpoint on an existing network", "prod", () => privateEndpointStack({ existing: true })],
        ["delegated subnet on an existing network", "dev", () => existingPrivateStack()],
    ];
    for (const [title, stack, build] of scenarios) {
        test(`matches the offline evaluator at preview: ${title}`, async () => {
            await configure(stack);
            const resources = build();
            const [viaGrpc, viaEvaluator] = [await served(resources), await offline(resources, stack)];
            assert.deepEqual(viaGrpc.map(key).sort(), viaEvaluator.map(key).sort());
            assert.ok(viaEvaluator.length > 0);
        });
    }
});
