/**
 * The deployment's critical path: the registrations a program makes, as a graph whose edges are what the
 * engine waits for (each resource's `dependencies` and its explicit provider; a parent is not an edge),
 * weighted with typical Azure operation times. Compared with a lower bound: the longest path of the graph
 * that keeps only the waits Azure or the data impose (see {@link essentialEdges}).
 */

/** The parts of a recorded registration the analysis reads. */
export interface GraphResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    props: Record<string, unknown>;
    /** URNs the engine waits for (explicit `dependsOn` and every input's source). */
    dependencies: string[];
    /** For each input, the URNs its value came from. */
    propertyDependencies: Record<string, string[]>;
    /** `<provider urn>::<id>` of an explicit provider. */
    provider?: string;
}

/** Edges as a map from a resource's URN to the URNs it waits for. */
export type Edges = Map<string, Set<string>>;

export interface PathStep {
    urn: string;
    type: string;
    name: string;
    seconds: number;
    /** Earliest start and finish, in seconds from the start of the deployment. */
    start: number;
    finish: number;
}

export interface Schedule {
    /** Finish time of the last resource: the deployment's length with unlimited parallelism. */
    length: number;
    /** Earliest start of each resource. */
    start: Map<string, number>;
    /** Earliest finish of each resource. */
    finish: Map<string, number>;
    /** The chain of resources that decides {@link Schedule.length}, first to last. */
    path: PathStep[];
}

export const serverType = "azure-native:dbforpostgresql:Server";
/** Writes to the server other than admins and databases; Azure runs one operation per server at a time. */
export const serverWriteTypes = ["azure-native:dbforpostgresql:Configuration", "azure-native:dbforpostgresql:FirewallRule"];
export const adminType = "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra";
export const databaseType = "azure-native:dbforpostgresql:Database";
export const privateZoneType = "azure-native:privatedns:PrivateZone";
export const zoneLinkType = "azure-native:privatedns:VirtualNetworkLink";
export const roleTypeSuffix = ":EntraRole";
export const grantTypes = ["postgresql:index/grant:Grant", "postgresql:index/defaultPrivileges:DefaultPrivileges"];

/** The URN part of a provider reference (`<urn>::<id>`). */
export function providerUrn(reference: string): string {
    return reference.slice(0, reference.lastIndexOf("::"));
}

/** What the engine waits for: every dependency and the explicit provider, limited to recorded resources. */
export function deploymentEdges(resources: readonly GraphResource[]): Edges {
    const known = new Set(resources.map((r) => r.urn));
    const edges: Edges = new Map();
    for (const r of resources) {
        const waits = new Set(r.dependencies.filter((u) => known.has(u)));
        if (r.provider && known.has(providerUrn(r.provider))) waits.add(providerUrn(r.provider));
        edges.set(r.urn, waits);
    }
    return edges;
}

/**
 * The waits no ordering can avoid:
 * 1. data: a resource waits for every resource an input of it comes from (property dependencies), and for
 *    its explicit provider;
 * 2. the server waits for the VNet link of its private DNS zone (private access);
 * 3. Azure runs one operation per server at a time: after the server, its parameter and firewall writes,
 *    then its Entra admins, then its databases, run one after another (in any order; the sum is the same);
 * 4. a role waits for the last admin write (it is created by an admin); a grant waits for the database it
 *    names.
 */
export function essentialEdges(resources: readonly GraphResource[]): Edges {
    const known = new Set(resources.map((r) => r.urn));
    const edges: Edges = new Map();
    const add = (from: string, to: string) => {
        if (known.has(to) && from !== to) edges.get(from)!.add(to);
    };
    for (const r of resources) {
        edges.set(r.urn, new Set());
        for (const urns of Object.values(r.propertyDependencies)) for (const u of urns) add(r.urn, u);
        if (r.provider) add(r.urn, providerUrn(r.provider));
    }

    const servers = resources.filter((r) => r.type === serverType);
    if (servers.length !== 1) {
        throw new Error(`The critical-path model expects exactly one ${serverType}, found ${servers.length}.`);
    }
    const server = servers[0];
    const serverInputs = new Set(Object.values(server.propertyDependencies).flat());
    const zones = resources.filter((r) => r.type === privateZoneType && serverInputs.has(r.urn)).map((r) => r.urn);
    for (const link of resources.filter((r) => r.type === zoneLinkType)) {
        if (Object.values(link.propertyDependencies).flat().some((u) => zones.includes(u))) add(server.urn, link.urn);
    }

    const chain = [
        ...resources.filter((r) => serverWriteTypes.includes(r.type)),
        ...resources.filter((r) => r.type === adminType),
        ...resources.filter((r) => r.type === databaseType),
    ];
    let previous = server.urn;
    for (const write of chain) {
        add(write.urn, previous);
        previous = write.urn;
    }
    const admins = resources.filter((r) => r.type === adminType);
    const lastAdmin = admins[admins.length - 1];
    const databases = new Map(resources.filter((r) => r.type === databaseType).map((r) => [String(r.props.databaseName), r.urn]));
    for (const r of resources) {
        if (r.type.endsWith(roleTypeSuffix) && lastAdmin) add(r.urn, lastAdmin.urn);
        if (grantTypes.includes(r.type) && typeof r.props.database === "string" && databases.has(r.props.database)) {
            add(r.urn, databases.get(r.props.database)!);
        }
    }
    return edges;
}

/** Earliest-start schedule with unlimited parallelism, and its critical path. Throws on a cycle. */
export function schedule(resources: readonly GraphResource[], edges: Edges, seconds: (r: GraphResource) => number): Schedule {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const finish = new Map<string, number>();
    const start = new Map<string, number>();
    const visiting = new Set<string>();
    const visit = (urn: string): number => {
        const done = finish.get(urn);
        if (done !== undefined) return done;
        if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
        visiting.add(urn);
        let begin = 0;
        for (const dep of edges.get(urn) ?? []) begin = Math.max(begin, visit(dep));
        visiting.delete(urn);
        start.set(urn, begin);
        const end = begin + seconds(byUrn.get(urn)!);
        finish.set(urn, end);
        return end;
    };
    let last: string | undefined;
    for (const r of resources) {
        const end = visit(r.urn);
        if (last === undefined || end > finish.get(last)!) last = r.urn;
    }

    const path: PathStep[] = [];
    for (let urn = last; urn !== undefined; ) {
        const r = byUrn.get(urn)!;
        path.unshift({ urn, type: r.type, name: r.name, seconds: seconds(r), start: start.get(urn)!, finish: finish.get(urn)! });
        // The predecessor is the dependency that finishes last (the one this resource waited for).
        let previous: string | undefined;
        for (const dep of edges.get(urn) ?? []) {
            if (finish.get(dep)! === start.get(urn)! && (previous === undefined || seconds(byUrn.get(dep)!) > 0)) previous = dep;
        }
        urn = start.get(urn)! > 0 ? previous : undefined;
    }
    return { length: last === undefined ? 0 : finish.get(last)!, start, finish, path };
}

/** Latest start of each resource that does not lengthen a deployment of `length` (the backward pass). */
export function latestStarts(resources: readonly GraphResource[], edges: Edges, seconds: (r: GraphResource) => number, length: number): Map<string, number> {
    const waiters = new Map<string, string[]>(resources.map((r) => [r.urn, []]));
    for (const [urn, deps] of edges) for (const dep of deps) waiters.get(dep)?.push(urn);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const latest = new Map<string, number>();
    const visit = (urn: string): number => {
        const known = latest.get(urn);
        if (known !== undefined) return known;
        let latestFinish = length;
        for (const waiter of waiters.get(urn) ?? []) latestFinish = Math.min(latestFinish, visit(waiter));
        const value = latestFinish - seconds(byUrn.get(urn)!);
        latest.set(urn, value);
        return value;
    };
    for (const r of resources) visit(r.urn);
    return latest;
}

export interface SlowingEdge {
    /** The resource that waits. */
    from: PathStep;
    /** The resource it waits for. */
    to: PathStep;
    /** How much shorter the deployment would be without this wait. */
    savedSeconds: number;
}

/** A wait the program adds beyond the essential ones, and how much later its target could finish harmlessly. */
export interface OptionalWait {
    from: { urn: string; name: string };
    to: { urn: string; name: string };
    /** Seconds the awaited resource could finish later without lengthening the deployment. */
    slackSeconds: number;
}

export interface CriticalPathAnalysis {
    resources: number;
    /** Longest weighted path of the program's graph. */
    longestSeconds: number;
    /** Longest weighted path of the essential graph. */
    lowerBoundSeconds: number;
    /** Every resource one after another. */
    serialSeconds: number;
    /** longest / lower bound. */
    ratio: number;
    criticalPath: PathStep[];
    lowerBoundPath: PathStep[];
    /** The parts of the lower bound along the server chain. */
    lowerBoundParts: {
        /** Earliest start of the server in the essential graph: its own prerequisites. */
        serverPrerequisites: number;
        server: number;
        serverWrites: number;
        admins: number;
        databases: number;
        /** After the last database: roles (which run beside the databases) and grants. */
        afterDatabases: number;
    };
    /** Waits on the critical path that are not essential and lengthen the deployment. */
    slowingEdges: SlowingEdge[];
    /** Waits the program adds beyond the essential ones, least slack first. */
    optionalWaits: OptionalWait[];
}

/** Weights the graph with `seconds` and compares its longest path with the lower bound. */
export function analyzeDeployment(resources: readonly GraphResource[], seconds: (r: GraphResource) => number): CriticalPathAnalysis {
    const actualEdges = deploymentEdges(resources);
    const essential = essentialEdges(resources);
    const actual = schedule(resources, actualEdges, seconds);
    const bound = schedule(resources, essential, seconds);

    const sumOf = (types: string[]) => resources.filter((r) => types.includes(r.type)).reduce((s, r) => s + seconds(r), 0);
    const server = resources.find((r) => r.type === serverType)!;
    const serverPrerequisites = bound.start.get(server.urn)!;
    const serverSeconds = seconds(server);
    const serverWrites = sumOf(serverWriteTypes);
    const admins = sumOf([adminType]);
    const databases = sumOf([databaseType]);
    const chainEnd = serverPrerequisites + serverSeconds + serverWrites + admins + databases;

    const slowingEdges: SlowingEdge[] = [];
    for (let i = 1; i < actual.path.length; i++) {
        const to = actual.path[i - 1];
        const from = actual.path[i];
        if (essential.get(from.urn)?.has(to.urn)) continue;
        const without: Edges = new Map([...actualEdges].map(([urn, deps]) => [urn, new Set(deps)]));
        without.get(from.urn)!.delete(to.urn);
        const saved = actual.length - schedule(resources, without, seconds).length;
        if (saved > 0) slowingEdges.push({ from, to, savedSeconds: saved });
    }

    const latest = latestStarts(resources, actualEdges, seconds, actual.length);
    const names = new Map(resources.map((r) => [r.urn, r.name]));
    const optionalWaits: OptionalWait[] = [];
    for (const [urn, deps] of actualEdges) {
        for (const dep of deps) {
            if (essential.get(urn)?.has(dep)) continue;
            optionalWaits.push({
                from: { urn, name: names.get(urn)! },
                to: { urn: dep, name: names.get(dep)! },
                slackSeconds: latest.get(urn)! - actual.finish.get(dep)!,
            });
        }
    }
    optionalWaits.sort((a, b) => a.slackSeconds - b.slackSeconds || a.from.name.localeCompare(b.from.name));

    return {
        resources: resources.filter((r) => r.custom).length,
        longestSeconds: actual.length,
        lowerBoundSeconds: bound.length,
        serialSeconds: resources.reduce((s, r) => s + seconds(r), 0),
        ratio: actual.length / bound.length,
        criticalPath: actual.path,
        lowerBoundPath: bound.path,
        lowerBoundParts: {
            serverPrerequisites,
            server: serverSeconds,
            serverWrites,
            admins,
            databases,
            afterDatabases: bound.length - chainEnd,
        },
        slowingEdges,
        optionalWaits,
    };
}
