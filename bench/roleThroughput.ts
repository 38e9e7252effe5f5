import * as crypto from "node:crypto";
import { startTestServer, type TestServer } from "../testing/postgres";
import { entraRoleProvider, scopeForCloud } from "../components/roles";
import { closeAllConnections, setTokenSource, type TokenSource } from "../components/testing";
import { baselineCreate, baselineDelete, baselineRead, type BaselineRole, type BaselineTarget } from "./baselineRoleOps";
import { runLimited } from "./concurrency";
import { median } from "./stats";

export type Phase = "create" | "read" | "delete";
export const phases: readonly Phase[] = ["create", "read", "delete"];

/**
 * `provider`: the `EntraRole` provider, called as the engine calls it. `baseline`: a new token and a new
 * connection per operation, the token costing what the provider's costs. `baselineFreeToken`: the same with
 * tokens that cost nothing, which isolates what connection reuse alone is worth.
 */
export type RolePath = "provider" | "baseline" | "baselineFreeToken";
export const rolePaths: readonly RolePath[] = ["provider", "baseline", "baselineFreeToken"];

export interface RoleThroughputOptions {
    /** Numbers of roles per run (N). */
    sizes: readonly number[];
    /** Measured rounds for a given N (each round runs every path, order rotating). */
    rounds: (n: number) => number;
    /** Operations in flight at once, for every path. */
    concurrency: number;
    /** Simulated cost of fetching one Entra token, in milliseconds. */
    tokenCostMs: number;
    onProgress?: (message: string) => void;
}

/** Medians over the rounds of one path at one N. */
export interface PathResult {
    path: RolePath;
    n: number;
    rounds: number;
    /** Median wall time of each phase (all N operations). */
    phaseMs: Record<Phase, number>;
    /** Median per-role cost of each phase: phase wall time / N. */
    perRoleMs: Record<Phase, number>;
    /** Sum of the three per-role costs. */
    totalPerRoleMs: number;
    /** Tokens fetched per phase (the same in every round). */
    tokenFetches: Record<Phase, number>;
}

export interface RoleThroughputResult {
    concurrency: number;
    tokenCostMs: number;
    serverStartMs: number;
    results: PathResult[];
}

const provider = entraRoleProvider as Required<typeof entraRoleProvider>;

/**
 * Starts one real PostgreSQL (TLS, pgaadauth emulation), then for each N and round creates, reads and deletes
 * N roles through each path, checking on the server after every phase that the roles are there (or gone).
 * The provider path starts every phase cold — no pooled connection, no cached token — because create
 * (`pulumi up`), read (`pulumi refresh`) and delete (`pulumi destroy`) each run in a new provider process.
 */
export async function measureRoleThroughput(options: RoleThroughputOptions): Promise<RoleThroughputResult> {
    const startedAt = performance.now();
    const server = await startTestServer();
    const serverStartMs = performance.now() - startedAt;
    try {
        const results: PathResult[] = [];
        for (const n of options.sizes) {
            const rounds = options.rounds(n);
            const samples = new Map<RolePath, { ms: Record<Phase, number>; tokens: Record<Phase, number> }[]>(rolePaths.map((p) => [p, []]));
            for (let round = 0; round < rounds; round++) {
                const order = rolePaths.map((_, i) => rolePaths[(i + round) % rolePaths.length]);
                for (const path of order) {
                    samples.get(path)!.push(await runRound(server, path, n, round, options));
                }
                options.onProgress?.(`role throughput: N=${n} round ${round + 1}/${rounds}`);
            }
            for (const path of rolePaths) {
                const list = samples.get(path)!;
                const phaseMs = perPhase((phase) => median(list.map((s) => s.ms[phase])));
                const perRoleMs = perPhase((phase) => phaseMs[phase] / n);
                results.push({
                    path,
                    n,
                    rounds,
                    phaseMs,
                    perRoleMs,
                    totalPerRoleMs: phases.reduce((sum, phase) => sum + perRoleMs[phase], 0),
                    tokenFetches: perPhase((phase) => median(list.map((s) => s.tokens[phase]))),
                });
            }
        }
        return { concurrency: options.concurrency, tokenCostMs: options.tokenCostMs, serverStartMs, results };
    } finally {
        setTokenSource(undefined);
        await closeAllConnections();
        await server.close();
    }
}

function perPhase(value: (phase: Phase) => number): Record<Phase, number> {
    return { create: value("create"), read: value("read"), delete: value("delete") };
}

/** A token source that costs `costMs` per call and counts its calls. */
function tokenSource(server: TestServer, costMs: number, counter: { calls: number }): TokenSource {
    return async () => {
        counter.calls++;
        if (costMs > 0) await new Promise((resolve) => setTimeout(resolve, costMs));
        return { token: server.adminToken, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
    };
}

async function runRound(
    server: TestServer,
    path: RolePath,
    n: number,
    round: number,
    options: RoleThroughputOptions,
): Promise<{ ms: Record<Phase, number>; tokens: Record<Phase, number> }> {
    const prefix = `bench-${path}-${n}-${round}-`;
    const roles: BaselineRole[] = Array.from({ length: n }, (_, i) => ({
        roleName: `${prefix}${i}`,
        objectId: crypto.randomUUID(),
        principalType: "service",
    }));
    const ms = {} as Record<Phase, number>;
    const tokens = {} as Record<Phase, number>;
    const counter = { calls: 0 };
    const costMs = path === "baselineFreeToken" ? 0 : options.tokenCostMs;
    const source = tokenSource(server, costMs, counter);
    const target: BaselineTarget = {
        host: server.host,
        port: server.port,
        adminLogin: server.adminLogin,
        caPem: server.caPem,
        token: async () => (await source(scopeForCloud("public"))).token,
    };
    const states: { id: string; outs: Record<string, unknown> }[] = new Array(n);

    const operations: Record<Phase, (role: BaselineRole, i: number) => Promise<void>> =
        path === "provider"
            ? {
                create: async (role, i) => {
                    const news = {
                        serverFqdn: server.host,
                        port: server.port,
                        adminLogin: server.adminLogin,
                        caCertificate: server.caPem,
                        roleName: role.roleName,
                        objectId: role.objectId,
                        principalType: role.principalType,
                        isAdmin: false,
                        isMfa: false,
                        cloud: "public",
                    };
                    const checked = await provider.check({}, news);
                    if (checked.failures && checked.failures.length > 0) {
                        throw new Error(`check rejected ${role.roleName}: ${JSON.stringify(checked.failures)}`);
                    }
                    const created = await provider.create(checked.inputs);
                    states[i] = { id: created.id, outs: created.outs };
                },
                read: async (role, i) => {
                    const read = await provider.read(states[i].id, states[i].outs);
                    if (read.props?.objectId !== role.objectId) throw new Error(`read did not find ${role.roleName}`);
                },
                delete: async (_role, i) => {
                    await provider.delete(states[i].id, states[i].outs);
                },
            }
            : {
                create: (role) => baselineCreate(target, role),
                read: async (role) => {
                    if (!(await baselineRead(target, role))) throw new Error(`read did not find ${role.roleName}`);
                },
                delete: (role) => baselineDelete(target, role),
            };

    for (const phase of phases) {
        if (path === "provider") {
            // A new provider process: no pooled connection, no cached token.
            await closeAllConnections();
            setTokenSource(source);
        }
        counter.calls = 0;
        const started = performance.now();
        await runLimited(roles, options.concurrency, operations[phase]);
        ms[phase] = performance.now() - started;
        tokens[phase] = counter.calls;
        const expected = phase === "delete" ? 0 : n;
        const { rows } = await server.query<{ n: number }>("select count(*)::int as n from pg_roles where starts_with(rolname, $1)", [prefix]);
        if (rows[0].n !== expected) {
            throw new Error(`after ${phase} through ${path}, ${rows[0].n} roles named ${prefix}* exist on the server, expected ${expected}`);
        }
    }
    if (path === "provider") await closeAllConnections();
    return { ms, tokens };
}
