import { describe, test } from "node:test";
import { entraCases } from "./cases/entra";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(entraCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
