import { describe, test } from "node:test";
import { serverCases } from "./cases/server";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(serverCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
