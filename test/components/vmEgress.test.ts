import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { projectRoot } from "../../plan/engine/project";

/**
 * With public access, a VM and a NAT gateway, the VM reaches the server from the NAT gateway's public IP, so
 * EntraPostgres gives the server the firewall rule `allow-vm-egress` for that address. An address Azure did not
 * report is an error naming the VM, never a rule for an empty address.
 *
 * Each case runs EntraPostgres in its own process, as a program does, under the mocks that replace Azure
 * (plan/engine/mocks.ts), with the NAT gateway's public IP answering what the case says: the failed output stops
 * the program (as the unhandled rejection the Pulumi runtime reports).
 */
const vmName = "egress-client";
const natIpName = "unit-net-nat-ip";

interface Run {
    /** Start and end address of each firewall rule registered, by rule name. */
    firewall: Record<string, [string, string]>;
    /** The error that stopped the program. */
    stopped?: string;
}

/** `reported`: the NAT public IP's `ipAddress` as Azure reports it; `null` leaves it out. */
function runWithNatAddress(reported: string | null): Run {
    const config = {
        location: "westeurope",
        auth: "entra-only",
        admins: [{ name: "platform-deployer", objectId: "0a1b2c3d-1111-4111-8111-111111111111", type: "ServicePrincipal" }],
        deployer: "platform-deployer",
        network: { access: "public", allowedIps: ["203.0.113.10"], natGateway: true },
        server: { name: "pg-egress" },
        vm: {
            name: vmName,
            sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7yEXAMPLEKEYdoNotUseA9b3cDeF4gHiJkLmNoPqRs unit@example",
            access: [{ database: "app", level: "read" }],
        },
        databases: ["app"],
    };
    const script = `
        const pulumi = require("@pulumi/pulumi");
        const { azureMocks } = require("./plan/engine/mocks");
        const { parseConfig } = require("./components/config");
        const { EntraPostgres } = require("./components/entraPostgres");
        const { waitForRegistrations } = require("./plan/engine/sdkInternals");
        const reported = ${JSON.stringify(reported)};
        const result = { firewall: {} };
        const finish = () => { process.stdout.write(JSON.stringify(result)); process.exit(0); };
        process.on("unhandledRejection", (err) => { result.stopped = String(err && err.message ? err.message : err); finish(); });
        void (async () => {
            const azure = azureMocks(false);
            await pulumi.runtime.setMocks({
                newResource(args) {
                    const answer = azure.newResource(args);
                    if (args.type === "azure-native:network:PublicIPAddress" && args.name === ${JSON.stringify(natIpName)}) {
                        const { ipAddress, ...rest } = answer.state;
                        answer.state = reported === null ? rest : { ...rest, ipAddress: reported };
                    }
                    if (args.type === "azure-native:dbforpostgresql:FirewallRule") {
                        result.firewall[args.inputs.firewallRuleName] = [args.inputs.startIpAddress, args.inputs.endIpAddress];
                    }
                    return answer;
                },
                call: (args) => azure.call(args),
            }, "entra-postgres", "unit", false);
            new EntraPostgres("unit", parseConfig(${JSON.stringify(config)}, { project: "entra-postgres", stack: "unit" }));
            await waitForRegistrations().catch(() => undefined);
            setTimeout(finish, 200);
        })();
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: projectRoot, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as Run;
}

describe("the VM's egress address on a public server", () => {
    test("the NAT gateway's address becomes the allow-vm-egress firewall rule", () => {
        const { firewall, stopped } = runWithNatAddress("192.0.2.77");
        assert.equal(stopped, undefined);
        assert.deepEqual(firewall["allow-vm-egress"], ["192.0.2.77", "192.0.2.77"]);
        assert.deepEqual(firewall["allow-203-0-113-10"], ["203.0.113.10", "203.0.113.10"], "the configured addresses keep their rules");
    });

    for (const [label, reported] of [["no ipAddress", null], ["an empty ipAddress", ""]] as const) {
        test(`a NAT public IP with ${label} stops the program, naming the VM, and no rule is made for it`, () => {
            const { firewall, stopped } = runWithNatAddress(reported);
            assert.match(stopped ?? "", new RegExp(`The NAT gateway public IP of VM ${vmName} reports no address`));
            assert.equal(firewall["allow-vm-egress"], undefined);
        });
    }
});
