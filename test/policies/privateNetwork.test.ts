import { describe, test } from "node:test";
import { privateNetworkCases } from "./cases/privateNetwork";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(privateNetworkCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
