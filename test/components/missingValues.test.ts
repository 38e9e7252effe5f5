import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { projectRoot } from "../../plan/engine/project";

/**
 * A value Azure should have reported but did not is an error naming the resource, never an empty string that
 * a role, grant or firewall rule would then be made for. Each case runs in its own process, as a program
 * does: the failed output stops the program (here as the unhandled rejection the Pulumi runtime reports).
 */
function serverFqdn(reported: Record<string, unknown>): { value?: string; error?: string; stopped?: string } {
    const script = `
        const pulumi = require("@pulumi/pulumi");
        const { parseConfig } = require("./components/config");
        const { FlexibleServer } = require("./components/server");
        const { loadStackConfig } = require("./plan/engine/configEncoding");
        const result = {};
        const finish = () => { process.stdout.write(JSON.stringify(result)); process.exit(0); };
        process.on("unhandledRejection", (err) => { result.stopped = String(err && err.message ? err.message : err); finish(); });
        void (async () => {
            await pulumi.runtime.setMocks({
                newResource: (args) => ({ id: args.name + "-id", state: { ...args.inputs, ...(args.type === "azure-native:dbforpostgresql:Server" ? ${JSON.stringify(reported)} : {}) } }),
                call: () => ({}),
            }, "entra-postgres", "dev", false);
            const raw = Object.fromEntries(Object.entries(loadStackConfig("dev")).map(([k, v]) => [k.replace("entra-postgres:", ""), /^[[{]/.test(v) ? JSON.parse(v) : v]));
            const config = parseConfig(raw, { project: "entra-postgres", stack: "dev" });
            const server = new FlexibleServer("pg", {
                resourceGroupName: "rg", location: config.location, serverName: config.server.name, ...config.server, auth: config.auth,
                administratorLogin: config.administratorLogin, tenantId: "00000000-0000-4000-8000-000000000001", protect: false,
            });
            pulumi.recover(server.fqdn.apply((value) => { result.value = value; }), (err) => { result.error = err.message; });
            await require("./plan/engine/sdkInternals").waitForRegistrations().catch(() => undefined);
            setTimeout(finish, 200);
        })();
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: projectRoot, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as { value?: string; error?: string; stopped?: string };
}

test("a server that reports its FQDN passes it through", () => {
    assert.deepEqual(serverFqdn({ fullyQualifiedDomainName: "pg.postgres.database.azure.com" }), { value: "pg.postgres.database.azure.com" });
});

test("a server that reports no FQDN stops the program, naming the server, instead of giving an empty host", () => {
    const { value, error, stopped } = serverFqdn({ fullyQualifiedDomainName: null });
    assert.equal(value, undefined);
    assert.match(error ?? "", /^Server \S+ reports no fullyQualifiedDomainName; nothing can connect to it/);
    assert.match(stopped ?? "", /reports no fullyQualifiedDomainName/);
});
