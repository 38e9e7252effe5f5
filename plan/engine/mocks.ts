import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "../../components/roles/inputs";

/**
 * Azure, replaced: what `pulumi.runtime.setMocks` answers for each registration and invoke. After `pulumi up`
 * the mocks invent plausible values for what Azure computes (ids, FQDN, identities, addresses); in preview
 * those stay unknown, as `pulumi preview` shows them. Nothing of the program is replaced.
 */

/** A deterministic GUID-shaped value from a seed, so recorded runs are repeatable. */
export function fakeGuid(seed: string): string {
    let h = 0x811c9dc5;
    const hex: string[] = [];
    for (let round = 0; round < 4; round++) {
        for (const ch of `${round}:${seed}`) {
            h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
        }
        hex.push(h.toString(16).padStart(8, "0"));
    }
    const s = hex.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** Outputs Azure computes, which a preview shows as unknown (inputs pass through, as the provider's preview does). */
function computedInPreview(type: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "azure-native:dbforpostgresql:Server":
            return { fullyQualifiedDomainName: unknownValue };
        case "azure-native:compute:VirtualMachine":
            return { identity: { ...(inputs.identity ?? {}), principalId: unknownValue, tenantId: unknownValue } };
        case "azure-native:network:PublicIPAddress":
            return { ipAddress: unknownValue };
        case "azure-native:managedidentity:UserAssignedIdentity":
            return { principalId: unknownValue, clientId: unknownValue, tenantId: unknownValue };
        case "random:index/randomPassword:RandomPassword":
            return { result: unknownValue };
        default:
            return {};
    }
}

/**
 * What Azure would compute after `pulumi up`; in preview nothing is invented. `onCall` sees every invoke the
 * program makes (token and inputs) before it is answered.
 */
export function azureMocks(preview: boolean, onCall: (token: string, inputs: Record<string, unknown>) => void = () => undefined): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
            if (preview) {
                return { id: undefined, state: { ...args.inputs, ...computedInPreview(args.type, args.inputs) } };
            }
            const inputs = args.inputs as Record<string, any>;
            const state: Record<string, unknown> = { ...inputs, name: inputs.serverName ?? inputs.vmName ?? args.name };
            switch (args.type) {
                case "azure-native:dbforpostgresql:Server":
                    state.fullyQualifiedDomainName = `${inputs.serverName}.postgres.database.azure.com`;
                    break;
                case "azure-native:compute:VirtualMachine":
                    state.identity = { ...(inputs.identity ?? {}), principalId: fakeGuid(`principal:${args.name}`), tenantId: fakeGuid("tenant") };
                    break;
                case "random:index/randomPassword:RandomPassword":
                    state.result = `Mock-${fakeGuid(args.name)}`;
                    break;
                case "azure-native:network:PublicIPAddress":
                    state.ipAddress = "198.51.100.24";
                    break;
                case "azure-native:managedidentity:UserAssignedIdentity":
                    state.principalId = fakeGuid(`principal:${args.name}`);
                    state.clientId = fakeGuid(`client:${args.name}`);
                    state.tenantId = fakeGuid("tenant");
                    break;
            }
            return { id: `/subscriptions/${fakeGuid("subscription")}/mock/${args.type.split(":").pop()}/${args.name}`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            onCall(args.token, args.inputs as Record<string, unknown>);
            if (args.token === "azure-native:authorization:getClientConfig") {
                return preview ? {} : {
                    tenantId: fakeGuid("tenant"),
                    subscriptionId: fakeGuid("subscription"),
                    clientId: fakeGuid("client"),
                    objectId: fakeGuid("deployer"),
                };
            }
            return {};
        },
    };
}
