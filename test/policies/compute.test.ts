import { describe, test } from "node:test";
import { computeCases } from "./cases/compute";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(computeCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
