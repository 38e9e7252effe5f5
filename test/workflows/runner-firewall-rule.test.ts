import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { scriptsDir } from "./workflow-files";

/**
 * The firewall script runs for real against stand-ins for the `pulumi`, `az` and `curl` commands: each records
 * its arguments, and answers from environment variables the test sets.
 */
const stubs = fs.mkdtempSync(path.join(os.tmpdir(), "firewall-stubs-"));
const stub = (name: string, body: string) =>
    fs.writeFileSync(path.join(stubs, name), `#!/usr/bin/env bash\necho "${name} $*" >>"$CALLS"\n${body}\n`, { mode: 0o755 });
stub(
    "pulumi",
    `case "$1 $2" in
  "stack output") [ -n "\${FAKE_PULUMI_FAIL:-}" ] && { echo "error: no stack named $5" >&2; exit 255; }; printf '%s' "\${FAKE_OUTPUTS:-{\\}}" ;;
  "stack export") printf '%s' "\${FAKE_STATE:-{\\}}" ;;
  *) exit 99 ;;
esac`,
);
stub("az", `[ "$4" = show ] && exit "\${FAKE_AZ_SHOW_EXIT:-0}"
exit "\${FAKE_AZ_EXIT:-0}"`);
stub("curl", `printf '%s' "\${FAKE_IP:-203.0.113.7}"`);

after(() => fs.rmSync(stubs, { recursive: true, force: true }));

interface Run {
    status: number | null;
    stdout: string;
    calls: string[];
    output: string;
    env: string;
}

function run(mode: string, env: Record<string, string>): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "firewall-run-"));
    const files = { CALLS: "calls", GITHUB_OUTPUT: "output", GITHUB_ENV: "env" };
    for (const file of Object.values(files)) {
        fs.writeFileSync(path.join(dir, file), "");
    }
    try {
        const result = spawnSync("bash", [path.join(scriptsDir, "runner-firewall-rule.sh"), mode], {
            encoding: "utf8",
            env: {
                PATH: `${stubs}:${process.env.PATH}`,
                CALLS: path.join(dir, files.CALLS),
                GITHUB_OUTPUT: path.join(dir, files.GITHUB_OUTPUT),
                GITHUB_ENV: path.join(dir, files.GITHUB_ENV),
                ...env,
            },
        });
        const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
        return {
            status: result.status,
            stdout: result.stdout + result.stderr,
            calls: read(files.CALLS).split("\n").filter(Boolean),
            output: read(files.GITHUB_OUTPUT),
            env: read(files.GITHUB_ENV),
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const open = { STACK: "acme/dev", RULE_NAME: "gh-runner-42-1" };
const outputs = JSON.stringify({ serverName: "pg-dev", resourceGroupName: "rg-dev", other: 1 });
const serverResource = (name: string, extra: object = {}) => ({
    urn: `urn:pulumi:dev::entra-postgres::azure-native:dbforpostgresql:Server::${name}`,
    type: "azure-native:dbforpostgresql:Server",
    id: `/subscriptions/0000/resourceGroups/rg-${name}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`,
    ...extra,
});
const state = (...resources: object[]) => JSON.stringify({ version: 3, deployment: { resources } });

describe("runner-firewall-rule.sh", () => {
    it("opens a rule for the runner's address on the stack's server and records it", () => {
        const r = run("open", { ...open, FAKE_OUTPUTS: outputs });
        assert.equal(r.status, 0, r.stdout);
        assert.deepEqual(r.calls, [
            "pulumi stack output --json --stack acme/dev",
            "curl -fsS --retry 3 --max-time 20 https://api.ipify.org",
            "az postgres flexible-server firewall-rule create --resource-group rg-dev --name pg-dev --rule-name gh-runner-42-1 " +
                "--start-ip-address 203.0.113.7 --end-ip-address 203.0.113.7 --output none",
        ]);
        assert.equal(r.output, "opened=true\n");
        assert.equal(r.env, "RUNNER_FIREWALL_RULE=rg-dev/pg-dev/gh-runner-42-1\n");
    });


    it("does nothing before the first deploy, when the stack has no server", () => {
        const r = run("open", { ...open, FAKE_OUTPUTS: "{}", FAKE_STATE: state() });
        assert.equal(r.status, 0, r.stdout);
        assert.deepEqual(r.calls, ["pulumi stack output --json --stack acme/dev", "pulumi stack export --stack acme/dev"]);
        assert.equal(r.output, "opened=false\n");
        assert.equal(r.env, "");
        assert.match(r.stdout, /::notice::Stack acme\/dev has no server yet/);
    });

    it("finds the server in the state when a first deploy created it but wrote no outputs", () => {
        const r = run("open", { ...open, FAKE_OUTPUTS: "{}", FAKE_STATE: state(serverResource("pg-new")) });
        assert.equal(r.status, 0, r.stdout);
        assert.match(r.calls[3], /firewall-rule create --resource-group rg-pg-new --name pg-new --rule-name gh-runner-42-1 /);
        assert.equal(r.output, "opened=true\n");
    });

    it("stops, instead of reading 'no server', when Pulumi cannot read the stack", () => {
        const r = run("open", { ...open, FAKE_PULUMI_FAIL: "1" });
        assert.notEqual(r.status, 0);
        assert.deepEqual(r.calls, ["pulumi stack output --json --stack acme/dev"]);
        assert.equal(r.output, "");
    });

    it("refuses an answer that is not an IPv4 address", () => {
        const r = run("open", { ...open, FAKE_OUTPUTS: outputs, FAKE_IP: "<html>rate limited</html>" });
        assert.equal(r.status, 1);
        assert.ok(!r.calls.some((c) => c.startsWith("az ")), "no rule may be created");
        assert.match(r.stdout, /Could not read this runner's public IPv4 address/);
    });

    it("records the rule before asking Azure to create it, so a cancelled or failed create is still cleaned up", () => {
        const r = run("open", { ...open, FAKE_OUTPUTS: outputs, FAKE_AZ_EXIT: "1" });
        assert.notEqual(r.status, 0);
        assert.equal(r.env, "RUNNER_FIREWALL_RULE=rg-dev/pg-dev/gh-runner-42-1\n", "recorded although the create failed");
        assert.equal(r.output, "", "not reported as opened");
    });

    it("the record is written before the create command runs", () => {
        // The stand-in for az reads the recorded file while it "creates" the rule, as a cancellation would find it.
        const r = run("open", { ...open, FAKE_OUTPUTS: outputs });
        assert.equal(r.status, 0, r.stdout);
        const source = fs.readFileSync(path.join(scriptsDir, "runner-firewall-rule.sh"), "utf8");
        const record = source.indexOf('echo "RUNNER_FIREWALL_RULE=$resource_group/$server/$RULE_NAME" >>"$GITHUB_ENV"');
        const create = source.indexOf("az postgres flexible-server firewall-rule create");
        assert.ok(record > 0 && create > record, "record, then create");
    });

    it("a recorded rule that Azure never created counts as removed (az show exits 3 for a missing resource)", () => {
        const r = run("close", { RUNNER_FIREWALL_RULE: "rg-dev/pg-dev/gh-runner-42-1", FAKE_AZ_SHOW_EXIT: "3" });
        assert.equal(r.status, 0, r.stdout);
        assert.deepEqual(r.calls, [
            "az postgres flexible-server firewall-rule show --resource-group rg-dev --name pg-dev --rule-name gh-runner-42-1 --output none",
        ]);
        assert.equal(r.env, "RUNNER_FIREWALL_RULE=\n");
    });

    it("any other failure of show still tries the delete", () => {
        const r = run("close", { RUNNER_FIREWALL_RULE: "rg-dev/pg-dev/gh-runner-42-1", FAKE_AZ_SHOW_EXIT: "1" });
        assert.equal(r.status, 0, r.stdout);
        assert.match(r.calls[1], /firewall-rule delete/);
    });

    it("refuses a rule name Azure would not accept", () => {
        const r = run("open", { STACK: "dev", RULE_NAME: "gh runner;rm", FAKE_OUTPUTS: outputs });
        assert.equal(r.status, 1);
        assert.deepEqual(r.calls, []);
    });

    it("removes the rule it opened", () => {
        const r = run("close", { RUNNER_FIREWALL_RULE: "rg-dev/pg-dev/gh-runner-42-1" });
        assert.equal(r.status, 0, r.stdout);
        assert.deepEqual(r.calls, [
            "az postgres flexible-server firewall-rule show --resource-group rg-dev --name pg-dev --rule-name gh-runner-42-1 --output none",
            "az postgres flexible-server firewall-rule delete --resource-group rg-dev --name pg-dev --rule-name gh-runner-42-1 --yes --output none",
        ]);
        assert.equal(r.env, "RUNNER_FIREWALL_RULE=\n");
    });

    it("removes nothing when no rule was opened (private stack, no server, or a failure before)", () => {
        const r = run("close", {});
        assert.equal(r.status, 0);
        assert.deepEqual(r.calls, []);
    });

    it("fails loudly, naming the command to run, when a rule cannot be removed", () => {
        const r = run("close", { RUNNER_FIREWALL_RULE: "rg-dev/pg-dev/gh-runner-42-1", FAKE_AZ_EXIT: "1" });
        assert.equal(r.status, 1);
        assert.match(
            r.stdout,
            /::error::The temporary firewall rule gh-runner-42-1 is still open on pg-dev\. Remove it: az postgres flexible-server firewall-rule delete --resource-group rg-dev --name pg-dev --rule-name gh-runner-42-1 --yes/,
        );
    });

    it("rejects an unknown mode", () => {
        assert.equal(run("toggle", {}).status, 2);
    });
});

describe("stack-server.cjs", () => {
    const { fromOutputs, fromState } = require(path.join(scriptsDir, "stack-server.cjs")) as {
        fromOutputs(o: unknown): { resourceGroup: string; server: string } | undefined;
        fromState(s: unknown): { resourceGroup: string; server: string } | undefined;
    };

    it("reads the server from the stack outputs, and only when both are there", () => {
        assert.deepEqual(fromOutputs({ serverName: "pg", resourceGroupName: "rg" }), { resourceGroup: "rg", server: "pg" });
        assert.equal(fromOutputs({ serverName: "pg" }), undefined);
        assert.equal(fromOutputs({ serverName: "", resourceGroupName: "rg" }), undefined);
        assert.equal(fromOutputs({}), undefined);
    });

    it("reads the one Flexible Server of the state, with or without an API version in its type", () => {
        const versioned = serverResource("pg-v", { type: "azure-native:dbforpostgresql/v20250801:Server" });
        assert.deepEqual(fromState(JSON.parse(state(versioned))), { resourceGroup: "rg-pg-v", server: "pg-v" });
        const other = { type: "azure-native:dbforpostgresql:Database", id: "/subscriptions/0/resourceGroups/x/providers/y" };
        assert.deepEqual(fromState(JSON.parse(state(other, serverResource("pg")))), { resourceGroup: "rg-pg", server: "pg" });
    });

    it("does not guess between two servers, and skips one pending deletion", () => {
        assert.equal(fromState(JSON.parse(state(serverResource("a"), serverResource("b")))), undefined);
        assert.deepEqual(fromState(JSON.parse(state(serverResource("a"), serverResource("b", { delete: true })))), {
            resourceGroup: "rg-a",
            server: "a",
        });
        assert.equal(fromState({}), undefined);
    });
});
