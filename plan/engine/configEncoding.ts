import * as fs from "node:fs";
import * as path from "node:path";
import { projectName, projectRoot } from "./project";
import { parseYamlFile, readStackFile, type StackFile } from "./stackFile";

/**
 * Stack settings as the engine hands them to the program: `ns:key` → string, where strings are passed as they
 * are and anything structured as JSON, and the project's `Pulumi.yaml` defaults lie under the stack file's
 * values, as the CLI merges them.
 */

/** Plain JSON of the stack's `Pulumi.<stack>.yaml` with the project's `Pulumi.yaml` defaults, as the CLI merges them. */
export function loadStackConfig(stack: string, file?: string): Record<string, string> {
    return loadStack(stack, file).config;
}

/**
 * The stack's settings as the engine hands them to the program, with what the plan had to stand in for
 * (`secure:` values, ESC environments: see `stackFile.ts`). `document`: the parsed stack file instead of one
 * on disk.
 */
export function loadStack(stack: string, file?: string, document?: unknown): { config: Record<string, string>; secretKeys: string[] } & Omit<StackFile, "config" | "secretKeys"> & { file: string } {
    const project = parseYamlFile(path.join(projectRoot, "Pulumi.yaml")) as { config?: Record<string, { default?: unknown }> };
    const stackFile = file ?? path.join(projectRoot, `Pulumi.${stack}.yaml`);
    if (document === undefined && !fs.existsSync(stackFile)) {
        throw new Error(`No stack settings at ${stackFile}. Stacks here: ${listStacks().join(", ")}.`);
    }
    const read = readStackFile(stackFile, document);
    const config: Record<string, string> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) {
            config[configKey(key)] = encodeConfigValue(decl.default);
        }
    }
    for (const [key, value] of Object.entries(read.config)) {
        config[configKey(key)] = encodeConfigValue(value);
    }
    const secretKeys = [...new Set(read.secretKeys.map((k) => configKey(k.split(/[.[]/)[0])))];
    return { config, secretKeys, standIns: read.standIns, environments: read.environments, file: stackFile };
}

/** Stack names: one per `Pulumi.<stack>.yaml` at the project root. */
export function listStacks(): string[] {
    return fs.readdirSync(projectRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A key as the engine hands it over: `entra-postgres:auth` for `auth`; keys of other namespaces unchanged. */
export function configKey(key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/** A value as the engine hands it over: strings as they are, anything structured as JSON. */
export function encodeConfigValue(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Decodes the raw config, lets `change` edit it as plain objects (keys without namespace), re-encodes it. */
export function editConfig(raw: Record<string, string>, change: (config: Record<string, unknown>) => void): Record<string, string> {
    const plain: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        const short = key.startsWith(`${projectName}:`) ? key.slice(`${projectName}:`.length) : key;
        try {
            plain[short] = /^[[{]/.test(value) ? JSON.parse(value) : value;
        } catch {
            plain[short] = value;
        }
    }
    change(plain);
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(plain)) {
        if (value === undefined) {
            continue;
        }
        out[configKey(key)] = encodeConfigValue(value);
    }
    return out;
}
