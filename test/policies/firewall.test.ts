import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { azureServicesRuleName } from "../../components/decisions/firewall";
import { AZURE_SERVICES_RULE_NAME } from "../../policies/firewall";
import { firewallCases } from "./cases/firewall";
import { assertCase } from "./helpers";

for (const [policy, cases] of Object.entries(firewallCases)) {
    describe(policy, () => {
        for (const c of cases) {
            test(`${c.expect}: ${c.title}`, () => assertCase(policy, c));
        }
    });
}

test("the pack knows the Azure-services rule by the name the program gives it", () => {
    assert.equal(AZURE_SERVICES_RULE_NAME, azureServicesRuleName);
});
