import assert from "node:assert/strict";
import { test } from "node:test";
import { typicalSeconds } from "../azureDurations";
import { runLimited } from "../concurrency";
import { analyzeDeployment, essentialEdges, schedule, type GraphResource } from "../criticalPath";
import { valueImports } from "../sdkModules";
import { median } from "../stats";
import { listStacks } from "../../plan/engine/configEncoding";
import { runStack } from "../../testing/program";

/** A recorded-registration stand-in: `deps` are explicit waits, `data` waits through inputs (also in deps). */
function res(name: string, type: string, options: { deps?: string[]; data?: string[]; props?: Record<string, unknown>; provider?: string } = {}): GraphResource {
    const urn = (n: string) => `urn:pulumi:s::p::t::${n}`;
    const data = (options.data ?? []).map(urn);
    return {
        urn: urn(name),
        type,
        name,
        custom: true,
        props: options.props ?? {},
        dependencies: [...new Set([...data, ...(options.deps ?? []).map(urn)])],
        propertyDependencies: data.length > 0 ? { input: data } : {},
        provider: options.provider ? `${urn(options.provider)}::id` : undefined,
    };
}

const T = {
    rg: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    vm: "azure-native:compute:VirtualMachine",
    server: "azure-native:dbforpostgresql:Server",
    param: "azure-native:dbforpostgresql:Configuration",
    admin: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
    db: "azure-native:dbforpostgresql:Database",
    role: "pulumi-nodejs:dynamic/entra-postgres:EntraRole",
    grant: "postgresql:index/grant:Grant",
    pgProvider: "pulumi:providers:postgresql",
};

/** A well-ordered deployment: the VM beside the server, server writes chained, roles after the admins. */
function wellOrdered(): GraphResource[] {
    return [
        res("rg", T.rg),
        res("vnet", T.vnet, { data: ["rg"] }),
        res("vm-subnet", T.subnet, { data: ["vnet"] }),
        res("vm", T.vm, { data: ["vm-subnet"] }),
        res("server", T.server, { data: ["rg"] }),
        res("p1", T.param, { data: ["server"] }),
        res("p2", T.param, { data: ["server"], deps: ["p1"] }),
        res("a1", T.admin, { data: ["server"], deps: ["p2"] }),
        res("db", T.db, { data: ["server"], deps: ["a1"], props: { databaseName: "app" } }),
        res("role", T.role, { data: ["server", "vm"], deps: ["a1"] }),
        res("pg", T.pgProvider, { data: ["server"] }),
        res("grant", T.grant, { data: ["role"], deps: ["db"], props: { database: "app" }, provider: "pg" }),
    ];
}

test("the longest path follows the server chain, and equals the lower bound when nothing extra waits", () => {
    const a = analyzeDeployment(wellOrdered(), typicalSeconds);

    // rg 3 + server 600 + 2 parameters 90 + admin 90 + database 30 + grant 1
    assert.equal(a.longestSeconds, 814);
    assert.equal(a.lowerBoundSeconds, 814);
    assert.equal(a.ratio, 1);
    assert.deepEqual(a.criticalPath.map((s) => s.name), ["rg", "server", "p1", "p2", "a1", "db", "grant"]);
    assert.deepEqual(a.lowerBoundParts, { serverPrerequisites: 3, server: 600, serverWrites: 90, admins: 90, databases: 30, afterDatabases: 1 });
    assert.equal(a.serialSeconds, 3 + 8 + 6 + 150 + 600 + 90 + 90 + 30 + 1 + 0 + 1);
    assert.deepEqual(a.slowingEdges, []);
});

test("a wait the server does not need, on the critical path, raises the ratio and is named with what it costs", () => {
    const resources = wellOrdered().map((r) => (r.name === "server" ? { ...r, dependencies: [...r.dependencies, "urn:pulumi:s::p::t::vm"] } : r));

    const a = analyzeDeployment(resources, typicalSeconds);

    // The server now starts after the VM: rg 3 + vnet 8 + subnet 6 + vm 150 instead of rg 3.
    assert.equal(a.longestSeconds, 814 + 164);
    assert.equal(a.lowerBoundSeconds, 814);
    assert.ok(a.ratio > 1.2);
    assert.equal(a.slowingEdges.length, 1);
    assert.equal(a.slowingEdges[0].from.name, "server");
    assert.equal(a.slowingEdges[0].to.name, "vm");
    assert.equal(a.slowingEdges[0].savedSeconds, 164);
    assert.equal(a.optionalWaits[0].slackSeconds, 0);
});

test("an extra wait off the critical path is reported with its slack, not as slowing", () => {
    const resources = wellOrdered();
    resources.find((r) => r.name === "vm")!.dependencies.push("urn:pulumi:s::p::t::server");

    const a = analyzeDeployment(resources, typicalSeconds);

    assert.equal(a.ratio, 1, "the VM after the server still ends before the admins do");
    const wait = a.optionalWaits.find((w) => w.from.name === "vm" && w.to.name === "server");
    // The grant must start by 813, the role by 812, the VM by 662; the server ends at 603.
    assert.equal(wait?.slackSeconds, 662 - 603);
    assert.deepEqual(a.slowingEdges, []);
});

test("server writes declared in parallel give a ratio below 1: the lower bound serializes them as Azure does", () => {
    const resources = wellOrdered().map((r) => (r.name === "p2" ? res("p2", T.param, { data: ["server"] }) : r));
    const a = analyzeDeployment(resources, typicalSeconds);
    assert.ok(a.ratio < 1);
});

test("the server waits for the VNet link of its private DNS zone in the lower bound", () => {
    const resources = [
        res("rg", T.rg),
        res("vnet", T.vnet, { data: ["rg"] }),
        res("zone", "azure-native:privatedns:PrivateZone", { data: ["rg"] }),
        res("link", "azure-native:privatedns:VirtualNetworkLink", { data: ["zone", "vnet"] }),
        res("server", T.server, { data: ["rg", "zone"], deps: ["link"] }),
    ];
    const edges = essentialEdges(resources);
    assert.ok(edges.get("urn:pulumi:s::p::t::server")!.has("urn:pulumi:s::p::t::link"));
    assert.equal(analyzeDeployment(resources, typicalSeconds).lowerBoundParts.serverPrerequisites, 3 + 35 + 30);
});

test("schedule rejects a dependency cycle", () => {
    const resources = [res("a", T.rg, { deps: ["b"] }), res("b", T.rg, { deps: ["a"] })];
    assert.throws(() => schedule(resources, new Map(resources.map((r) => [r.urn, new Set(r.dependencies)])), () => 1), /cycle/);
});

test("typical durations: high availability adds to the server, components take none, unknown types are named", () => {
    assert.equal(typicalSeconds({ type: T.server, custom: true, props: { highAvailability: { mode: "Disabled" } } }), 600);
    assert.equal(typicalSeconds({ type: T.server, custom: true, props: { highAvailability: { mode: "ZoneRedundant" } } }), 900);
    assert.equal(typicalSeconds({ type: "entra-postgres:index:EntraPostgres", custom: false, props: {} }), 0);
    assert.equal(typicalSeconds({ type: T.pgProvider, custom: true, props: {} }), 0);
    assert.throws(() => typicalSeconds({ type: "azure-native:cache:Redis", custom: true, props: {} }), /azure-native:cache:Redis.*bench\/azureDurations\.ts/);
});

test("every resource the shipped stacks declare has a typical duration, so npm run bench can schedule them", async () => {
    for (const stack of listStacks()) {
        const run = await runStack(stack);
        assert.equal(run.error, undefined, String(run.error));
        for (const resource of run.resources) {
            assert.doesNotThrow(() => typicalSeconds(resource), `${stack}: ${resource.type}`);
        }
    }
});

test("runLimited keeps at most `limit` calls in flight and returns results in order", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await runLimited([5, 1, 4, 2, 3, 0, 2], 3, async (delay, i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, delay));
        inFlight--;
        return i * 10;
    });
    assert.equal(peak, 3);
    assert.deepEqual(results, [0, 10, 20, 30, 40, 50, 60]);
    await assert.rejects(runLimited([1, 2], 2, async (x) => {
        if (x === 2) throw new Error("boom");
        return x;
    }), /boom/);
});

test("valueImports skips type-only imports and finds multi-line and require imports", () => {
    const source = [
        `import type * as pulumi from "@pulumi/pulumi";`,
        `import * as network from "@pulumi/azure-native/network";`,
        `import {`,
        `    a,`,
        `    b,`,
        `} from "./local";`,
        `const pg = require("pg");`,
    ].join("\n");
    assert.deepEqual(valueImports(source), ["@pulumi/azure-native/network", "./local", "pg"]);
});

test("median of odd and even counts", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /no values/);
});
