// Finds the Flexible Server of a stack, so a job can open the server's firewall to its own runner.
//
//   pulumi stack output --json --stack dev | node stack-server.cjs outputs
//   pulumi stack export --stack dev        | node stack-server.cjs state
//
// Prints `<resource group>\t<server name>`, or nothing when the stack has no server yet. The outputs
// (`resourceGroupName`, `serverName`) are the program's contract; the state is the fallback for a first deploy
// that created the server and then failed before the stack outputs were written.
"use strict";

const serverType = /^azure-native:dbforpostgresql(\/[^:]+)?:Server$/;
const serverId = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)$/i;

/** `{ resourceGroup, server }` from `pulumi stack output --json`, or undefined when either is missing. */
function fromOutputs(outputs) {
    const resourceGroup = outputs && outputs.resourceGroupName;
    const server = outputs && outputs.serverName;
    if (typeof resourceGroup === "string" && resourceGroup !== "" && typeof server === "string" && server !== "") {
        return { resourceGroup, server };
    }
    return undefined;
}

/**
 * `{ resourceGroup, server }` of the one Flexible Server in a `pulumi stack export` document, read from its
 * Azure resource id. Undefined when the state holds no server, or more than one (then the outputs must say
 * which).
 */
function fromState(state) {
    const resources = (state && state.deployment && state.deployment.resources) || [];
    const servers = resources
        .filter((r) => serverType.test(r.type) && !r.delete && typeof r.id === "string")
        .map((r) => serverId.exec(r.id))
        .filter((match) => match !== null);
    if (servers.length !== 1) {
        return undefined;
    }
    return { resourceGroup: servers[0][1], server: servers[0][2] };
}

module.exports = { fromOutputs, fromState };

if (require.main === module) {
    const source = process.argv[2];
    if (source !== "outputs" && source !== "state") {
        process.stderr.write("usage: node stack-server.cjs outputs|state < pulumi-json\n");
        process.exit(2);
    }
    const text = require("node:fs").readFileSync(0, "utf8");
    const found = (source === "outputs" ? fromOutputs : fromState)(text.trim() === "" ? {} : JSON.parse(text));
    if (found) {
        process.stdout.write(`${found.resourceGroup}\t${found.server}\n`);
    }
}
