import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkParameterOverride, parameterCatalogue } from "../../components/config/parameters";
import { azureDefault, PARAMETER_DEFAULTS } from "../../policies/lib/azure-defaults";

/**
 * The pack (policies/, its own package) and the program (components/config/serverParameters.json) each carry
 * Azure's server parameter facts from the same Learn pages. Where both speak of a parameter on a version, they
 * must agree: whether it exists there, and its default.
 */
describe("one account of Azure's server parameters in the program and the pack", () => {
    const shared = parameterCatalogue.parameters.filter((p) => PARAMETER_DEFAULTS[p.name] !== undefined);

    test("the pack's defaults and the program's catalogue share parameters to compare", () => {
        assert.ok(shared.length >= 5, shared.map((p) => p.name).join(", "));
    });

    for (const entry of shared) {
        test(`${entry.name} (${entry.versions.join(", ")}): exists on the same versions, with the same default`, () => {
            for (const version of ["13", "14", "15", "16", "17", "18"]) {
                const pack = azureDefault(entry.name, Number(version));
                assert.ok(pack.known);
                if (entry.versions.includes(version)) {
                    assert.notEqual(pack.value, undefined, `the catalogue lists ${entry.name} on ${version}; the pack says it is absent there`);
                    if (entry.default !== undefined) assert.equal(pack.value, entry.default, `${entry.name} on ${version}: the default`);
                } else if (entry.absentFrom?.[version]) {
                    assert.equal(pack.value, undefined, `Learn's ${version} page (${entry.absentFrom[version]}) lists no ${entry.name}; the pack gives it a default there`);
                }
            }
        });
    }

    test("connection_throttle.enable is not a parameter of PostgreSQL 18 (param-18-customized-options.md at 024f4799 lists none): an override there is refused by name", () => {
        const check = checkParameterOverride("connection_throttle.enable", "on", "18");
        assert.equal(check.ok, false);
        assert.equal(checkParameterOverride("connection_throttle.enable", "on", "17").ok, true);
        assert.deepEqual(azureDefault("connection_throttle.enable", 18), { known: true, value: undefined });
    });
});
