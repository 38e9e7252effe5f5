import { describe, test } from "node:test";
import { networkCases } from "./cases/network";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(networkCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
