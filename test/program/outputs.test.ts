import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { one, runStack } from "../../testing/program";

/** The stack outputs are decided once, in EntraPostgres; index.ts only exports them. */
describe("stack outputs", () => {
    test("databases [reports, app] with VM access to app only: the VM's login script, its command and the human command all open app", async () => {
        const run = await runStack("prod", (c: any) => {
            c.databases = ["reports", "app"];
            c.vm.access = [{ database: "app", level: "write" }];
            c.principals[0].access = [{ database: "reports", level: "read" }];
        });
        assert.equal(run.error, undefined, String(run.error));
        const vm = one(run.resources, "azure-native:compute:VirtualMachine");
        const userData = Buffer.from(String((vm.props.osProfile as Record<string, unknown>).customData), "base64").toString("utf8");
        assert.match(userData, /default_database='app'\n\s*database="\$\{1:-\$default_database\}"/, "the login script defaults to app");
        assert.equal(run.outputs.vmConnectCommand, "ssh azureuser@<address of prod-pg-client> pg-entra-login app");
        assert.match(String(run.outputs.connectCommand), /dbname=app /);
        assert.equal(run.outputs.vmRoleName, "prod-pg-client");
    });

    test("without VM access the first database is the default; without databases, postgres; without a VM, no VM outputs", async () => {
        const noAccess = await runStack("prod", (c: any) => { c.databases = ["reports", "app"]; c.vm.access = []; });
        assert.equal(noAccess.outputs.vmConnectCommand, "ssh azureuser@<address of prod-pg-client> pg-entra-login reports");
        const noDatabases = await runStack("prod", (c: any) => { c.databases = []; c.vm.access = []; c.principals = []; });
        assert.match(String(noDatabases.outputs.connectCommand), /dbname=postgres /);
        const noVm = await runStack("prod", (c: any) => { c.vm = { ...c.vm, enabled: false }; });
        assert.equal(noVm.outputs.vmConnectCommand, undefined);
        assert.equal(noVm.outputs.vmRoleName, undefined);
        assert.match(String(noVm.outputs.connectCommand), /dbname=app /);
    });
});
