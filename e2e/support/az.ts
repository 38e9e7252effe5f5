/**
 * Stand-in for the Azure CLI, so that `DefaultAzureCredential` (through its AzureCliCredential) gets tokens
 * offline, for Azure Database for PostgreSQL and for Azure Resource Manager (the simulated one the harness serves,
 * e2e/support/armEndpoint.ts). Answers `az account get-access-token --output json --resource <r> [--tenant <t>]`, the command
 * @azure/identity runs, with the JSON fields it reads (accessToken, expiresOn, expires_on), for the identity the
 * harness signed in (signed-in.json in the simulation directory). A tenant other than the signed-in one fails,
 * as it does for a real `az` not logged in to that tenant.
 *
 * `az resource delete --ids <id>` deletes a resource of the simulated Azure as any tool outside Pulumi would,
 * through the same Azure Resource Manager rules: a management lock refuses it with 409 ScopeLocked.
 */
import { armTokenResource, postgresTokenResource, reveal, signedIn, Store, tokenFor } from "../providers/common";
import { assertDeletable } from "../providers/azure/locks";
import { applyDelete } from "../providers/azure/postgres";
import type { SimulatedResource } from "../providers/azure/resources";

async function deleteResource(id: string | undefined): Promise<number> {
    const store = new Store<SimulatedResource>("azure-resources");
    const found = store.all().find(([other]) => other.toLowerCase() === (id ?? "").toLowerCase());
    if (!found) {
        process.stderr.write(`ERROR: (ResourceNotFound) The resource ${id} was not found.\n`);
        return 3;
    }
    try {
        assertDeletable(found[0], found[1].type, store.all());
    } catch (e) {
        process.stderr.write(`ERROR: ${(e as Error).message}\n`);
        return 1;
    }
    await applyDelete(found[1].type, reveal(found[1].outputs), found[0]);
    store.delete(found[0]);
    return 0;
}

async function main(args: string[]): Promise<number> {
    const value = (flag: string): string | undefined => {
        const i = args.indexOf(flag);
        return i >= 0 ? args[i + 1] : undefined;
    };
    if (args[0] === "account" && args[1] === "get-access-token") {
        const me = signedIn();
        const tenant = value("--tenant");
        if (tenant && tenant !== me.tenantId) {
            process.stderr.write(`ERROR: AADSTS700016: no account signed in to tenant ${tenant}. Run az login --tenant ${tenant}.\n`);
            return 1;
        }
        const resource = (value("--resource") ?? value("--scope")?.replace(/\/\.default$/, "") ?? armTokenResource).replace(/\/$/, "");
        if (resource !== postgresTokenResource && resource !== armTokenResource) {
            process.stderr.write(`ERROR: the e2e Azure CLI stand-in issues tokens for ${postgresTokenResource} and ${armTokenResource} only, not ${resource}.\n`);
            return 1;
        }
        const expires = new Date(Date.now() + 60 * 60 * 1000);
        process.stdout.write(JSON.stringify({
            accessToken: tokenFor(me.objectId, resource, me.tenantId),
            expiresOn: expires.toISOString().replace("T", " ").replace(/\.\d+Z$/, ".000000"),
            expires_on: Math.floor(expires.getTime() / 1000),
            subscription: me.subscriptionId,
            tenant: me.tenantId,
            tokenType: "Bearer",
        }, null, 2) + "\n");
        return 0;
    }
    if (args[0] === "resource" && args[1] === "delete") {
        return deleteResource(value("--ids"));
    }
    if (args[0] === "--version" || args[0] === "version") {
        process.stdout.write('{"azure-cli": "e2e stand-in"}\n');
        return 0;
    }
    process.stderr.write(`ERROR: the e2e Azure CLI stand-in does not implement: az ${args.join(" ")}\n`);
    return 2;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code), (e: unknown) => {
    process.stderr.write(`ERROR: ${(e as Error).message}\n`);
    process.exitCode = 1;
});
