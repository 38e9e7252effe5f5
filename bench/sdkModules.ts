import * as fs from "node:fs";
import * as path from "node:path";

/** Root of the project (the folder holding `index.ts`). */
export const projectRoot = path.resolve(__dirname, "..");

/**
 * The Pulumi SDK modules the program loads at run time: every `@pulumi/...` module that `index.ts` and
 * `components/` import by value (type-only imports are erased and load nothing), `@pulumi/pulumi` first.
 * Read from the sources each time, so the floor keeps loading exactly what the program loads.
 */
export function programSdkModules(root = projectRoot): string[] {
    const files = [path.join(root, "index.ts"), ...listTypeScript(path.join(root, "components"))];
    const found = new Set<string>(["@pulumi/pulumi"]);
    for (const file of files) {
        for (const specifier of valueImports(fs.readFileSync(file, "utf8"))) {
            if (specifier.startsWith("@pulumi/")) found.add(specifier);
        }
    }
    const [first, ...rest] = [...found];
    return [first, ...rest.sort()];
}

/** Module specifiers a TypeScript source loads at run time (`import ... from`, `import "x"`, `require("x")`). */
export function valueImports(source: string): string[] {
    const specifiers: string[] = [];
    const importFrom = /^\s*import\s+(type\s+)?[^'";]*?\sfrom\s+["']([^"']+)["']/gm;
    for (const match of source.matchAll(importFrom)) {
        if (!match[1]) specifiers.push(match[2]);
    }
    for (const match of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) specifiers.push(match[1]);
    for (const match of source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) specifiers.push(match[1]);
    return specifiers;
}

function listTypeScript(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return listTypeScript(full);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}
