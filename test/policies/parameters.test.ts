import { describe, test } from "node:test";
import { parameterCases } from "./cases/parameters";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(parameterCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
