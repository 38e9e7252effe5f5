import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

/** What a registry and its readers need from the package before it is published. */
const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, any>;

test("the package can be published: not private, with its license text, repository, issue tracker and home page", () => {
    assert.equal(manifest.private, undefined, "private: true would make npm refuse to publish");
    assert.equal(manifest.license, "Apache-2.0");
    const license = fs.readFileSync(path.join(root, "LICENSE"), "utf8");
    assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
    assert.match(license, /END OF TERMS AND CONDITIONS/);
    assert.match(manifest.repository?.url ?? "", /^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    assert.equal(manifest.bugs?.url, manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, "/issues"));
    assert.equal(manifest.homepage, manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, "#readme"));
});

test("the changelog has an entry for this version that says what an upgrade changes on a deployed stack", () => {
    const changelog = fs.readFileSync(path.join(root, "CHANGELOG.md"), "utf8");
    const entry = changelog.split(/^## /m).find((s) => s.startsWith(`${manifest.version}\n`));
    assert.ok(entry, `CHANGELOG.md has a "## ${manifest.version}" section`);
    assert.match(entry!, /What `pulumi up` changes on a stack deployed with/);
    assert.ok((manifest.files as string[]).includes("CHANGELOG.md"), "the changelog ships with the package");
});

test("npm pack builds once: prepack builds, and nothing else that pack runs builds again", () => {
    const scripts = manifest.scripts as Record<string, string>;
    assert.match(scripts.prepack, /npm run build/);
    for (const hook of ["prepare", "prepublishOnly", "postpack"]) {
        assert.doesNotMatch(scripts[hook] ?? "", /build|tsc/, `${hook} would build a second time`);
    }
});
