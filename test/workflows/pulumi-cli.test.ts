import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { repoRoot, scriptsDir } from "./workflow-files";

/**
 * .github/scripts/install-pulumi-cli.sh as a job runs it, with `curl` replaced by one that serves local files for the
 * two URLs it must ask for (the archive from get.pulumi.com, the checksums from the GitHub release).
 */

const version = fs.readFileSync(path.join(repoRoot, ".github", "pulumi-version"), "utf8").trim();
const platform = process.arch === "arm64" ? "linux-arm64" : "linux-x64";
const archive = `pulumi-v${version}-${platform}.tar.gz`;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

interface Served {
    /** What `pulumi version` prints in the archive. */
    printed?: string;
    /** The checksum line for the archive: its own SHA-256, another one, or none. */
    checksum?: "right" | "wrong" | "missing";
}

function run(served: Served = {}): { status: number | null; output: string; path: string; urls: string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
    dirs.push(dir);
    const build = path.join(dir, "build", "pulumi");
    fs.mkdirSync(build, { recursive: true });
    fs.writeFileSync(path.join(build, "pulumi"), `#!/usr/bin/env bash\necho '${served.printed ?? `v${version}`}'\n`, { mode: 0o755 });
    const servedDir = path.join(dir, "served");
    fs.mkdirSync(servedDir);
    spawnSync("tar", ["-czf", path.join(servedDir, archive), "-C", path.join(dir, "build"), "pulumi"]);
    const sha = crypto.createHash("sha256").update(fs.readFileSync(path.join(servedDir, archive))).digest("hex");
    const lines = [`${"0".repeat(64)}  pulumi-v${version}-windows-x64.zip`];
    if (served.checksum !== "missing") lines.push(`${served.checksum === "wrong" ? "f".repeat(64) : sha}  ${archive}`);
    fs.writeFileSync(path.join(servedDir, `pulumi-${version}-checksums.txt`), `${lines.join("\n")}\n`);
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "curl"), [
        "#!/usr/bin/env bash",
        `echo "\${@: -1}" >> "${dir}/urls"`,
        'while [ $# -gt 1 ]; do if [ "$1" = "-o" ]; then out="$2"; shift; fi; shift; done',
        `cp "${servedDir}/$(basename "$1")" "$out"`,
        "",
    ].join("\n"), { mode: 0o755 });
    const githubPath = path.join(dir, "github-path");
    fs.writeFileSync(githubPath, "");
    const result = spawnSync("bash", [path.join(scriptsDir, "install-pulumi-cli.sh")], {
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: path.join(dir, "runner-temp"), GITHUB_PATH: githubPath },
    });
    return {
        status: result.status,
        output: result.stdout + result.stderr,
        path: fs.readFileSync(githubPath, "utf8").trim(),
        urls: fs.existsSync(path.join(dir, "urls")) ? fs.readFileSync(path.join(dir, "urls"), "utf8").trim().split("\n") : [],
    };
}

describe("install-pulumi-cli.sh", () => {
    it("installs the pinned version into the job's own directory when the release's checksum matches", () => {
        const r = run();
        assert.equal(r.status, 0, r.output);
        assert.deepEqual(r.urls, [
            `https://get.pulumi.com/releases/sdk/${archive}`,
            `https://github.com/pulumi/pulumi/releases/download/v${version}/pulumi-${version}-checksums.txt`,
        ]);
        assert.match(r.path, new RegExp(`/runner-temp/pulumi-cli-${version.replace(/\./g, "\\.")}$`));
        assert.ok(fs.existsSync(path.join(r.path, "pulumi")));
        assert.match(r.output, new RegExp(`Pulumi CLI v${version.replace(/\./g, "\\.")} from ${archive.replace(/\./g, "\\.")} \\(SHA-256 [0-9a-f]{64}`));
    });

    it("refuses an archive whose SHA-256 is not the release's, or that the checksums do not list, and puts nothing on PATH", () => {
        for (const checksum of ["wrong", "missing"] as const) {
            const r = run({ checksum });
            assert.notEqual(r.status, 0, checksum);
            assert.match(r.output, checksum === "wrong" ? /has SHA-256 [0-9a-f]{64}, but the release's .* says f{64}\. Not installed\./ : /lists no SHA-256 for/);
            assert.equal(r.path, "", checksum);
        }
    });

    it("refuses a binary that reports another version", () => {
        const r = run({ printed: "v3.1.0" });
        assert.notEqual(r.status, 0);
        assert.match(r.output, new RegExp(`reports 'v3\\.1\\.0', not v${version.replace(/\./g, "\\.")}`));
        assert.equal(r.path, "");
    });
});
