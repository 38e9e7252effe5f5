import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changedPaths } from "../../e2e/providers/common";
import { secretWireValue } from "../../plan/engine/sdkInternals";

/**
 * The simulated Azure's diff names each changed property path, as azure-native's does (diff.go,
 * `calculateDetailedDiff`): the engine matches a nested `replaceOnChanges` (the server's
 * `network.delegatedSubnetResourceId`) only against those paths.
 */
describe("the simulated Azure's detailed diff", () => {
    it("names the nested path that changed, not its parent", () => {
        const olds = { network: { publicNetworkAccess: "Enabled" }, version: "17" };
        const news = { network: { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: "/subscriptions/s/x" }, version: "17" };
        assert.deepEqual(changedPaths(olds.network, news.network, "network"), {
            "network.publicNetworkAccess": "UPDATE",
            "network.delegatedSubnetResourceId": "ADD",
        });
    });

    it("follows lists of objects item by item; a list of plain values is one value", () => {
        assert.deepEqual(changedPaths([{ a: 1 }, { a: 2 }], [{ a: 1 }, { a: 3 }], "rules"), { "rules[1].a": "UPDATE" });
        assert.deepEqual(changedPaths([1], [1, 2], "rules"), { rules: "UPDATE" });
    });

    it("names an added and a deleted key, by the offline plan's dotted paths", () => {
        assert.deepEqual(changedPaths({ "cost.center": "a", team: "x" }, { "cost.center": "b", owner: "y" }, "tags"), {
            "tags.cost.center": "UPDATE",
            "tags.owner": "ADD",
            "tags.team": "DELETE",
        });
    });

    it("compares a secret's value: an unchanged secret is no change, a changed one is named without its value", () => {
        assert.deepEqual(changedPaths({ p: secretWireValue("a") }, { p: secretWireValue("a") }, "x"), {});
        const changed = changedPaths({ p: secretWireValue("a") }, { p: secretWireValue("b") }, "x");
        assert.deepEqual(changed, { "x.p": "UPDATE" });
    });

    it("finds no change between equal values", () => {
        assert.deepEqual(changedPaths({ a: [1, { b: "c" }] }, { a: [1, { b: "c" }] }, "k"), {});
    });
});
