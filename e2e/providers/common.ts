/**
 * What the stand-in provider plugins share: the simulation directory, a JSON store that survives between CLI
 * runs, secret and unknown values as the engine sends them, the provider configuration, and the signed-in
 * Entra identity with the tokens it is issued.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { isSecretWireValue, secretWireValue } from "../../plan/engine/sdkInternals";
import { leaves } from "../../plan/inputs";

/** Directory of the simulated cloud (state, PostgreSQL data, test CA); set by the e2e harness. */
export function simDir(): string {
    const dir = process.env.ENTRA_E2E_SIM_DIR;
    if (!dir) {
        throw new Error("ENTRA_E2E_SIM_DIR is not set: the stand-in providers run only under the e2e harness (npm run test:e2e).");
    }
    return dir;
}

/** Property-map encodings of the Pulumi provider protocol (sdk/nodejs/runtime/rpc.ts). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `v` is a secret as the engine sends it; the signature is the SDK's own (testing/sdkInternals.ts). */
export function isSecret(v: unknown): v is { value: unknown } {
    return isSecretWireValue(v);
}

export function secret<T>(value: T): unknown {
    return secretWireValue(value);
}

/** The value with every secret wrapper removed (to use it, never to return it). */
export function reveal(v: unknown): any {
    if (isSecret(v)) return reveal(v.value);
    if (Array.isArray(v)) return v.map(reveal);
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
    }
    return v;
}

export function containsUnknown(v: unknown): boolean {
    if (v === unknownValue) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

export function deepEqual(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(reveal(a))) === JSON.stringify(canonical(reveal(b)));
}

function canonical(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.keys(v).sort()
            .filter((k) => (v as Record<string, unknown>)[k] !== undefined && (v as Record<string, unknown>)[k] !== null)
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
}

/**
 * A JSON file of records keyed by id, rewritten atomically after every change. Two processes serve the simulated
 * Azure (the plugin the CLI starts, the ARM endpoint the harness runs), so every read reads the file and every
 * change is a read-modify-write under a lock file (a lock whose process is gone is taken over).
 */
export class Store<T> {
    constructor(private readonly name: string) {}

    /** Resolved on use, so a module may hold a store before the harness names the simulation directory. */
    private get file(): string {
        return path.join(simDir(), `${this.name}.json`);
    }

    private load(): Record<string, T> {
        return fs.existsSync(this.file) ? JSON.parse(fs.readFileSync(this.file, "utf8")) : {};
    }

    get(id: string): T | undefined {
        return this.load()[id];
    }

    all(): [string, T][] {
        return Object.entries(this.load());
    }

    put(id: string, value: T): void {
        this.update(id, () => value);
    }

    delete(id: string): void {
        this.update(id, () => undefined);
    }

    /** Replaces the record of `id` with what `change` makes of it (`undefined`: removed), atomically. */
    update(id: string, change: (current: T | undefined) => T | undefined): void {
        this.locked(() => {
            const data = this.load();
            const next = change(data[id]);
            if (next === undefined) delete data[id];
            else data[id] = next;
            const tmp = `${this.file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, JSON.stringify(data, null, 2));
            fs.renameSync(tmp, this.file);
        });
    }

    private locked(work: () => void): void {
        const lock = `${this.file}.lock`;
        const deadline = Date.now() + 10_000;
        for (;;) {
            try {
                fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
                break;
            } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
                const holder = Number(fs.readFileSync(lock, "utf8") || "0");
                let gone = false;
                try {
                    process.kill(holder, 0);
                } catch (k) {
                    gone = (k as NodeJS.ErrnoException).code === "ESRCH";
                }
                if (gone || Date.now() > deadline) fs.rmSync(lock, { force: true });
                else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
            }
        }
        try {
            work();
        } finally {
            fs.rmSync(lock, { force: true });
        }
    }
}

/** The kinds of a property's change in a detailed diff (pulumirpc.PropertyDiff.Kind). */
export type PropertyDiffKind = "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";

/** A provider's diff with, optionally, each changed property path and how it changes. */
export interface DetailedDiffResult {
    changes?: boolean;
    replaces?: string[];
    deleteBeforeReplace?: boolean;
    detailedDiff?: Record<string, PropertyDiffKind>;
}

/** The top-level property of a property path: `network` for `network.delegatedSubnetResourceId`. */
function topKey(at: string): string {
    return at.split(/[.[]/)[0];
}

/**
 * The leaf paths at which `olds` and `news` differ (`network.delegatedSubnetResourceId`, `securityRules[0].access`),
 * by the offline plan's own leaves (plan/inputs.ts: objects key by key, lists of objects item by item, a list of
 * plain values as one leaf), secrets compared by their values.
 */
export function changedPaths(olds: unknown, news: unknown, at: string): Record<string, "ADD" | "DELETE" | "UPDATE"> {
    const before = leaves(reveal(olds) ?? null, at);
    const after = leaves(reveal(news) ?? null, at);
    const out: Record<string, "ADD" | "DELETE" | "UPDATE"> = {};
    for (const [key, value] of after) {
        if (!before.has(key)) out[key] = "ADD";
        else if (before.get(key) !== value) out[key] = "UPDATE";
    }
    for (const key of before.keys()) if (!after.has(key)) out[key] = "DELETE";
    return out;
}

/** What a create or update would return, computed without doing it (`pulumi preview`). */
export interface PreviewHooks {
    /** Outputs of a create: the inputs and, unknown, what the service would compute. Default: the inputs. */
    create?(urn: string, news: Record<string, unknown>): Record<string, unknown>;
    /** Outputs of an update. Default: the old outputs overlaid with the new inputs. */
    update?(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Adapts the gRPC service `@pulumi/pulumi`'s provider server registers, where its Provider interface falls short:
 *
 * - Configure: the provider configuration the engine sends is kept (the server does not hand it to the
 *   provider object), and the provider declares `supportsPreview`, as the real providers do, so that a preview
 *   shows computed outputs as unknown (not as absent, which would let the program act on them);
 * - Create and Update with `preview` set answer from `hooks` instead of changing anything;
 * - Diff passes on the changed paths a provider names (`DetailedDiffResult.detailedDiff`).
 *
 * Call before `pulumi.provider.main`. Returns the current provider configuration.
 */
export function adaptProviderServer(hooks: PreviewHooks = {}): () => Record<string, unknown> {
    exitWithEngine();
    let config: Record<string, unknown> = {};
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const load = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
    const grpc = load("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
    const provproto = load("@pulumi/pulumi/proto/provider_pb");
    const structproto = load("google-protobuf/google/protobuf/struct_pb");
    const struct = (o: Record<string, unknown>) => structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(o)));
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (this: unknown, service: unknown, impl: Record<string, any>) {
        if (typeof impl?.configure === "function") {
            const configure = impl.configure;
            impl.configure = (call: any, callback: (err: unknown, resp: any) => void) => {
                const args = call.request.getArgs()?.toJavaScript() ?? {};
                const variables: Record<string, unknown> = {};
                for (const [k, v] of call.request.getVariablesMap().entries()) {
                    const key = String(k).split(":").pop()!;
                    try {
                        variables[key] = JSON.parse(String(v));
                    } catch {
                        variables[key] = v;
                    }
                }
                config = { ...variables, ...args };
                return configure.call(impl, call, (err: unknown, resp: any) => {
                    resp?.setSupportspreview(true);
                    callback(err, resp);
                });
            };
            const create = impl.create;
            impl.create = (call: any, callback: (err: unknown, resp: unknown) => void) => {
                if (!call.request.getPreview()) return create.call(impl, call, callback);
                const news = call.request.getProperties().toJavaScript();
                const resp = new provproto.CreateResponse();
                resp.setId("");
                resp.setProperties(struct(hooks.create ? hooks.create(call.request.getUrn(), news) : news));
                callback(null, resp);
            };
            // The provider's diff may also name the changed paths, as azure-native's does (its DiffResponse carries
            // `diffs` and a `detailedDiff` keyed by property path; pulumi/pulumi-azure-native
            // provider/pkg/provider/diff.go, `calculateDetailedDiff`). The engine needs them to apply a nested
            // `replaceOnChanges` path (pulumi/pulumi pkg/resource/deploy/step_generator.go, `applyReplaceOnChanges`,
            // matches the detailed diff's paths and only top-level changed keys otherwise).
            const provider = impl.provider as { diff?: (id: string, urn: string, olds: any, news: any) => Promise<DetailedDiffResult> } | undefined;
            if (provider?.diff) {
                impl.diff = async (call: any, callback: (err: unknown, resp: unknown) => void) => {
                    try {
                        const req = call.request;
                        const result = await provider.diff!(req.getId(), req.getUrn(), req.getOlds().toJavaScript(), req.getNews().toJavaScript());
                        const resp = new provproto.DiffResponse();
                        const changes = provproto.DiffResponse.DiffChanges;
                        resp.setChanges(result.changes === true ? changes.DIFF_SOME : result.changes === false ? changes.DIFF_NONE : changes.DIFF_UNKNOWN);
                        if (result.replaces?.length) resp.setReplacesList(result.replaces);
                        if (result.deleteBeforeReplace) resp.setDeletebeforereplace(true);
                        if (result.detailedDiff) {
                            resp.setDiffsList([...new Set(Object.keys(result.detailedDiff).map(topKey))]);
                            resp.setHasdetaileddiff(true);
                            const map = resp.getDetaileddiffMap();
                            for (const [at, kind] of Object.entries(result.detailedDiff)) {
                                const diff = new provproto.PropertyDiff();
                                diff.setKind(provproto.PropertyDiff.Kind[kind]);
                                diff.setInputdiff(true);
                                map.set(at, diff);
                            }
                        }
                        callback(null, resp);
                    } catch (e) {
                        callback(e, undefined);
                    }
                };
            }
            const update = impl.update;
            impl.update = (call: any, callback: (err: unknown, resp: unknown) => void) => {
                if (!call.request.getPreview()) return update.call(impl, call, callback);
                const olds = call.request.getOlds().toJavaScript();
                const news = call.request.getNews().toJavaScript();
                const resp = new provproto.UpdateResponse();
                resp.setProperties(struct(hooks.update ? hooks.update(call.request.getUrn(), olds, news) : { ...olds, ...news }));
                callback(null, resp);
            };
        }
        return addService.call(this, service as any, impl as any);
    } as typeof addService;
    return () => config;
}

/**
 * Ends this plugin when the CLI that started it is gone. The engine stops its plugins when a command ends, but
 * a killed CLI (SIGKILL, a crashed runner) cannot: its plugins are re-parented and would run on, holding the
 * simulation's files. Two signs, checked every `pollMs`: the parent changed (the launcher `exec`s node, so the
 * parent is the CLI), or the engine's gRPC address (the plugin's first argument) refuses connections — which
 * also covers a CLI killed while the plugin was still starting, already re-parented when this runs. The
 * PostgreSQL servers are not children of the plugin and keep running, as Azure's would.
 */
export function exitWithEngine(pollMs = 500): void {
    const parent = process.ppid;
    const engine = /^([\d.]+|localhost|\[[^\]]+\]):(\d+)$/.exec(process.argv[2] ?? "");
    const leave = (why: string) => {
        process.stderr.write(`${why}; ${path.basename(process.argv[1] ?? "plugin")} exits\n`);
        process.exit(0);
    };
    let probing = false;
    const timer = setInterval(() => {
        if (process.ppid !== parent) leave(`the engine (pid ${parent}) is gone`);
        if (!engine || probing) return;
        probing = true;
        const socket = net.connect({ host: engine[1].replace(/^\[|\]$/g, ""), port: Number(engine[2]) });
        socket.setTimeout(pollMs * 4);
        const done = () => {
            probing = false;
            socket.destroy();
        };
        socket.once("connect", done);
        socket.once("timeout", done);
        socket.once("error", (e: NodeJS.ErrnoException) => {
            done();
            if (e.code === "ECONNREFUSED") leave(`the engine at ${engine[0]} refuses connections`);
        });
    }, pollMs);
    timer.unref();
}

/** The resource type of a URN (the last segment of its type chain). */
export function typeOf(urn: string): string {
    return urn.split("::")[2].split("$").pop()!;
}

/** An error as Azure Resource Manager reports it: code and message, with the source of the behaviour. */
export function azureError(status: number, code: string, message: string, source: string): Error {
    return new Error(`Status=${status} Code="${code}" Message="${message}" (simulated; behaviour documented at ${source})`);
}

/** The identity `az` is signed in as; written by the harness. */
export interface SignedIn {
    tenantId: string;
    subscriptionId: string;
    objectId: string;
    clientId: string;
}

export function signedIn(): SignedIn {
    return JSON.parse(fs.readFileSync(path.join(simDir(), "signed-in.json"), "utf8"));
}

/**
 * The access token Entra issues to `objectId` for `resource`: JWT-shaped, with the claims PostgreSQL's Entra
 * login reads (aud, oid, tid), signed with the simulation's key. The simulated server's Entra administrator
 * roles use it as their password, so a login succeeds only with the token of the right identity.
 */
export function tokenFor(objectId: string, resource: string, tenantId: string): string {
    const key = fs.readFileSync(path.join(simDir(), "entra.key"));
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    const head = part({ alg: "HS256", typ: "JWT" });
    const body = part({ aud: resource.replace(/\/\.default$/, ""), oid: objectId.toLowerCase(), tid: tenantId });
    const sig = crypto.createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
    return `${head}.${body}.${sig}`;
}

export const postgresTokenResource = "https://ossrdbms-aad.database.windows.net";
/** Azure Resource Manager in the public cloud: the audience of its tokens and the host the harness serves. */
export const armTokenResource = "https://management.azure.com";

/** The claims of a token `tokenFor` issued, when its signature is the simulation's; `undefined` otherwise. */
export function verifyToken(token: string): { aud: string; oid: string; tid: string } | undefined {
    const [head, body, sig] = token.split(".");
    if (!head || !body || !sig) return undefined;
    const key = fs.readFileSync(path.join(simDir(), "entra.key"));
    const expected = crypto.createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
    if (expected.length !== sig.length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(sig))) return undefined;
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
}
