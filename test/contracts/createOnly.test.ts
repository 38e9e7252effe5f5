import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    azureNativeReplacements, createOnlyFacts, createOnlyProperties, forceNewMapEntry, loadContracts, loadDerived, loadHandWritten,
    pathParameters, refusedOnUpdate, replacedOnChange, replaceRule, type NamespaceContract,
} from "../../contracts/check";

/**
 * What cannot change in place, for every type the program declares, from the spec's x-ms-mutability, the spec's
 * own words, and azure-native's forceNewMap; and what azure-native does when it changes (replace, or an update
 * the spec says Azure cannot apply).
 */
describe("create-only facts for the update rules", () => {
    const hand = loadHandWritten();
    const derived = new Map(loadDerived().flatMap((n) => Object.entries(n.types)));
    const declared = hand.flatMap((n) => Object.keys(n.types)).sort();

    /** Per type: replaced on change (path parameters included), then sent as an update Azure cannot apply. */
    const expected: Record<string, { replace: string[]; update?: string[] }> = {
        "azure-native:authorization:ManagementLockByScope": { replace: ["lockName", "scope"] },
        "azure-native:authorization:RoleAssignment": { replace: ["principalId", "roleAssignmentName", "scope"] },
        "azure-native:compute:VirtualMachine": {
            replace: ["resourceGroupName", "vmName"],
            update: ["osProfile.adminUsername", "osProfile.computerName", "osProfile.customData"],
        },
        "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": { replace: ["objectId", "resourceGroupName", "serverName"] },
        "azure-native:dbforpostgresql:Configuration": { replace: ["configurationName", "resourceGroupName", "serverName"] },
        "azure-native:dbforpostgresql:Database": { replace: ["databaseName", "resourceGroupName", "serverName"] },
        "azure-native:dbforpostgresql:FirewallRule": { replace: ["firewallRuleName", "resourceGroupName", "serverName"] },
        "azure-native:dbforpostgresql:Server": {
            replace: ["administratorLogin", "availabilityZone", "location", "pointInTimeUTC", "resourceGroupName", "serverName", "sourceServerResourceId"],
            update: ["backup.geoRedundantBackup"],
        },
        "azure-native:dbforpostgresql:VirtualEndpoint": { replace: ["resourceGroupName", "serverName", "virtualEndpointName"] },
        "azure-native:managedidentity:UserAssignedIdentity": { replace: ["location", "resourceGroupName", "resourceName"] },
        "azure-native:monitor:DiagnosticSetting": { replace: ["name", "resourceUri"] },
        "azure-native:network:NatGateway": { replace: ["natGatewayName", "resourceGroupName"] },
        "azure-native:network:NetworkInterface": { replace: ["networkInterfaceName", "resourceGroupName"] },
        "azure-native:network:NetworkSecurityGroup": { replace: ["networkSecurityGroupName", "resourceGroupName"] },
        "azure-native:network:PrivateDnsZoneGroup": { replace: ["privateDnsZoneGroupName", "privateEndpointName", "resourceGroupName"] },
        "azure-native:network:PrivateEndpoint": { replace: ["privateEndpointName", "resourceGroupName", "subnet"] },
        "azure-native:network:PublicIPAddress": {
            replace: ["location", "publicIPAddressVersion", "publicIPPrefix", "publicIpAddressName", "resourceGroupName", "sku"],
        },
        "azure-native:network:RouteTable": { replace: ["resourceGroupName", "routeTableName"] },
        "azure-native:network:Subnet": { replace: ["resourceGroupName", "subnetName", "virtualNetworkName"], update: ["defaultOutboundAccess"] },
        "azure-native:network:VirtualNetwork": { replace: ["location", "resourceGroupName", "virtualNetworkName"] },
        "azure-native:operationalinsights:Workspace": { replace: ["location", "resourceGroupName", "workspaceName"] },
        "azure-native:privatedns:PrivateZone": { replace: ["location", "privateZoneName", "resourceGroupName"] },
        "azure-native:privatedns:VirtualNetworkLink": { replace: ["location", "privateZoneName", "resourceGroupName", "virtualNetworkLinkName"] },
        "azure-native:resources:ResourceGroup": { replace: ["location", "resourceGroupName"] },
        "azure-native:security:AdvancedThreatProtection": { replace: ["resourceId", "settingName"] },
    };

    test("every declared type: what is replaced on change and what is sent as an update Azure cannot apply", () => {
        assert.deepEqual(Object.keys(expected).sort(), declared);
        for (const [token, { replace, update = [] }] of Object.entries(expected)) {
            assert.deepEqual(replacedOnChange(token), replace, token);
            assert.deepEqual(refusedOnUpdate(token), update, token);
            assert.deepEqual(createOnlyProperties(token), [...replace, ...update].sort(), token);
            assert.ok(pathParameters(token).every((p) => replace.includes(p)), `${token}: every path parameter is replaced on change`);
        }
        assert.throws(() => createOnlyProperties("azure-native:storage:StorageAccount"), /no contract/);
    });

    test("each reason is the one the sources give", () => {
        const reasons = (token: string) => Object.fromEntries(createOnlyFacts(token).map((f) => [f.path, f.reasons.join(", ")]));
        assert.equal(reasons("azure-native:dbforpostgresql:Server").administratorLogin, "x-ms-mutability");
        assert.equal(reasons("azure-native:operationalinsights:Workspace").location, "x-ms-mutability");
        assert.equal(reasons("azure-native:compute:VirtualMachine")["osProfile.adminUsername"], "fixed at creation");
        assert.equal(reasons("azure-native:network:PrivateEndpoint").subnet, "forceNewMap");
        assert.equal(reasons("azure-native:resources:ResourceGroup").location, "fixed at creation, forceNewMap");
        assert.equal(reasons("azure-native:network:NetworkInterface").networkInterfaceName, "path parameter");
        const server = createOnlyProperties("azure-native:dbforpostgresql:Server");
        assert.ok(!server.includes("administratorLoginPassword"), "create and update");
        assert.ok(!server.includes("maintenanceWindow.dayOfWeek"), "update only");
        assert.ok(!createOnlyProperties("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra").includes("principalName"), "create, update and read");
        assert.ok(!createOnlyProperties("azure-native:network:Subnet").includes("delegations"), "no x-ms-mutability, not fixed in words, not in forceNewMap");
    });

    test("azure-native's rule: top-level create-only replaces, nested is sent as an update, words are unknown to it", () => {
        const contracts: NamespaceContract[] = [{
            namespace: "Microsoft.Test", about: "", specs: {},
            types: {
                "azure-native:test:Thing": {
                    resourceType: "Microsoft.Test/things", apiVersion: "2024-01-01", spec: "",
                    properties: {
                        thingName: { pathParameter: true },
                        zone: { mutability: ["create", "read"] },
                        "profile.user": { mutability: ["create", "read"] },
                        "rules[].kind": { mutability: ["create"] },
                        label: { mutability: ["create", "update", "read"] },
                        seed: { fixedAtCreation: "Thing.seed, description: \"cannot be changed\"" },
                        plain: {},
                    },
                },
            },
        }];
        const facts = createOnlyFacts("azure-native:test:Thing", contracts);
        assert.deepEqual(facts.map((f) => `${f.path} ${f.onChange}`), ["profile.user update", "rules[].kind update", "seed update", "thingName replace", "zone replace"]);
        assert.deepEqual(replacedOnChange("azure-native:test:Thing", contracts), ["thingName", "zone"]);
        const withMap = { ...azureNativeReplacements, forceNewMap: { Test: { Thing: { properties: ["seed"] } } } };
        assert.equal(createOnlyFacts("azure-native:test:Thing", contracts, withMap).find((f) => f.path === "seed")!.onChange, "replace");
        const broken = { ...azureNativeReplacements, forceNewMap: { Test: { Thing: { properties: ["colour"] } } } };
        assert.throws(() => createOnlyFacts("azure-native:test:Thing", contracts, broken), /forceNewMap names "colour", which is not a property of the models/);
    });

    test("every type names the spec definitions whose x-ms-mutability was read, each in a spec file it declares", () => {
        for (const namespace of hand) {
            for (const [token, type] of Object.entries(namespace.types)) {
                assert.ok((type.mutabilityRead?.length ?? 0) > 0, `${token}: x-ms-mutability not read (mutabilityRead is empty)`);
                for (const entry of type.mutabilityRead!) {
                    const key = entry.split(":")[0];
                    const spec = namespace.specs[key];
                    assert.ok(spec, `${token}: "${entry}" names no spec of ${namespace.namespace}.json`);
                    assert.match(spec.commit, /^[0-9a-f]{40}$/, `${token}: ${key} has no commit`);
                }
            }
        }
    });

    test("a property fixed at creation quotes the definition and the words of its source", () => {
        const fixed = hand.flatMap((n) => Object.entries(n.types).flatMap(([token, type]) =>
            Object.entries(type.properties).filter(([, f]) => f.fixedAtCreation).map(([at, f]) => ({ token, at, f }))));
        assert.deepEqual(fixed.map((x) => `${x.token} ${x.at}`).sort(), [
            "azure-native:compute:VirtualMachine osProfile.adminUsername",
            "azure-native:compute:VirtualMachine osProfile.computerName",
            "azure-native:compute:VirtualMachine osProfile.customData",
            "azure-native:network:Subnet defaultOutboundAccess",
            "azure-native:resources:ResourceGroup location",
        ]);
        for (const { token, at, f } of fixed) {
            assert.match(f.fixedAtCreation!, /^[A-Za-z]+\.[A-Za-z]+, description: ".*(cannot|only).*"$/, `${token} ${at}`);
            assert.equal(f.fixedAtCreation!.split(",")[0], f.definition, `${token} ${at}: the quote is of the property's own definition`);
        }
    });

    describe("azure-native's forceNewMap, as transcribed", () => {
        const data = azureNativeReplacements;
        const contracts = loadContracts();
        const types = new Map(contracts.flatMap((n) => Object.entries(n.types)));

        test("cites its file and commit, and the replace rule cites the same", () => {
            assert.equal(data.repository, "pulumi/pulumi-azure-native");
            assert.equal(data.path, "provider/pkg/gen/replacement.go");
            assert.match(data.commit, /^[0-9a-f]{40}$/);
            assert.deepEqual(replaceRule.sources.map((s) => s.path), ["provider/pkg/gen/properties.go", "provider/pkg/gen/replacement.go", "provider/pkg/provider/diff.go"]);
            assert.equal(replaceRule.sources[1].commit, data.commit);
        });

        test("every entry for a declared type names top-level properties the models have, none read-only", () => {
            for (const token of declared) {
                for (const at of forceNewMapEntry(token) ?? []) {
                    const fact = derived.get(token)!.properties[at];
                    assert.ok(fact, `${token}: forceNewMap names ${at}, not in the models`);
                    assert.ok(!fact.readOnly && !at.includes("."), `${token} ${at}`);
                }
            }
            assert.deepEqual(forceNewMapEntry("azure-native:network:Subnet"), [], "listed with no force-news");
            assert.equal(forceNewMapEntry("azure-native:network:NetworkInterface"), undefined);
        });

        test("a declared type finds the same entry by its token's module and by its namespace, and none is in another module", () => {
            const lookup = (module: string, resource: string) =>
                Object.entries(data.forceNewMap).find(([m]) => m.toLowerCase() === module.toLowerCase())?.[1][resource]?.properties;
            const elsewhere = (module: string, resource: string) =>
                Object.entries(data.otherModules).some(([m, resources]) => m.toLowerCase() === module.toLowerCase() && resources.includes(resource));
            for (const token of declared) {
                const [, module, resource] = token.split(":");
                const namespace = types.get(token)!.resourceType.split("/")[0].replace(/^Microsoft\./, "");
                assert.deepEqual(lookup(namespace, resource), lookup(module, resource), token);
                assert.ok(!elsewhere(module, resource) && !elsewhere(namespace, resource), `${token} is in a module of the map not transcribed`);
            }
            assert.deepEqual(Object.keys(data.forceNewMap).filter((m) => m in data.otherModules), []);
        });
    });
});
