/**
 * What the end-to-end harness needs from the machine, checked before anything starts, each failure saying what
 * is missing and how to get it: root (the harness edits /etc/hosts and serves the simulated Azure on port 443),
 * a `postgres` user to run the servers as, the locale `en_US.utf8` (Azure's collation, which databases are
 * created with; `.ci/run` compiles it), and PostgreSQL binaries that user can run (testing/pgBinaries.ts).
 */
import * as childProcess from "child_process";
import { postgresBinaries, postgresServerUser } from "../../testing/pgBinaries";

export function preflight(): void {
    const problems: string[] = [];
    if (process.getuid?.() !== 0) {
        problems.push("run as root: the harness maps the simulated servers' names in /etc/hosts and serves the simulated Azure Resource Manager on port 443 (sudo npm run test:e2e).");
    }
    const locales = childProcess.spawnSync("locale", ["-a"], { encoding: "utf8" });
    if (locales.error || !/^en_US\.utf-?8$/im.test(locales.stdout ?? "")) {
        problems.push("the locale en_US.utf8 is not compiled on this machine (databases are created with Azure's collation en_US.utf8): localedef -i en_US -f UTF-8 en_US.UTF-8 (apt-get install locales first where localedef is missing; .ci/run does both).");
    }
    if (problems.length === 0) {
        try {
            postgresServerUser();
            postgresBinaries();
        } catch (e) {
            problems.push((e as Error).message);
        }
    }
    if (problems.length > 0) {
        throw new Error(`The end-to-end tests cannot run on this machine:\n- ${problems.join("\n- ")}`);
    }
}
