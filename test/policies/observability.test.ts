import { describe, test } from "node:test";
import { observabilityCases } from "./cases/observability";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(observabilityCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
