import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

/**
 * The README is what a newcomer reads first: short, with the two commands on its first screen, and a link to
 * every page of docs/. Every relative link of the README and of docs/*.md must lead somewhere: to a file that
 * exists and, with a `#anchor`, to a heading of that file.
 */
const root = path.resolve(__dirname, "../..");
const maxReadmeLines = 400;
const firstScreen = 40;
const commands = ["npm ci && npm run plan -- --stack dev", "npm ci && npm ci --prefix policies && npm test"];

const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const docsPages = fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`);
const pages = ["README.md", ...docsPages];

/** The text outside fenced code blocks, as lines (fenced lines blanked, so line numbers stay). */
function prose(markdown: string): string[] {
    let fenced = false;
    return markdown.split("\n").map((line) => {
        if (/^\s*(```|~~~)/.test(line)) {
            fenced = !fenced;
            return "";
        }
        return fenced ? "" : line;
    });
}

/** GitHub's anchor of a heading: lowercase, punctuation but hyphens and underscores dropped, spaces to hyphens. */
export function slug(heading: string): string {
    return heading
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings (a repeated heading gets `-1`, `-2`, … as on GitHub). */
export function anchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const found = new Set<string>();
    for (const line of prose(markdown)) {
        const match = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (!match) continue;
        const base = slug(match[1]);
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        found.add(count === 0 ? base : `${base}-${count}`);
    }
    return found;
}

/** The relative link targets of a Markdown file (outside code), with their line numbers. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
    const links: { line: number; target: string }[] = [];
    prose(markdown).forEach((text, i) => {
        const withoutCode = text.replace(/`[^`]*`/g, "");
        for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
            const target = match[1];
            if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) {
                links.push({ line: i + 1, target });
            }
        }
    });
    return links;
}

describe("README.md", () => {
    const readme = read("README.md");
    const lines = readme.split("\n");

    test(`is at most ${maxReadmeLines} lines`, () => {
        const count = lines.length - (readme.endsWith("\n") ? 1 : 0);
        assert.ok(count <= maxReadmeLines, `README.md has ${count} lines`);
    });

    test(`shows the plan and test commands within its first ${firstScreen} lines`, () => {
        for (const command of commands) {
            assert.ok(lines.slice(0, firstScreen).some((line) => line.includes(command)), command);
        }
    });

    test("links to every page of docs/", () => {
        const targets = new Set(relativeLinks(readme).map((l) => l.target.split("#")[0]));
        assert.ok(docsPages.length > 0);
        for (const page of docsPages) {
            assert.ok(targets.has(page), `README.md does not link to ${page}`);
        }
    });
});

describe("relative links of the README and docs/", () => {
    test("the slug rules are GitHub's", () => {
        assert.equal(slug("Network line of sight for the role provider"), "network-line-of-sight-for-the-role-provider");
        assert.equal(slug("7. The corp stack: three jobs"), "7-the-corp-stack-three-jobs");
        assert.equal(slug("Private networking: topology and first deploy"), "private-networking-topology-and-first-deploy");
        assert.equal(slug("`vm_size` and `x-y`"), "vm_size-and-x-y");
        assert.deepEqual([...anchors("# A\n## A\n```\n# not a heading\n```\n")], ["a", "a-1"]);
    });

    for (const page of pages) {
        test(`${page}: every relative link leads to a file, and every #anchor to a heading in it`, () => {
            const text = read(page);
            const broken: string[] = [];
            for (const { line, target } of relativeLinks(text)) {
                const [file, anchor] = target.split("#", 2);
                const resolved = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(file)));
                if (resolved.startsWith("../") || !fs.existsSync(path.join(root, resolved))) {
                    broken.push(`${page}:${line}: ${target} (no file ${resolved})`);
                    continue;
                }
                if (anchor !== undefined && anchor !== "") {
                    if (!resolved.endsWith(".md")) {
                        broken.push(`${page}:${line}: ${target} (an anchor into a file that is not Markdown)`);
                    } else if (!anchors(read(resolved)).has(anchor)) {
                        broken.push(`${page}:${line}: ${target} (no heading #${anchor} in ${resolved})`);
                    }
                }
            }
            assert.deepEqual(broken, []);
        });
    }
});
