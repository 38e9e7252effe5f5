import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { ConfigError, type ConfigProblem } from "../../components/config/errors";
import { loadStackConfig } from "../../plan/engine/configEncoding";
import { namespace, parseNetworkConfig } from "../../network/config";
import { networkStackConfig } from "./network-stack";

/**
 * The network project reads its settings with the database stack's reader (components/config/reader.ts): an
 * unknown key, a value of the wrong type or a value outside a list is reported the same way, word for word,
 * under the project's own namespace.
 */
const corp = networkStackConfig("corp");

function networkProblems(over: Record<string, unknown>): ConfigProblem[] {
    try {
        parseNetworkConfig("corp", { ...corp, ...over });
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return [...err.problems];
    }
}

function databaseProblems(over: Record<string, unknown>): ConfigProblem[] {
    try {
        parseConfig({ ...loadStackConfig("dev"), ...over }, { project: "entra-postgres", stack: "dev" });
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return [...err.problems];
    }
}

/** The one problem of `key`, its namespace written as `<ns>`. */
function problemOf(problems: ConfigProblem[], key: string): string {
    const found = problems.filter((p) => p.key === key);
    assert.equal(found.length, 1, `one problem for ${key}; have ${JSON.stringify(problems)}`);
    return `${found[0].key.replace(/^[^:]+:/, "<ns>:")}: ${found[0].message}`;
}

describe("network project settings, read the shared way", () => {
    it("an unknown key names the nearest known one, as the database stack does", () => {
        const network = problemOf(networkProblems({ [`${namespace}:runnerSubnet`]: "10.50.3.0/24" }), `${namespace}:runnerSubnet`);
        assert.equal(network, `<ns>:runnerSubnet: unknown key "runnerSubnet". Did you mean "runnersSubnet" (${namespace}:runnersSubnet)?`);
        const database = problemOf(databaseProblems({ "entra-postgres:locaton": "westeurope" }), "entra-postgres:locaton");
        const networkTypo = problemOf(networkProblems({ [`${namespace}:locaton`]: "northeurope" }), `${namespace}:locaton`);
        assert.equal(networkTypo.replace(namespace, "<ns>"), database.replace("entra-postgres:location", "<ns>:location"));
    });

    it("a value of the wrong type is refused by type, as the database stack does", () => {
        const network = problemOf(networkProblems({ [`${namespace}:location`]: '["northeurope"]' }), `${namespace}:location`);
        assert.equal(network, '<ns>:location: must be a string, not ["northeurope"].');
        const database = problemOf(databaseProblems({ "entra-postgres:deployer": '["northeurope"]' }), "entra-postgres:deployer");
        assert.equal(database, '<ns>:deployer: must be a string, not ["northeurope"].');
    });

    it("a cloud outside the list names the allowed ones and the near miss", () => {
        assert.equal(
            problemOf(networkProblems({ [`${namespace}:cloud`]: "Public" }), `${namespace}:cloud`),
            '<ns>:cloud: "Public" is not one of public, usgov, china. Did you mean "public"?',
        );
        assert.equal(
            problemOf(databaseProblems({ "entra-postgres:cloud": "Public" }), "entra-postgres:cloud"),
            '<ns>:cloud: "Public" is not one of public, usgov, china. Did you mean "public"?',
        );
    });

    it("a key that could reach a prototype is refused by name", () => {
        const problems = networkProblems({ [`${namespace}:tags`]: '{"__proto__": {"x": "y"}}' });
        assert.match(problemOf(problems, `${namespace}:tags.__proto__`), /keys named __proto__, constructor, prototype are refused/);
    });

    it("keys with or without the namespace are read; other projects' keys are left alone", () => {
        const plain = Object.fromEntries(Object.entries(corp).map(([k, v]) => [k.slice(namespace.length + 1), v]));
        const config = parseNetworkConfig("corp", { ...plain, "azure-native:location": "westeurope", "entra-postgres:location": "westeurope" });
        assert.equal(config.location, "northeurope");
        assert.deepEqual(networkProblems({}), []);
    });

    it("a tag value that is not a string is refused under its own key", () => {
        assert.equal(
            problemOf(networkProblems({ [`${namespace}:tags`]: '{"team": 7}' }), `${namespace}:tags.team`),
            "<ns>:tags.team: must be a string.",
        );
    });

    it("tag names follow the database stack's rules, but none is reserved: this project sets no tags itself", () => {
        const key = `${namespace}:tags`;
        assert.match(problemOf(networkProblems({ [key]: '{"a/b": "x"}' }), `${key}.a/b`), /Azure tag names cannot contain/);
        assert.match(problemOf(networkProblems({ [key]: '{"Team": "x", "team": "y"}' }), `${key}.team`), /Azure tag names are case-insensitive/);
        assert.deepEqual(networkProblems({ [key]: '{"stack": "corp"}' }), []);
        assert.match(problemOf(databaseProblems({ "entra-postgres:tags": '{"stack": "dev"}' }), "entra-postgres:tags.stack"), /set by the program/);
    });
});
