/**
 * The generated blocks of the documentation: each lies between a begin marker, an HTML comment naming the
 * block, its source and the command that writes it, and an end marker. Only the text between them is replaced.
 */
export const command = "npm run docs";

/** The begin marker of block `name` (e.g. `settings:top`), generated from `source`. */
export const begin = (name: string, source: string) => `<!-- ${name} (generated from ${source} by \`${command}\`) -->`;

/** The end marker of block `name`. */
export const end = (name: string) => `<!-- /${name} -->`;

/**
 * `text` with the block `name` replaced by `body`, and its begin marker rewritten. The begin marker is found by
 * its name alone, so a marker written by an earlier command or source is still found. Throws, naming both
 * markers, when `file` lacks them.
 */
export function replaceBlock(text: string, file: string, name: string, source: string, body: string): string {
    const open = `<!-- ${name} (`;
    const from = text.indexOf(open);
    const to = text.indexOf(end(name));
    const lineEnd = from < 0 ? -1 : text.indexOf("\n", from);
    if (from < 0 || lineEnd < 0 || to < lineEnd) {
        throw new Error(`${file} lacks the markers of the generated block ${name}:\n${begin(name, source)}\n${end(name)}`);
    }
    return `${text.slice(0, from)}${begin(name, source)}\n${body}\n${text.slice(to)}`;
}

/** A Markdown code span of a value (strings as written, anything else as JSON). */
export const code = (value: unknown) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;

/** Text for a Markdown table cell: pipes escaped. */
export const cell = (text: string) => text.replace(/\|/g, "\\|");

/** One Markdown table row. */
export const row = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
