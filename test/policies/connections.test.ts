import { describe, test } from "node:test";
import { connectionCases } from "./cases/connections";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(connectionCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
