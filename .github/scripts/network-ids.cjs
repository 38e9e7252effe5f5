// After the network phase: the ids Azure gave the network (the network stack's `deployedIds` output) must be the
// ids the database stack's Pulumi.<stack>.yaml carries in entra-postgres:network.existing, or the database phase
// would point the server's endpoint, DNS zone and VM at resources that do not exist. Fails the deploy with what to
// write where. Usage: node .github/scripts/network-ids.cjs <stack> <file with `pulumi stack output deployedIds --json`>
"use strict";

const fs = require("node:fs");
const path = require("node:path");

/** Problems (empty when none) between the deployed ids and the stack file's network.existing. */
function compareNetworkIds(deployed, stackFileText, file) {
    const { parse } = require("yaml");
    const doc = parse(stackFileText) || {};
    const network = (doc.config || {})["entra-postgres:network"] || {};
    const existing = network.existing || {};
    const problems = [];
    for (const [key, id] of Object.entries(deployed || {})) {
        if (typeof id !== "string" || id === "") {
            problems.push(`the network stack reported no ${key}.`);
        } else if (typeof existing[key] !== "string" || existing[key].toLowerCase() !== id.toLowerCase()) {
            problems.push(`${file}: entra-postgres:network.existing.${key} is '${existing[key] ?? ""}'; the network phase created ${id}. Set it to that id.`);
        }
    }
    if (Object.keys(deployed || {}).length === 0) {
        problems.push("the network stack reported no ids (output deployedIds).");
    }
    return problems;
}

if (require.main === module) {
    const [stack, outputFile] = process.argv.slice(2);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(stack || "") || !outputFile) {
        console.error("usage: network-ids.cjs <stack> <deployedIds.json>");
        process.exit(2);
    }
    const file = `Pulumi.${stack}.yaml`;
    const problems = compareNetworkIds(
        JSON.parse(fs.readFileSync(outputFile, "utf8")),
        fs.readFileSync(path.join(process.cwd(), file), "utf8"),
        file,
    );
    for (const p of problems) {
        console.log(`::error file=${file}::${p}`);
    }
    if (problems.length > 0) {
        process.exit(1);
    }
    console.log(`${file}: network.existing matches the network stack ${stack}.`);
}

module.exports = { compareNetworkIds };
