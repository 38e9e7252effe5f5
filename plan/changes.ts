import { createHash } from "node:crypto";
import { createOnlyFacts, type CreateOnlyFact } from "../contracts/mutability";
import { parameterNeedsRestart } from "../components/config/parameters";
import type * as pulumi from "@pulumi/pulumi";
import { guardFailures, serverGuardProvider, serverRestartProvider, type ServerGuardInputs } from "../components/restart/provider";
import { entraRoleProvider } from "../components/roles/provider";
import { entraDatabaseProvider, entraGrantsProvider } from "../components/sql/provider";
import { leaves } from "./inputs";
import type { Effect, InputChange, Plan, PlanDiff, PlanNode, ResourceChange, SettingChange } from "./types";

/**
 * What a change against the base plan (`--base`) does to a deployed stack, input by input, from the project's
 * contract data rather than a list of our own:
 *
 * - `replace`: a create-only property azure-native answers with a replacement (contracts/mutability.ts,
 *   `createOnlyFacts` with `onChange: "replace"`: a path parameter, `x-ms-mutability` without `update` on the
 *   resource itself, azure-native's `forceNewMap`), or a path of the resource's `replaceOnChanges` option;
 * - `refused`: a create-only property azure-native sends as an update that Azure refuses (`onChange: "update"`:
 *   nested `x-ms-mutability`, or fixed at creation in the spec's words), or a change the ServerGuard refuses at
 *   `check` (components/restart/provider.ts, `guardFailures`: storage shrink, major version downgrade), which
 *   stops `pulumi up` before anything changes;
 * - `restart`: a static server parameter's value (components/config/parameters.ts, `parameterNeedsRestart`, from
 *   Learn's parameter reference) applies at the next restart: the stack's ServerRestart makes it
 *   (`server.restartForStaticParameters: auto`), or the operator (`operator`); the ServerRestart's own change is
 *   the restart;
 * - `in place`: everything else.
 *
 * The stack's own dynamic resources (roles, databases, grants, the guard and the restart) have no Azure contract:
 * their provider's `diff`, a pure comparison of the inputs, is asked, and a key it `replaces` marks a replacement.
 * A type with neither (the PostgreSQL provider's grants) says that its provider decides.
 *
 * Paths of the resource's `ignoreChanges` option are no change, as for the engine.
 */

/** The stack's own dynamic providers, by type token: their `diff` says what they replace. */
const ownProviders: Readonly<Record<string, pulumi.dynamic.ResourceProvider>> = {
    "pulumi-nodejs:dynamic/entra-postgres:EntraRole": entraRoleProvider,
    "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase": entraDatabaseProvider,
    "pulumi-nodejs:dynamic/entra-postgres:EntraGrants": entraGrantsProvider,
    "pulumi-nodejs:dynamic/entra-postgres:ServerGuard": serverGuardProvider,
    "pulumi-nodejs:dynamic/entra-postgres:ServerRestart": serverRestartProvider,
};

/** The keys the own provider's diff replaces on, or undefined when it has none or cannot answer offline. */
async function ownReplaces(old: PlanNode, node: PlanNode): Promise<string[] | undefined> {
    const diff = ownProviders[node.type]?.diff;
    if (!diff || !old.inputs || !node.inputs) return undefined;
    try {
        return [...((await diff.call(ownProviders[node.type], "plan", old.inputs, node.inputs)).replaces ?? [])];
    } catch {
        return undefined;
    }
}

const types = {
    server: "azure-native:dbforpostgresql:Server",
    database: "azure-native:dbforpostgresql:Database",
    vm: "azure-native:compute:VirtualMachine",
    configuration: "azure-native:dbforpostgresql:Configuration",
    guard: "pulumi-nodejs:dynamic/entra-postgres:ServerGuard",
    ownedDatabase: "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase",
    restart: "pulumi-nodejs:dynamic/entra-postgres:ServerRestart",
} as const;

/** What replacing or deleting a resource costs, for the types where it costs data or service. */
function consequenceOf(type: string, action: "replace" | "delete"): string | undefined {
    switch (type) {
        case types.server:
            return `data loss: the server${action === "replace" ? " is deleted and created anew, empty," : " is deleted"} with every database on it`;
        case types.database:
        case types.ownedDatabase:
            return `data loss: the database${action === "replace" ? " is dropped and created anew, empty" : " and its data are dropped"}`;
        case types.vm:
            return `downtime: the identity VM is ${action === "replace" ? "deleted and created anew, with a new managed identity" : "deleted"}; logins from it stop meanwhile`;
        default:
            return undefined;
    }
}

/** What to do instead of replacing or deleting a protected resource. */
function insteadOf(type: string, action: "replace" | "delete", causes: string[]): string {
    const settings = causes.length > 0 ? causes.join(", ") : "the changed settings";
    switch (type) {
        case types.server:
            return action === "replace"
                ? `keep ${settings} as in the base; to change it, create a new server (a new stack, or server.restore from this one), move the clients, then retire the old one`
                : `keep the server in the stack (${settings} as in the base); to retire it on purpose, take a backup, run pulumi state unprotect on it, then pulumi up`;
        case types.database:
        case types.ownedDatabase:
            return `keep the database in entra-postgres:databases (${settings} as in the base); to drop it on purpose, dump it, run pulumi state unprotect on it, then pulumi up`;
        default:
            return `keep ${settings} as in the base, or run pulumi state unprotect on it first`;
    }
}

const facts = new Map<string, CreateOnlyFact[]>();

/** A type's create-only facts, or none for a type without a contract (dynamic and PostgreSQL resources). */
function createOnly(type: string): CreateOnlyFact[] | undefined {
    if (!facts.has(type)) {
        try {
            facts.set(type, createOnlyFacts(type));
        } catch {
            return undefined;
        }
    }
    return facts.get(type);
}

/** Values longer than this (cloud-init, certificates) are shown by their start, length and a digest, which still tells two apart. */
export const longValue = 120;

function shown(value: string | undefined): string | undefined {
    if (value === undefined || value.length <= longValue) return value;
    return `${value.slice(0, 40)}… (${value.length} characters, sha256 ${createHash("sha256").update(value).digest("hex").slice(0, 12)})`;
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

/** A `replaceOnChanges`/`ignoreChanges` path (`*` for any one key) as a test of input paths. */
function optionMatcher(option: string): (path: string) => boolean {
    const pattern = new RegExp(`^${option.split(".").map((p) => (p === "*" ? "[^.]+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("\\.")}(\\.|\\[|$)`);
    return (path) => pattern.test(path);
}

/** The guard's refusals between two plans' guard inputs, by the server path they stand for (components/server.ts wires the guard's storageGb to storage.storageSizeGB). */
const guardPaths: Record<string, string> = { storageGb: "storage.storageSizeGB", version: "version" };

function classify(node: PlanNode, before: PlanNode, path: string, restartByStack: boolean, own: string[] | undefined): { effect: Effect; why?: string } {
    if ((node.replaceOnChanges ?? []).some((o) => optionMatcher(o)(path))) {
        return { effect: "replace", why: "the program asks for a replacement (replaceOnChanges)" };
    }
    const fact = createOnly(node.type)?.find((f) => under(path, f.path));
    if (fact) {
        const reasons = fact.reasons.map((r) => (r === "x-ms-mutability" ? "x-ms-mutability without update in Azure's REST spec" : r === "forceNewMap" ? "azure-native's forceNewMap" : r === "path parameter" ? "a parameter of the resource's URL" : "fixed at creation by the spec")).join(", ");
        return fact.onChange === "replace"
            ? { effect: "replace", why: `create-only (${reasons}): azure-native replaces the resource` }
            : { effect: "refused", why: `create-only (${reasons}): azure-native sends an update, which Azure refuses` };
    }
    if (node.type === types.configuration && path === "value" && parameterNeedsRestart(String(node.inputs?.configurationName ?? before.inputs?.configurationName))) {
        return {
            effect: "restart",
            why: restartByStack
                ? "static parameter: the stack restarts the server after the write (server.restartForStaticParameters auto): downtime"
                : "static parameter: applies after you restart the server (server.restartForStaticParameters operator)",
        };
    }
    if (node.type === types.restart) {
        return { effect: "restart", why: "the server restarts to apply static parameters: downtime" };
    }
    if (own) {
        const key = own.find((k) => under(path, k));
        return key ? { effect: "replace", why: `the stack's own provider replaces it when ${key} changes (its diff)` } : { effect: "in place" };
    }
    if (!createOnly(node.type)) {
        return { effect: "in place", why: "no Azure contract for this type: its provider's diff decides between update and replace" };
    }
    return { effect: "in place" };
}

const severity: Record<Effect, number> = { "in place": 0, restart: 1, replace: 2, refused: 3 };

const strongest = (effects: Effect[]): Effect => effects.reduce<Effect>((a, b) => (severity[b] > severity[a] ? b : a), "in place");

/** Changed settings whose old or new value is the value of one of `values` (a list setting matches an item). */
function causesOf(settings: SettingChange[], values: { before?: string; after?: string }[]): string[] {
    const holds = (setting: string | undefined, value: string | undefined) => {
        if (setting === undefined || value === undefined || value === "[secret]") return false;
        if (setting === value) return true;
        try {
            const list = JSON.parse(setting) as unknown;
            return Array.isArray(list) && list.some((item) => String(item) === value);
        } catch {
            return false;
        }
    };
    return settings.filter((s) => values.some((v) => holds(s.after, v.after) || holds(s.before, v.before))).map((s) => s.key);
}

function flatten(nodes: PlanNode[]): PlanNode[] {
    return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** A resource's identity across URN formats: its own type and name (names are unique per type here). */
const identity = (node: { type: string; name: string }) => `${node.type}::${node.name}`;

/** What `plan` changes against `base` (the plan JSON of the base branch). */
export async function diffPlans(base: Plan, plan: Plan): Promise<PlanDiff> {
    const before = new Map(flatten(base.tree).map((n) => [identity(n), n]));
    const after = new Map(flatten(plan.tree).map((n) => [identity(n), n]));
    const settingKeys = [...new Set([...Object.keys(base.settings ?? {}), ...Object.keys(plan.settings ?? {})])].sort();
    const settings = base.settings && plan.settings
        ? settingKeys.filter((k) => base.settings![k] !== plan.settings![k]).map((key) => ({ key, before: base.settings![key], after: plan.settings![key] }))
        : [];
    const diff: PlanDiff = { baseStack: base.stack, settings, added: [], removed: [], renamed: [], changed: [] };
    const withInputs = flatten(base.tree).some((n) => n.inputs !== undefined);
    if (!withInputs) {
        diff.note = "the base plan carries no resource inputs (made by an earlier version of npm run plan): changes are shown by the reviewer's details only and not classified; make the base plan again with this version";
    }
    const restartByStack = [...after.values()].some((n) => n.type === types.restart);
    const claimed = new Set<string>();
    for (const [key, node] of after) {
        let old = before.get(key);
        if (!old) {
            const alias = node.aliases?.map((urn) => `${node.type}::${urn.split("::").pop()}`).find((k) => before.has(k));
            if (alias) {
                old = before.get(alias)!;
                claimed.add(alias);
                diff.renamed.push({ from: old.name, to: node.name, type: node.type });
            }
        } else {
            claimed.add(key);
        }
        if (!old) {
            diff.added.push({ name: node.name, type: node.type });
            continue;
        }
        const change = await resourceChange(old, node, settings, restartByStack);
        if (change) diff.changed.push(change);
    }
    for (const [key, node] of before) {
        if (claimed.has(key)) continue;
        const consequence = consequenceOf(node.type, "delete");
        const causes = consequence ? causesOf(settings, [...leaves(node.inputs ?? {}).values()].map((v) => ({ before: v }))) : [];
        diff.removed.push({
            name: node.name,
            type: node.type,
            ...(consequence ? { consequence, causes } : {}),
            ...(consequence && node.protect ? { stopped: stoppedText(node, "delete", causes) } : {}),
        });
    }
    propagateReplacements(diff, before, after, settings);
    markGuardRefusals(diff);
    return diff;
}

/**
 * A replaced resource's outputs are unknown until it is created anew, so in `pulumi preview` every input that
 * takes a value from it is unknown; azure-native replaces a resource whose replace key is unknown (diff.go,
 * `calculateDetailedDiff`). So the databases, parameters and administrators of a replaced server are replaced
 * with it, as the preview will show; the plan's mocks know the name already and would miss them.
 */
function propagateReplacements(diff: PlanDiff, before: Map<string, PlanNode>, after: Map<string, PlanNode>, settings: SettingChange[]): void {
    const byUrn = new Map([...after.values()].map((n) => [n.urn, n]));
    const replaced = new Set(diff.changed.filter((c) => c.effect === "replace").map((c) => identity(c)));
    let grew = true;
    while (grew) {
        grew = false;
        for (const [key, node] of after) {
            const old = before.get(key);
            if (!old || replaced.has(key)) continue;
            const keys = (createOnly(node.type) ?? []).filter((f) => f.onChange === "replace").map((f) => f.path);
            const cause = Object.entries(node.propertyDependencies ?? {})
                .filter(([input]) => keys.includes(input))
                .map(([input, urns]) => ({ input, from: urns.map((u) => byUrn.get(u)).find((d) => d && replaced.has(identity(d))) }))
                .find((c) => c.from);
            if (!cause) continue;
            let change = diff.changed.find((c) => identity(c) === key);
            if (!change) {
                change = { name: node.name, type: node.type, effect: "replace", inputs: [], details: [] };
                diff.changed.push(change);
            }
            change.inputs.push({
                path: cause.input,
                before: leaves(old.inputs ?? {}).get(cause.input),
                after: `(the new ${cause.from!.name}'s)`,
                effect: "replace",
                why: `${cause.from!.name} is replaced, so ${cause.input} is known only after deploy: azure-native replaces the resource`,
            });
            change.effect = "replace";
            const consequence = consequenceOf(node.type, "replace");
            if (consequence && !change.consequence) {
                const from = diff.changed.find((c) => identity(c) === identity(cause.from!));
                change.consequence = consequence;
                change.causes = from?.causes ?? causesOf(settings, []);
                if (old.protect ?? node.protect) change.stopped = stoppedText(old, "replace", change.causes);
            }
            replaced.add(key);
            grew = true;
        }
    }
}

function stoppedText(node: PlanNode, action: "replace" | "delete", causes: string[]): string {
    return `${node.name} is protected (entra-postgres:protect: true): pulumi up stops before it would ${action} it${causes.length ? ` (changed: ${causes.join(", ")})` : ""}. Instead: ${insteadOf(node.type, action, causes)}.`;
}

async function resourceChange(old: PlanNode, node: PlanNode, settings: SettingChange[], restartByStack: boolean): Promise<ResourceChange | undefined> {
    const detailKeys = [...new Set([...Object.keys(old.details), ...Object.keys(node.details)])];
    const details = detailKeys.filter((k) => old.details[k] !== node.details[k]).map((k) => ({ key: k, before: old.details[k], after: node.details[k] }));
    const inputs: InputChange[] = [];
    if (old.inputs !== undefined && node.inputs !== undefined) {
        const a = leaves(old.inputs);
        const b = leaves(node.inputs);
        const ignored = (node.ignoreChanges ?? []).map(optionMatcher);
        const own = await ownReplaces(old, node);
        for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
            if (a.get(path) === b.get(path) || ignored.some((m) => m(path))) continue;
            inputs.push({ path, before: shown(a.get(path)), after: shown(b.get(path)), ...classify(node, old, path, restartByStack, own) });
        }
        if (Boolean(old.protect) !== Boolean(node.protect)) {
            inputs.push({ path: "protect (resource option)", before: String(Boolean(old.protect)), after: String(Boolean(node.protect)), effect: "in place" });
        }
        if (node.type === types.guard) {
            for (const failure of guardFailures(old.inputs as Partial<ServerGuardInputs>, node.inputs as unknown as ServerGuardInputs)) {
                const change = inputs.find((i) => i.path === failure.property);
                if (change) Object.assign(change, { effect: "refused", why: failure.reason });
            }
        }
    }
    if (inputs.length === 0 && details.length === 0) return undefined;
    if (inputs.some((i) => i.effect === "replace")) {
        // A replacement creates the resource anew: what Azure refuses to update is then simply set at creation.
        for (const input of inputs.filter((i) => i.effect === "refused")) {
            Object.assign(input, { effect: "replace", why: `${input.why!.replace(/: azure-native sends an update, which Azure refuses$/, "")}: set anew by the replacement` });
        }
    }
    const effect = strongest(inputs.map((i) => i.effect));
    const change: ResourceChange = { name: node.name, type: node.type, effect, inputs, details };
    if (effect === "replace") {
        const consequence = consequenceOf(node.type, "replace");
        if (consequence) {
            change.consequence = consequence;
            change.causes = causesOf(settings, inputs.filter((i) => i.effect === "replace"));
            if (old.protect ?? node.protect) change.stopped = stoppedText(old, "replace", change.causes);
        }
    }
    return change;
}

/** A refusal by the ServerGuard stops `pulumi up` at check: the server's matching input change is refused too. */
function markGuardRefusals(diff: PlanDiff): void {
    for (const guard of diff.changed.filter((c) => c.type === types.guard && c.effect === "refused")) {
        const server = diff.changed.find((c) => c.type === types.server && guard.name === `${c.name.replace(/-server$/, "")}-guard`);
        for (const refusal of guard.inputs.filter((i) => i.effect === "refused")) {
            const input = server?.inputs.find((i) => i.path === guardPaths[refusal.path]);
            if (server && input) {
                Object.assign(input, { effect: "refused", why: refusal.why });
                server.effect = strongest([server.effect, "refused"]);
            }
        }
        guard.stopped = `the ServerGuard refuses it before anything changes: ${guard.inputs.filter((i) => i.effect === "refused").map((i) => i.why).join(" ")}`;
    }
}

export const effects: readonly Effect[] = ["in place", "restart", "replace", "refused"];
