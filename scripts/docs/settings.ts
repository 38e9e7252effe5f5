/**
 * The configuration reference, generated from the settings table (components/config/settings.ts): the tables
 * of docs/configuration.md (between the `<!-- settings:<section> … -->` markers), the README's summary of the
 * top-level keys (`settings:summary`), and the `config:` declarations of `Pulumi.yaml`.
 */
import { stringify } from "yaml";
import { keysAt, SectionName, sections, Setting, settings } from "../../components/config/settings";
import { code, replaceBlock, row } from "./markers";

const rows = settings as readonly Setting[];
const source = "components/config/settings.ts";

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

const fallback = (setting: Setting) => setting.defaultText ?? (setting.default === undefined ? "" : code(setting.default));

/** The Markdown table of one section. */
export function renderTable(name: SectionName): string {
    const base = sections[name].path;
    const lines = ["| key | type | required | default | allowed values | what | Microsoft Learn |", "| --- | --- | --- | --- | --- | --- | --- |"];
    for (const setting of rows.filter((r) => sectionOf(r.key) === name)) {
        const key = base === "" ? setting.key : setting.key.slice(base.length + 1);
        const values = setting.values?.map(code).join(", ") ?? "";
        const what = [setting.description, setting.notes].filter(Boolean).join(" ");
        const learn = setting.learn ? `[${setting.learn.replace(/^.*\//, "").replace(/#.*$/, "")}](${setting.learn})` : "";
        lines.push(row([code(key), setting.type, setting.required ?? "optional", fallback(setting), values, what, learn]));
    }
    return lines.join("\n");
}

/** docs/configuration.md with every section's table regenerated between its markers. */
export function renderConfiguration(page: string): string {
    let text = page;
    for (const name of Object.keys(sections) as SectionName[]) {
        text = replaceBlock(text, "docs/configuration.md", `settings:${name}`, source, renderTable(name));
    }
    return text;
}

/** A link of docs/configuration.md as the README must write it: `#x` and `page.md` are under docs/. */
const fromReadme = (markdown: string) =>
    markdown.replace(/\]\((#[^)]*)\)/g, "](docs/configuration.md$1)").replace(/\]\(([a-z][a-z0-9-]*\.md[^)]*)\)/g, "](docs/$1)");

/** A key's description, and where it sends the reader to its own section, that section's keys. */
function summaryOf(setting: Setting): string {
    const own = Object.values(sections).find((s) => s.path === setting.key || s.path === `${setting.key}[]`);
    const pointer = /See \[[^\]]+\]\(#[^)]+\)\.$/;
    if (own === undefined || !pointer.test(setting.description)) {
        return setting.description;
    }
    return `${setting.description.slice(0, -1)}: ${keysAt(own.path).map(code).join(", ")}.`;
}

/** The README's summary: every top-level key with its type, whether required, its default and what it is. */
export function renderSummary(): string {
    const lines = ["| key | type | required | default | what |", "| --- | --- | --- | --- | --- |"];
    for (const setting of rows.filter((r) => sectionOf(r.key) === "top")) {
        lines.push(row([code(setting.key), setting.type, setting.required ?? "optional", fromReadme(fallback(setting)), fromReadme(summaryOf(setting))]));
    }
    return lines.join("\n");
}

/** README.md with the summary of the top-level keys regenerated between its markers. */
export function renderReadme(readme: string): string {
    return replaceBlock(readme, "README.md", "settings:summary", source, renderSummary());
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
 * are required. Pulumi treats a declared key without a default as required: before the program runs, a key of the
 * project's namespace declared with neither `default` nor `value` and absent from the stack fails with "Stack '<stack>'
 * is missing configuration value '<key>'" (pulumi/pulumi sdk/go/common/workspace/config.go, mergeConfig, at 5351d868;
 * the project file reference, https://www.pulumi.com/docs/iac/concepts/projects/project-file/, lists no other way to
 * declare a key optional). Pulumi declares only scalar and list types. So optional keys without a default, keys
 * required only conditionally (`location`, which `azure-native:location` can stand in for) and structured keys are
 * documented in docs/configuration.md only.
 */
export function projectConfig(): Record<string, object> {
    const config: Record<string, object> = {};
    for (const setting of rows) {
        const type = yamlTypes[setting.type];
        if (setting.key.includes(".") || !type || (setting.default === undefined && setting.required !== "required")) {
            continue;
        }
        config[setting.key] = { ...type, ...(setting.default === undefined ? {} : { default: setting.default }), description: plain(setting.description) };
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
