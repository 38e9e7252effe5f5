/**
 * Earlier releases of the program, for the upgrade tests: the archives in testing/releases/ (its README says
 * how each was made and from which tag), unpacked so the CLI can run them as a project.
 */
import * as childProcess from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./cli";

export const releasesDir = path.join(repoRoot, "testing", "releases");

/**
 * Unpacks release `version` (testing/releases/entra-postgres-<version>.tar.gz) into `into` and returns its
 * directory. Its dependencies are this checkout's node_modules (a symlink: the release's package.json asks for
 * the same runtime packages), so its sources resolve `@pulumi/*`, `pg` and the rest without a network.
 */
export function unpackRelease(version: string, into: string): string {
    const archive = path.join(releasesDir, `entra-postgres-${version}.tar.gz`);
    if (!fs.existsSync(archive)) {
        throw new Error(`No archive of release ${version} in ${releasesDir}: add it as testing/releases/README.md says.`);
    }
    const result = childProcess.spawnSync("tar", ["-xzf", archive, "-C", into], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`tar -xzf ${archive} failed (${result.status}): ${result.stderr}`);
    const dir = path.join(into, `entra-postgres-${version}`);
    for (const entry of ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "components"]) {
        if (!fs.existsSync(path.join(dir, entry))) throw new Error(`Release archive ${archive} has no ${entry} under entra-postgres-${version}/.`);
    }
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}
