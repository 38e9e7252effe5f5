import { describe, test } from "node:test";
import { firewallCases } from "./cases/firewall";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(firewallCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}
