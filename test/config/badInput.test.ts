import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError } from "../../components/config";
import { runStack } from "../../testing/program";

/**
 * Every invalid setting is refused before any resource is declared, with a message that names the key and
 * the fix. Each case edits a shipped stack's settings and runs the real program under mocks.
 */
interface BadCase {
    title: string;
    stack: "dev" | "prod";
    change: (c: Record<string, any>) => void;
    /** The full key the message must name. */
    key: string;
    /** Words of the fix (or the reason) the message must contain. */
    says: RegExp;
}

const cases: BadCase[] = [
    {
        title: "entra-only with no admins is a lockout",
        stack: "prod",
        change: (c) => { c.admins = []; },
        key: "entra-postgres:admins",
        says: /lockout.*Add at least one Entra admin/,
    },
    {
        title: "deployer not among admins",
        stack: "prod",
        change: (c) => { c.deployer = "someone-else"; },
        key: "entra-postgres:deployer",
        says: /not among entra-postgres:admins/,
    },
    {
        title: "deployer differing only in case",
        stack: "prod",
        change: (c) => { c.deployer = "Platform-Deployer"; },
        key: "entra-postgres:deployer",
        says: /case sensitive: did you mean "platform-deployer"/,
    },
    {
        title: "malformed admin object id",
        stack: "prod",
        change: (c) => { c.admins[1].objectId = "1d6e9f32-5b4c-4d8e-af90"; },
        key: "entra-postgres:admins[1].objectId",
        says: /is not a GUID/,
    },
    {
        title: "malformed tenant id",
        stack: "prod",
        change: (c) => { c.tenantId = "contoso.onmicrosoft.com"; },
        key: "entra-postgres:tenantId",
        says: /is not a GUID/,
    },
    {
        title: "malformed principal object id",
        stack: "prod",
        change: (c) => { c.principals[0].objectId = "not-a-guid"; },
        key: "entra-postgres:principals[0].objectId",
        says: /is not a GUID/,
    },
    {
        title: "unknown admin type",
        stack: "prod",
        change: (c) => { c.admins[1].type = "SecurityGroup"; },
        key: "entra-postgres:admins[1].type",
        says: /is not one of User, Group, ServicePrincipal/,
    },
    {
        title: "admin type in the wrong case is named with the right one",
        stack: "prod",
        change: (c) => { c.admins[1].type = "group"; },
        key: "entra-postgres:admins[1].type",
        says: /Did you mean "Group"/,
    },
    {
        title: "unknown principal type",
        stack: "prod",
        change: (c) => { c.principals[0].type = "managedIdentity"; },
        key: "entra-postgres:principals[0].type",
        says: /is not one of user, group, service/,
    },
    {
        title: "mixed auth without administratorLogin",
        stack: "dev",
        change: (c) => { delete c.administratorLogin; },
        key: "entra-postgres:administratorLogin",
        says: /is required.*mixed auth needs one/,
    },
    {
        title: "administratorLogin with entra-only auth",
        stack: "prod",
        change: (c) => { c.administratorLogin = "pgowner"; },
        key: "entra-postgres:administratorLogin",
        says: /only used with auth: mixed/,
    },
    ...["azure_superuser", "azure_pg_admin", "admin", "Administrator", "root", "guest", "public", "pg_owner"].map((login): BadCase => ({
        title: `reserved login ${login}`,
        stack: "dev",
        change: (c) => { c.administratorLogin = login; },
        key: "entra-postgres:administratorLogin",
        says: /is reserved.*Choose another name/,
    })),
    {
        title: "reserved name for a principal",
        stack: "prod",
        change: (c) => { c.principals[0].name = "pg_monitor"; },
        key: "entra-postgres:principals[0].name",
        says: /is reserved/,
    },
    ...["Entra-Postgres", "ab", "-entra-pg", "entra-pg-", "entra_pg", "a".repeat(64)].map((name): BadCase => ({
        title: `server name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}`,
        stack: "prod",
        change: (c) => { c.server.name = name; },
        key: "entra-postgres:server.name",
        says: /3–63 characters of lowercase letters, digits and hyphens/,
    })),
    {
        title: "role name over 63 bytes (multi-byte characters count as bytes)",
        stack: "prod",
        change: (c) => { c.principals[0].name = "Équipe données de production — accès en lecture seule — équipe"; }, // 62 characters, 70 bytes
        key: "entra-postgres:principals[0].name",
        says: /is 70 bytes; PostgreSQL role names are at most 63 bytes/,
    },
    {
        title: "admin name over 63 bytes",
        stack: "prod",
        change: (c) => { c.admins[1].name = "x".repeat(64); },
        key: "entra-postgres:admins[1].name",
        says: /64 bytes/,
    },
    {
        title: "duplicate admins",
        stack: "prod",
        change: (c) => { c.admins.push({ ...c.admins[1] }); },
        key: "entra-postgres:admins[2].name",
        says: /already used by entra-postgres:admins\[1\]\.name/,
    },
    {
        title: "duplicate principals",
        stack: "prod",
        change: (c) => { c.principals.push({ ...c.principals[0] }); },
        key: "entra-postgres:principals[1].name",
        says: /already used by entra-postgres:principals\[0\]\.name/,
    },
    {
        title: "the same object id as admin and principal",
        stack: "prod",
        change: (c) => { c.principals[0].objectId = c.admins[1].objectId; },
        key: "entra-postgres:principals[0].objectId",
        says: /either an admin or an ordinary role/,
    },
    {
        title: "a principal named like the VM",
        stack: "prod",
        change: (c) => { c.principals[0].name = c.vm.name; c.principals[0].objectId = undefined; },
        key: "entra-postgres:vm.name",
        says: /rename the VM/,
    },
    {
        title: "allow-all firewall range as CIDR",
        stack: "dev",
        change: (c) => { c.network.allowedIps = ["0.0.0.0/0"]; },
        key: "entra-postgres:network.allowedIps[0]",
        says: /internet at large/,
    },
    {
        title: "allow-all firewall range as start-end",
        stack: "dev",
        change: (c) => { c.network.allowedIps = ["203.0.113.10", "0.0.0.0-255.255.255.255"]; },
        key: "entra-postgres:network.allowedIps[1]",
        says: /internet at large/,
    },
    {
        title: "internet-wide range that does not start at zero",
        stack: "dev",
        change: (c) => { c.network.allowedIps = ["20.0.0.0/8"]; },
        key: "entra-postgres:network.allowedIps[0]",
        says: /over 65,536 addresses/,
    },
    {
        title: "the all-Azure-services rule without the opt-in",
        stack: "dev",
        change: (c) => { c.network.allowedIps = ["0.0.0.0"]; },
        key: "entra-postgres:network.allowedIps[0]",
        says: /set network\.allowAzureServices: true/,
    },
    {
        title: "malformed firewall address",
        stack: "dev",
        change: (c) => { c.network.allowedIps = ["203.0.113.300"]; },
        key: "entra-postgres:network.allowedIps[0]",
        says: /is not an IPv4 address, CIDR/,
    },
    {
        title: "allowedIps with private access",
        stack: "prod",
        change: (c) => { c.network.allowedIps = ["203.0.113.10"]; },
        key: "entra-postgres:network.allowedIps",
        says: /network\.access is private.*Remove allowedIps or set network\.access to public/,
    },
    {
        title: "overlapping subnets",
        stack: "prod",
        change: (c) => { c.network.vmSubnet = "10.40.1.128/25"; },
        key: "entra-postgres:network.vmSubnet",
        says: /overlaps network\.serverSubnet 10\.40\.1\.0\/24/,
    },
    {
        title: "subnet outside the address space",
        stack: "prod",
        change: (c) => { c.network.serverSubnet = "10.41.1.0/24"; },
        key: "entra-postgres:network.serverSubnet",
        says: /outside network\.addressSpace 10\.40\.0\.0\/16/,
    },
    {
        title: "subnet prefix that is not a network address",
        stack: "prod",
        change: (c) => { c.network.serverSubnet = "10.40.1.5/24"; },
        key: "entra-postgres:network.serverSubnet",
        says: /not a valid IPv4 prefix/,
    },
    {
        title: "delegated subnet smaller than /28",
        stack: "prod",
        change: (c) => { c.network.serverSubnet = "10.40.1.0/29"; },
        key: "entra-postgres:network.serverSubnet",
        says: /needs at least a \/28/,
    },
    {
        title: "backup retention below 7 days",
        stack: "prod",
        change: (c) => { c.server.backupRetentionDays = 6; },
        key: "entra-postgres:server.backupRetentionDays",
        says: /6 is outside 7–35/,
    },
    {
        title: "backup retention above 35 days",
        stack: "prod",
        change: (c) => { c.server.backupRetentionDays = 36; },
        key: "entra-postgres:server.backupRetentionDays",
        says: /36 is outside 7–35/,
    },
    {
        title: "high availability on Burstable",
        stack: "dev",
        change: (c) => { c.server.highAvailability = "ZoneRedundant"; },
        key: "entra-postgres:server.highAvailability",
        says: /not available on the Burstable tier/,
    },
    {
        title: "missing SSH key",
        stack: "prod",
        change: (c) => { delete c.vm.sshPublicKey; },
        key: "entra-postgres:vm.sshPublicKey",
        says: /SSH keys only.*public key/,
    },
    {
        title: "a private key pasted as the SSH key",
        stack: "prod",
        change: (c) => { c.vm.sshPublicKey = "-----BEGIN OPENSSH PRIVATE KEY-----"; },
        key: "entra-postgres:vm.sshPublicKey",
        says: /not an OpenSSH public key/,
    },
    ...["10", "12", "19", "17.2"].map((version): BadCase => ({
        title: `PostgreSQL version ${version}`,
        stack: "prod",
        change: (c) => { c.server.version = version; },
        key: "entra-postgres:server.version",
        says: /not offered by Azure Flexible Server. Use one of 13, 14, 15, 16, 17, 18/,
    })),
    {
        title: "unknown top-level key (admin for admins)",
        stack: "prod",
        change: (c) => { c.admin = c.admins; },
        key: "entra-postgres:admin",
        says: /unknown key "admin". Did you mean "admins" \(entra-postgres:admins\)/,
    },
    {
        title: "unknown nested key (server.storageGB)",
        stack: "prod",
        change: (c) => { c.server.storageGB = 256; },
        key: "entra-postgres:server.storageGB",
        says: /Did you mean "storageGb" \(entra-postgres:server\.storageGb\)/,
    },
    {
        title: "unknown key in an admin entry",
        stack: "prod",
        change: (c) => { c.admins[0].objectID = c.admins[0].objectId; },
        key: "entra-postgres:admins[0].objectID",
        says: /Did you mean "objectId"/,
    },
    {
        title: "unknown key in network",
        stack: "dev",
        change: (c) => { c.network.allowedIPs = c.network.allowedIps; },
        key: "entra-postgres:network.allowedIPs",
        says: /Did you mean "allowedIps"/,
    },
    {
        title: "overriding a parameter Azure keeps read-only",
        stack: "prod",
        change: (c) => { c.server.parameters = { log_timezone: "Europe/Paris" }; },
        key: "entra-postgres:server.parameters.log_timezone",
        says: /read-only on Azure Database for PostgreSQL flexible server \(always UTC\)/,
    },
    {
        title: "storage size Azure does not offer",
        stack: "prod",
        change: (c) => { c.server.storageGb = 100; },
        key: "entra-postgres:server.storageGb",
        says: /not a Flexible Server storage size/,
    },
    {
        title: "unknown cloud",
        stack: "prod",
        change: (c) => { c.cloud = "germany"; },
        key: "entra-postgres:cloud",
        says: /is not one of public, usgov, china/,
    },
    {
        title: "missing location",
        stack: "prod",
        change: (c) => { delete c.location; },
        key: "entra-postgres:location",
        says: /pulumi config set entra-postgres:location/,
    },
    {
        title: "access to a database that is not declared",
        stack: "prod",
        change: (c) => { c.principals[0].access = [{ database: "billing", level: "read" }]; },
        key: "entra-postgres:principals[0].access[0].database",
        says: /"billing" is not in entra-postgres:databases \(app\)/,
    },
    {
        title: "unknown access level",
        stack: "prod",
        change: (c) => { c.vm.access = [{ database: "app", level: "owner" }]; },
        key: "entra-postgres:vm.access[0].level",
        says: /is not one of read, write, admin/,
    },
    {
        title: "reserved database name",
        stack: "prod",
        change: (c) => { c.databases = ["app", "postgres"]; },
        key: "entra-postgres:databases[1]",
        says: /reserved/,
    },
];

describe("bad input is refused before any resource is declared", () => {
    for (const badCase of cases) {
        test(badCase.title, async () => {
            const run = await runStack(badCase.stack, badCase.change);
            assert.ok(run.error instanceof ConfigError, `expected a ConfigError, got ${String(run.error)}`);
            const message = (run.error as ConfigError).message;
            const problem = (run.error as ConfigError).problems.find((p) => p.key === badCase.key);
            assert.ok(problem, `no problem names ${badCase.key}; message was:\n${message}`);
            assert.match(problem.message, badCase.says);
            assert.ok(message.includes(`${badCase.key}: `), "the key is named in the error message");
            assert.deepEqual(run.resources.map((r) => r.type), [], "nothing was registered");
        });
    }

    test("every problem of a config is reported at once", async () => {
        const run = await runStack("prod", (c: Record<string, any>) => {
            c.server.backupRetentionDays = 3;
            c.tenantId = "x";
            c.admin = [];
        });
        assert.ok(run.error instanceof ConfigError);
        assert.deepEqual(
            (run.error as ConfigError).problems.map((p) => p.key).sort(),
            ["entra-postgres:admin", "entra-postgres:server.backupRetentionDays", "entra-postgres:tenantId"],
        );
        assert.match((run.error as ConfigError).message, /^Invalid stack configuration \(3 problems\):/);
        assert.equal(run.resources.length, 0);
    });
});
