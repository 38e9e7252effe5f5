import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contradictions } from "../../contracts/layers";
import { loadContracts, loadDerived, loadHandWritten, type TypeContract } from "../../contracts/check";

/** The hand-written layer adds to the derived one and never contradicts it. */
describe("hand-written and derived contract facts", () => {
    const hand = loadHandWritten();
    const derived = new Map(loadDerived().flatMap((n) => Object.entries(n.types)));

    test("no hand-written fact contradicts the models", () => {
        const found = hand.flatMap((n) => Object.entries(n.types).flatMap(([token, type]) => contradictions(token, type, derived.get(token))));
        assert.deepEqual(found, []);
    });

    test("every hand-written type has derived facts, and every derived type a hand-written entry naming its spec", () => {
        const handTokens = hand.flatMap((n) => Object.keys(n.types)).sort();
        assert.deepEqual(handTokens, [...derived.keys()].sort());
    });

    test("the hand-written layer holds only what the models cannot show", () => {
        for (const namespace of hand) {
            for (const [token, type] of Object.entries(namespace.types)) {
                const model = derived.get(token)!;
                for (const [at, fact] of Object.entries(type.properties)) {
                    for (const key of ["enum", "extensible", "readOnly", "pattern", "minLength", "maxLength", "minimum", "maximum"] as const) {
                        if (fact[key] !== undefined) {
                            assert.equal(model.properties[at][key], undefined, `${token} ${at}: ${key} restates the models; drop it from ${namespace.namespace}.json`);
                        }
                    }
                    if (fact.type !== undefined) {
                        assert.equal(fact.type, "integer", `${token} ${at}: only the spec's integer refines the models' type`);
                    }
                }
            }
        }
    });

    describe("a contradiction is found", () => {
        const server = hand.find((n) => n.namespace === "Microsoft.DBforPostgreSQL")!.types["azure-native:dbforpostgresql:Server"];
        const model = derived.get("azure-native:dbforpostgresql:Server")!;
        const withFact = (at: string, fact: object): TypeContract => ({ ...server, properties: { ...server.properties, [at]: fact } });

        test("an enum in another case, a changed pattern, a stale beyond-spec value, a wrong type, an unknown path", () => {
            assert.match(contradictions("S", withFact("sku.tier", { enum: ["burstable", "GeneralPurpose", "MemoryOptimized"] }), model).join(), /enum burstable/);
            assert.match(contradictions("S", withFact("serverName", { pattern: "^[-\\w\\._]+$" }), model).join(), /pattern/);
            assert.match(contradictions("S", withFact("version", { beyondSpec: { 18: "Learn" } }), model).join(), /"18" is recorded beyond the spec, but the models list it/);
            assert.match(contradictions("S", withFact("storage.storageSizeGB", { type: "string" }), model).join(), /type string, the models say number/);
            assert.match(contradictions("S", withFact("storage.sizeInGB", { type: "integer" }), model).join(), /not a property of the models/);
            assert.match(contradictions("S", withFact("fullyQualifiedDomainName", { readOnly: false }), model).join(), /readOnly false/);
        });

        test("a property fixed at creation that the models make read-only, or the spec makes updatable", () => {
            assert.match(contradictions("S", withFact("fullyQualifiedDomainName", { fixedAtCreation: "x" }), model).join(), /fixedAtCreation on a property the models make read-only/);
            assert.match(contradictions("S", withFact("administratorLoginPassword", { fixedAtCreation: "x", mutability: ["create", "update"] }), model).join(),
                /fixedAtCreation on a property whose x-ms-mutability is create, update/);
            assert.deepEqual(contradictions("S", withFact("administratorLogin", { fixedAtCreation: "x", mutability: ["create", "read"] }), model), []);
        });

        test("the spec's integer refines the models' number, and a value the models lost is kept with its source", () => {
            assert.deepEqual(contradictions("S", withFact("storage.storageSizeGB", { type: "integer" }), model), []);
            const merged = loadContracts().find((n) => n.namespace === "Microsoft.DBforPostgreSQL")!.types["azure-native:dbforpostgresql:Server"];
            assert.deepEqual(merged.properties["highAvailability.mode"].enum, ["ZoneRedundant", "SameZone", "Disabled"]);
            assert.match(server.properties["highAvailability.mode"].beyondModels!.Disabled, /Servers\.json 2025-08-01/);
            assert.equal(merged.properties["storage.storageSizeGB"].type, "integer");
        });
    });
});
