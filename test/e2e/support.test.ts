import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { cachedBinaries, checkBinaries, ensureCli, hostHash, lockedPulumiVersion, recordBinaries } from "../../e2e/support/cli";
import { markerRun, replaceFileText, runIsLive } from "../../e2e/support/world";

/** The end-to-end harness's own safety: the cached CLI it runs, and the hosts file it edits. */

const root = path.resolve(__dirname, "..", "..");
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const temp = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
};

function fakeCache(): { cache: string; binDir: string } {
    const cache = temp("cli-cache-");
    const binDir = path.join(cache, `pulumi-${lockedPulumiVersion()}`);
    fs.mkdirSync(binDir);
    fs.writeFileSync(path.join(binDir, "built-version"), `${lockedPulumiVersion()}\n`);
    for (const name of cachedBinaries) fs.writeFileSync(path.join(binDir, name), `#!/bin/sh\necho ${name}\n`, { mode: 0o755 });
    // Built from this tree's language host sources: nothing is rebuilt, everything is reused.
    fs.writeFileSync(path.join(binDir, "language-host.sha256"), `${hostHash()}\n`);
    return { cache, binDir };
}

describe("the cached Pulumi CLI", () => {
    it("records the SHA-256 of each binary and finds any that changed, went missing or was added", () => {
        const { binDir } = fakeCache();
        assert.equal(checkBinaries(binDir), undefined, "no record yet");
        recordBinaries(binDir);
        assert.deepEqual(checkBinaries(binDir), []);
        fs.writeFileSync(path.join(binDir, "pulumi"), "#!/bin/sh\necho planted\n");
        fs.rmSync(path.join(binDir, "pulumi-analyzer-policy"));
        const problems = checkBinaries(binDir)!;
        assert.equal(problems.length, 2);
        assert.match(problems[0], /^pulumi has SHA-256 [0-9a-f]{64}, not the recorded [0-9a-f]{64}$/);
        assert.equal(problems[1], "pulumi-analyzer-policy is recorded but missing");
    });

    it("refuses a cache whose binary changed since it was built, before running it, with the fix", () => {
        const { cache, binDir } = fakeCache();
        recordBinaries(binDir);
        const saved = process.env.ENTRA_POSTGRES_CACHE;
        process.env.ENTRA_POSTGRES_CACHE = cache;
        try {
            for (const name of ["pulumi-language-nodejs", "pulumi"]) {
                const original = fs.readFileSync(path.join(binDir, name));
                fs.appendFileSync(path.join(binDir, name), "# changed\n");
                assert.throws(() => ensureCli(() => undefined), new RegExp(`The cached Pulumi CLI in .* is not what was built there \\(${name} has SHA-256 .*\\)\\. Delete .*pulumi-${lockedPulumiVersion().replace(/\./g, "\\.")} to build it again\\.`));
                fs.writeFileSync(path.join(binDir, name), original);
            }
        } finally {
            if (saved === undefined) delete process.env.ENTRA_POSTGRES_CACHE;
            else process.env.ENTRA_POSTGRES_CACHE = saved;
        }
    });
});

describe("the hosts file", () => {
    it("is replaced whole by a rename: a reader sees the old text or the new one", () => {
        const file = path.join(temp("hosts-"), "hosts");
        fs.writeFileSync(file, "127.0.0.1 localhost\n", { mode: 0o644 });
        const before = fs.statSync(file).ino;
        assert.equal(replaceFileText(file, "127.0.0.1 localhost\n127.9.9.1 pg.example # entra-postgres e2e x\n"), "renamed");
        assert.notEqual(fs.statSync(file).ino, before, "a new file took its place");
        assert.equal(fs.statSync(file).mode & 0o777, 0o644);
        assert.deepEqual(fs.readdirSync(path.dirname(file)), ["hosts"], "no temporary file is left");
    });

    it("a bind-mounted file that cannot be renamed over (EBUSY) is rewritten in place, never left empty or short", () => {
        const file = path.join(temp("hosts-"), "hosts");
        fs.writeFileSync(file, "127.0.0.1 localhost\n127.9.9.1 pg.example # entra-postgres e2e x\n");
        const before = fs.statSync(file).ino;
        const busy = () => {
            throw Object.assign(new Error("EBUSY: resource busy or locked, rename"), { code: "EBUSY" });
        };
        assert.equal(replaceFileText(file, "127.0.0.1 localhost\n", busy), "in place");
        assert.equal(fs.readFileSync(file, "utf8"), "127.0.0.1 localhost\n");
        assert.equal(fs.statSync(file).ino, before);
        assert.deepEqual(fs.readdirSync(path.dirname(file)), ["hosts"]);
        const denied = () => {
            throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
        };
        assert.throws(() => replaceFileText(file, "x", denied), /ENOSPC/, "any other failure is not hidden");
    });

    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        it(`an interrupted run (${signal}) takes its entries out and still ends by the signal`, () => {
            const file = path.join(temp("hosts-"), "hosts");
            fs.writeFileSync(file, "127.0.0.1 localhost\n");
            const script = [
                `const { World } = require(${JSON.stringify(path.join(root, "e2e", "support", "world"))});`,
                `const world = new World({ binDir: "/nonexistent", version: "0" });`,
                `world.addHosts(["pg-a.postgres.database.azure.com", "pg-b.postgres.database.azure.com"]);`,
                `process.stdout.write(world.simDir + "\\n" + require("fs").readFileSync(${JSON.stringify(file)}, "utf8"));`,
                `setTimeout(() => process.kill(process.pid, ${JSON.stringify(signal)}), 50);`,
                `setTimeout(() => {}, 10000);`,
            ].join("\n");
            const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, ENTRA_E2E_HOSTS_FILE: file } });
            const [simDir, ...during] = r.stdout.split("\n");
            dirs.push(simDir);
            assert.equal(r.signal, signal, r.stderr);
            assert.equal(during.filter((l) => l.includes("# entra-postgres e2e")).length, 2, "the entries were there while it ran");
            assert.equal(fs.readFileSync(file, "utf8"), "127.0.0.1 localhost\n");
        });
    }
});

describe("runs that map the same host names take turns", () => {
    it("reads the run a hosts line belongs to, and nothing from other lines", () => {
        assert.equal(markerRun("127.1.2.1 entra-postgres-dev.postgres.database.azure.com # entra-postgres e2e entra-e2e-AbC123"), "entra-e2e-AbC123");
        assert.equal(markerRun("127.0.0.1 localhost"), undefined);
    });

    it("a run is live while its simulation directory exists and its process runs; a dead or vanished one is stale", () => {
        const dir = temp("entra-e2e-");
        const run = path.basename(dir);
        assert.equal(runIsLive(run), true, "a directory without an owner file (an older harness) counts as live");
        fs.writeFileSync(path.join(dir, "owner.pid"), String(process.pid));
        assert.equal(runIsLive(run), true);
        const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
        fs.writeFileSync(path.join(dir, "owner.pid"), dead.stdout);
        assert.equal(runIsLive(run), false, "its process is gone");
        fs.rmSync(dir, { recursive: true });
        assert.equal(runIsLive(run), false, "its directory is gone");
    });
});
