import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";

/**
 * What a `Pulumi.<stack>.yaml` holds that the plan cannot read offline, and how the plan stands in for it.
 *
 * - `secure:` values are encrypted by the stack's secrets provider (`pulumi config set --secret`); offline
 *   there is no key. Each is replaced by a stand-in of the right shape (a GUID for ids, an SSH key for keys, an
 *   address from the benchmarking range 198.18.0.0/15 (RFC 2544) for an `allowedIps` entry, a name otherwise),
 *   so the program still runs, and every stand-in is printed as `[secret]`.
 * - `environment:` imports Pulumi ESC environments, resolved by Pulumi Cloud at `pulumi preview`; offline
 *   their values are missing. The plan says so and how to plan anyway.
 */
export interface StackFile {
    /** The `config:` map as written (keys as in the file). */
    config: Record<string, unknown>;
    /** Dotted keys (`entra-postgres:vm.sshPublicKey`) whose value was a `secure:` value. */
    secretKeys: string[];
    /** Stand-in → the key it stands in for. */
    standIns: Map<string, string>;
    /** ESC environments the file imports. */
    environments: string[];
}

const guidKeys = /(^|\.)(objectId|tenantId)$/;

function standInFor(key: string, n: number): string {
    const tail = n.toString(16).padStart(12, "0");
    if (guidKeys.test(key)) {
        return `5ec2e7a1-0000-4000-8000-${tail}`;
    }
    if (/(^|\.)sshPublicKey$/.test(key)) {
        return `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5secretStandIn${tail}`;
    }
    // One address per entry, none a prefix of another's text (198.18.1.1, 198.18.2.1, …, 198.19.0.1, …).
    if (/(^|\.)allowedIps\[\d+\]$/.test(key)) {
        return `198.${18 + Math.floor(n / 256)}.${n % 256}.1`;
    }
    return `secret-stand-in-${tail}`;
}

/** A stack file that is not valid YAML: the file, line and column, and the parser's message. */
export class StackFileError extends Error {
    constructor(readonly file: string, readonly line: number | undefined, readonly column: number | undefined, detail: string) {
        super(`${file}${line !== undefined ? `:${line}:${column}` : ""}: ${detail}`);
        this.name = "StackFileError";
    }
}

/** Parses a YAML file; a syntax error names the file as well as the line and column. */
export function parseYamlFile(file: string): unknown {
    try {
        return parseYaml(fs.readFileSync(file, "utf8"));
    } catch (err) {
        if (err instanceof YAMLParseError) {
            const at = err.linePos?.[0];
            throw new StackFileError(file, at?.line, at?.col, `not valid YAML: ${err.message}`);
        }
        throw err;
    }
}

/** Reads a stack file. `document` instead of a file: the parsed YAML (tests). */
export function readStackFile(file: string, document?: unknown): StackFile {
    const doc = (document ?? parseYamlFile(file) ?? {}) as { config?: Record<string, unknown>; environment?: unknown };
    const secretKeys: string[] = [];
    const standIns = new Map<string, string>();
    const replace = (value: unknown, key: string): unknown => {
        if (Array.isArray(value)) {
            return value.map((v, i) => replace(v, `${key}[${i}]`));
        }
        if (value !== null && typeof value === "object") {
            const entries = Object.entries(value);
            if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
                const standIn = standInFor(key, standIns.size + 1);
                secretKeys.push(key);
                standIns.set(standIn, key);
                return standIn;
            }
            const copy: Record<string, unknown> = Object.create(null);
            for (const [k, v] of entries) {
                copy[k] = replace(v, `${key}.${k}`);
            }
            return copy;
        }
        return value;
    };
    const config: Record<string, unknown> = Object.create(null);
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        config[key] = replace(value, key);
    }
    const env = doc.environment;
    const environments = Array.isArray(env)
        ? env.map(String)
        : env && typeof env === "object" && Array.isArray((env as { imports?: unknown }).imports)
            ? ((env as { imports: unknown[] }).imports).map(String)
            : env !== undefined && env !== null ? [String(env)] : [];
    return { config, secretKeys, standIns, environments };
}

/** The note the plan prints for ESC imports. */
export function environmentNote(file: string, environments: readonly string[]): string {
    return (
        `${path.basename(file)} imports the Pulumi ESC environment${environments.length === 1 ? "" : "s"} ${environments.join(", ")}: ` +
        "their values are resolved by Pulumi Cloud and cannot be read offline, so this plan only sees the settings written in the file. " +
        "To plan anyway, copy the file, write the values the environment provides into its config: section, remove environment:, " +
        "and run `npm run plan -- --config <copy>`; or run `pulumi preview`, which resolves the environment."
    );
}

/** Replaces every stand-in in `text` by `[secret]`. */
export function redactStandIns(text: string, standIns: ReadonlyMap<string, string>): string {
    let out = text;
    for (const standIn of standIns.keys()) {
        out = out.split(standIn).join("[secret]");
    }
    return out;
}

/**
 * The server name a stack's settings give (`server.name`, or the parser's default `<project>-<stack>`,
 * components/config/server.ts).
 */
export function serverNameOf(config: Record<string, unknown>, project: string, stack: string): string {
    const server = config[`${project}:server`] ?? config.server;
    const name = server && typeof server === "object" ? (server as Record<string, unknown>).name : undefined;
    return (typeof name === "string" ? name : `${project}-${stack}`).toLowerCase();
}

/**
 * A stack copied from another keeps that stack's `server.name`. A Flexible Server's name is its DNS name,
 * `<name>.postgres.database.azure.com`, unique across Azure (Learn, "Naming rules and restrictions for Azure
 * resources", Microsoft.DBforPostgreSQL flexibleServers: scope global,
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules): two stacks with one name
 * cannot both create their server. Compares against every other `Pulumi.<stack>.yaml` in `folders`.
 */
export function copiedServerName(stack: string, file: string, config: Record<string, unknown>, project: string, folders: readonly string[]): string | undefined {
    const name = serverNameOf(config, project, stack);
    for (const folder of [...new Set(folders.map((f) => path.resolve(f)))]) {
        const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => /^Pulumi\.(.+)\.yaml$/.test(f)).sort() : [];
        for (const other of files) {
            const otherStack = /^Pulumi\.(.+)\.yaml$/.exec(other)![1];
            const otherFile = path.join(folder, other);
            if (otherStack === stack || path.resolve(otherFile) === path.resolve(file)) continue;
            // Parsed only when it can hold the name: written in it, or the other stack's default name.
            let otherConfig: Record<string, unknown>;
            try {
                if (name !== `${project}-${otherStack}`.toLowerCase() && !fs.readFileSync(otherFile, "utf8").toLowerCase().includes(name)) continue;
                otherConfig = readStackFile(otherFile).config;
            } catch {
                continue;
            }
            if (serverNameOf(otherConfig, project, otherStack) === name) {
                return `entra-postgres:server.name is ${name}, the server name of stack ${otherStack} (${otherFile}): a server name is unique across Azure (it is the DNS name ${name}.postgres.database.azure.com), so both stacks cannot have their server. Set entra-postgres:server.name to a name of this stack's own.`;
            }
        }
    }
    return undefined;
}
