/**
 * `npm run settings:docs [-- --check]`
 *
 * Writes the README's configuration reference tables (between the `<!-- settings:<section> … -->` markers)
 * and the `config:` declarations of `Pulumi.yaml` from the settings table (components/config/settings.ts).
 * With `--check` it writes nothing and exits 1 when either file differs from what the table generates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { SectionName, sections, Setting, settings } from "../components/config/settings";

export const projectRoot = path.resolve(__dirname, "..");
export const command = "npm run settings:docs";

const rows = settings as readonly Setting[];

/** The section a key is listed in: the one with the longest path the key lies under. */
export function sectionOf(key: string): SectionName {
    let best: SectionName = "top";
    for (const [name, section] of Object.entries(sections) as [SectionName, (typeof sections)[SectionName]][]) {
        if (section.path !== "" && key.startsWith(`${section.path}.`) && section.path.length > sections[best].path.length) {
            best = name;
        }
    }
    return best;
}

const code = (value: unknown) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The Markdown table of one section. */
export function renderTable(name: SectionName): string {
    const base = sections[name].path;
    const lines = ["| key | type | required | default | allowed values | what | Microsoft Learn |", "| --- | --- | --- | --- | --- | --- | --- |"];
    for (const row of rows.filter((r) => sectionOf(r.key) === name)) {
        const key = base === "" ? row.key : row.key.slice(base.length + 1);
        const fallback = row.defaultText ?? (row.default === undefined ? "" : code(row.default));
        const values = row.values?.map(code).join(", ") ?? "";
        const what = [row.description, row.notes].filter(Boolean).join(" ");
        const learn = row.learn ? `[${row.learn.replace(/^.*\//, "").replace(/#.*$/, "")}](${row.learn})` : "";
        lines.push(`| ${[code(key), row.type, row.required ?? "optional", fallback, values, what, learn].map(cell).join(" | ")} |`);
    }
    return lines.join("\n");
}

const begin = (name: string) => `<!-- settings:${name} (generated from components/config/settings.ts by \`${command}\`) -->`;
const end = (name: string) => `<!-- /settings:${name} -->`;

/** The README with every section's table regenerated between its markers. */
export function renderReadme(readme: string): string {
    let text = readme;
    for (const name of Object.keys(sections) as SectionName[]) {
        const from = text.indexOf(begin(name));
        const to = text.indexOf(end(name));
        if (from < 0 || to < from) {
            throw new Error(`README.md lacks the markers of the ${name} settings table:\n${begin(name)}\n${end(name)}`);
        }
        text = `${text.slice(0, from)}${begin(name)}\n${renderTable(name)}\n${text.slice(to)}`;
    }
    return text;
}

/** Markdown to the plain text `pulumi config` shows: no code spans, links as their text. */
const plain = (markdown: string) => markdown.replace(/`([^`]*)`/g, "$1").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");

const yamlTypes: Partial<Record<Setting["type"], object>> = {
    string: { type: "string" },
    boolean: { type: "boolean" },
    integer: { type: "integer" },
    "string list": { type: "array", items: { type: "string" } },
};

/**
 * Pulumi's project `config:` declarations: the top-level keys of a scalar or list type that have a default or
 * are required. Pulumi treats a declared key without a default as required, and declares only scalar and list
 * types, so optional keys without a default and structured keys are documented in the README only.
 */
export function projectConfig(): Record<string, object> {
    const config: Record<string, object> = {};
    for (const row of rows) {
        const type = yamlTypes[row.type];
        if (row.key.includes(".") || !type || (row.default === undefined && row.required !== "required")) {
            continue;
        }
        config[row.key] = { ...type, ...(row.default === undefined ? {} : { default: row.default }), description: plain(row.description) };
    }
    return config;
}

/** `Pulumi.yaml` with everything from its `config:` line on regenerated (the lines before are kept). */
export function renderPulumiYaml(project: string): string {
    const at = project.search(/^config:/m);
    if (at < 0) {
        throw new Error("Pulumi.yaml has no top-level `config:` block (it must be the file's last block).");
    }
    return project.slice(0, at) + stringify({ config: projectConfig() }, { lineWidth: 0 });
}

/** Each generated file with its current and generated text. */
export function generatedFiles(root = projectRoot): { file: string; current: string; generated: string }[] {
    return [
        ["README.md", renderReadme],
        ["Pulumi.yaml", renderPulumiYaml],
    ].map(([file, render]) => {
        const current = fs.readFileSync(path.join(root, file as string), "utf8");
        return { file: file as string, current, generated: (render as (text: string) => string)(current) };
    });
}

if (require.main === module) {
    const check = process.argv.includes("--check");
    let stale = 0;
    for (const { file, current, generated } of generatedFiles()) {
        if (current === generated) {
            continue;
        }
        stale++;
        if (check) {
            console.error(`${file} differs from components/config/settings.ts. Run \`${command}\`.`);
        } else {
            fs.writeFileSync(path.join(projectRoot, file), generated);
            console.log(`wrote ${file}`);
        }
    }
    process.exitCode = check && stale > 0 ? 1 : 0;
}
