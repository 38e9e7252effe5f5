/**
 * Servers created from another server's data: point-in-time restore (`createMode: PointInTimeRestore`) and
 * read replicas (`createMode: Replica`). Real PostgreSQL on both sides: the source's data directory is copied as
 * a base backup (`pg_backup_start`/`pg_backup_stop`, PostgreSQL's low-level base backup, with the WAL written
 * meanwhile), then started as its own server at the new server's address with a certificate for its FQDN:
 *
 * - a restore recovers from that copy and is a read-write server of its own. Where it differs from Azure: Azure
 *   restores the source's backups as of `pointInTimeUTC`; the simulator can offer only the latest point, the
 *   moment of the copy. It checks the point as Azure does (not before the source existed, not in the future)
 *   and restores the source's data as of now (Learn, "Backup and restore": restore to the latest restore point
 *   is one of Azure's options too).
 * - a replica starts in standby mode and streams the primary's WAL (real streaming replication through a
 *   `replication` line in the primary's pg_hba.conf), so it is read-only and serves what the primary writes, as
 *   Learn's "Read replicas" describes. The primary is busy (updating) while the replica is created.
 *
 * Both keep the source's roles, passwords and Entra principals (the data), as Azure's do.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { issueServerCertificate, type KeyPair } from "../../support/pki";
import { azureError, simDir } from "../common";
import { localAddressOf, startPgServer, superuser, type PgServerRecord } from "../pgserver";
import { postgresServerUser } from "../../../testing/pgBinaries";
import { servers } from "./postgres";

const learnBackup = "Microsoft Learn, Backup and restore (backup-restore/concepts-backup-restore.md)";
const learnReplicas = "Microsoft Learn, Read replicas (read-replica/concepts-read-replicas.md)";

/** Whether a Server create is one this module serves. */
export function createsFromSource(inputs: Record<string, any>): boolean {
    return inputs.createMode === "PointInTimeRestore" || inputs.createMode === "Replica";
}

export async function createFromSource(inputs: Record<string, any>, id: string): Promise<void> {
    const sourceId = String(inputs.sourceServerResourceId ?? "");
    const replica = inputs.createMode === "Replica";
    const source = servers.all().find(([other]) => other.toLowerCase() === sourceId.toLowerCase())?.[1];
    if (!source) {
        throw azureError(404, "ResourceNotFound", `The source server ${sourceId} of the ${inputs.createMode} was not found.`, replica ? learnReplicas : learnBackup);
    }
    if (!replica) {
        checkPointInTime(String(inputs.pointInTimeUTC ?? ""), source);
    }
    const fqdn = `${inputs.serverName}.postgres.database.azure.com`;
    const ip = await localAddressOf(fqdn);
    const base = path.join(simDir(), "servers", inputs.serverName);
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(base, { recursive: true, mode: 0o755 });
    const dataDir = path.join(base, "data");
    if (replica) await allowReplication(source);
    await baseBackup(source, dataDir);

    const ca: KeyPair = { certPem: fs.readFileSync(path.join(simDir(), "ca.crt"), "utf8"), keyPem: fs.readFileSync(path.join(simDir(), "ca.key"), "utf8") };
    const tls = issueServerCertificate(ca, fqdn, ip);
    fs.writeFileSync(path.join(dataDir, "server.crt"), tls.certPem, { mode: 0o644 });
    fs.writeFileSync(path.join(dataDir, "server.key"), tls.keyPem, { mode: 0o600 });
    // Later lines win: the copy's own address is the new server's.
    fs.appendFileSync(path.join(dataDir, "postgresql.conf"), `\n# ${inputs.createMode} of ${sourceId}\nlisten_addresses = '${ip}'\n`);
    if (replica) {
        fs.writeFileSync(path.join(dataDir, "standby.signal"), "");
        // TLS verified against the test CA; no client certificate (libpq would look in the invoking user's home).
        const conninfo = [
            `host=${source.fqdn} hostaddr=${source.ip} port=${source.port} user=postgres password=${source.superuserPassword}`,
            `sslmode=verify-full sslrootcert=${path.join(simDir(), "ca.crt")} sslcert=${path.join(base, "none.crt")} sslkey=${path.join(base, "none.key")}`,
            `application_name=${inputs.serverName}`,
        ].join(" ");
        fs.appendFileSync(path.join(dataDir, "postgresql.auto.conf"), `primary_conninfo = '${conninfo.replace(/'/g, "''")}'\nhot_standby = on\n`);
    }
    chownTree(base);
    const record: PgServerRecord = { fqdn, ip, port: 5432, dataDir, superuserPassword: source.superuserPassword };
    await startPgServer(record);
    servers.put(id, record);
}

/** Azure restores between the source's earliest restore point and now; the simulator's earliest is the source's creation. */
function checkPointInTime(pointInTime: string, source: PgServerRecord): void {
    const at = Date.parse(pointInTime);
    const created = fs.statSync(path.join(source.dataDir, "PG_VERSION")).mtimeMs;
    if (Number.isNaN(at)) {
        throw azureError(400, "InvalidParameterValue", `pointInTimeUTC "${pointInTime}" is not an ISO 8601 date-time.`, learnBackup);
    }
    if (at > Date.now() + 60_000) {
        throw azureError(400, "InvalidParameterValue", `pointInTimeUTC ${pointInTime} is in the future; restore to a point within the source's retention.`, learnBackup);
    }
    if (at < created - 60_000) {
        throw azureError(400, "InvalidParameterValue", `pointInTimeUTC ${pointInTime} is before the earliest restore point of the source (${new Date(created).toISOString()}).`, learnBackup);
    }
}

/** A `replication` line in the primary's pg_hba.conf (TLS, SCRAM, loopback as every simulated server), reloaded. */
async function allowReplication(source: PgServerRecord): Promise<void> {
    const hba = path.join(source.dataDir, "pg_hba.conf");
    const line = "hostssl replication postgres 127.0.0.0/8 scram-sha-256";
    const text = fs.readFileSync(hba, "utf8");
    if (!text.includes(line)) {
        // Before the final reject line: the first matching line decides.
        fs.writeFileSync(hba, text.replace(/^host\s+all\s+all\s+all\s+reject$/m, `${line}\n$&`));
        await superuser(source, "postgres", async (c) => void (await c.query("select pg_reload_conf()")));
    }
}

/** PostgreSQL's low-level base backup of a running server: start, copy the files, stop, then the WAL and the label. */
async function baseBackup(source: PgServerRecord, target: string): Promise<void> {
    const skip = new Set(["postmaster.pid", "postmaster.opts", "standby.signal", "recovery.signal"]);
    const skipDirs = new Set(["pg_wal", "pg_replslot", "pg_stat_tmp"]);
    await superuser(source, "postgres", async (c) => {
        await c.query("select pg_backup_start($1, true)", [`entra-e2e ${crypto.randomUUID()}`]);
        fs.cpSync(source.dataDir, target, {
            recursive: true,
            filter: (from) => {
                const rel = path.relative(source.dataDir, from);
                const [first] = rel.split(path.sep);
                if (skip.has(rel)) return false;
                return !(skipDirs.has(first) && rel !== first);
            },
        });
        const { rows } = await c.query<{ labelfile: string }>("select labelfile from pg_backup_stop(false)");
        fs.cpSync(path.join(source.dataDir, "pg_wal"), path.join(target, "pg_wal"), { recursive: true, filter: (from) => !from.includes(`${path.sep}archive_status${path.sep}`) });
        fs.writeFileSync(path.join(target, "backup_label"), rows[0].labelfile);
    });
    fs.chmodSync(target, 0o700);
}

function chownTree(dir: string): void {
    const user = postgresServerUser();
    if (!user) return;
    const walk = (p: string) => {
        fs.chownSync(p, user.uid, user.gid);
        if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    };
    walk(dir);
}
