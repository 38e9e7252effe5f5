/**
 * A simulated Azure, served to the Pulumi CLI as the `azure-native` resource provider plugin (at the version
 * @pulumi/azure-native asks for). It implements the resource types and the invoke this project's program uses,
 * with ARM-shaped ids, computed outputs and state kept in the simulation directory between CLI runs, and these
 * documented Azure behaviours (docs/e2e.md lists them with their sources):
 *
 * - update rules from Azure's data: a create-only property (`x-ms-mutability` without `update`, from the
 *   contracts) replaces the resource when it belongs to the resource itself, as azure-native's diff decides, and
 *   is refused by Azure when it is nested (azure/mutability.ts);
 * - one management operation per Flexible Server at a time, the server `Updating` while it runs (409 `ServerBusy`,
 *   `AadAuthOperationCannotBePerformedWhenServerIsNotAccessible`, `ServerIsNotReady`; azure/operations.ts);
 * - server parameters reach the server's PostgreSQL, dynamic ones at once, static ones pending until a restart
 *   (azure/parameters.ts); a storage shrink and a major version downgrade are refused, a new compute size or
 *   major version restarts the server, a VM's custom data cannot change (azure/serverUpdates.ts);
 * - transient faults a test injects (429 with Retry-After, 5xx, 409, a long-running operation that fails after
 *   it was accepted), retried as azure-native's client retries them (azure/client.ts);
 * - every request body is held to the contract facts (contracts/: Azure's generated models at the api-version
 *   azure-native calls, refined by hand-written spec facts): an unknown property, a wrong type, a read-only property,
 *   an enum value in the wrong case, a broken pattern, length or range is refused at check and answered with ARM's
 *   400 (`InvalidRequestContent`, `InvalidParameter`) at create and update (azure/validate.ts);
 * - a delete under a management lock is refused with 409 `ScopeLocked` (azure/locks.ts); a point-in-time restore
 *   or a read replica starts from a base backup of its source's PostgreSQL, a replica streaming from it
 *   (azure/restore.ts).
 *
 * The resource table is azure/resources.ts, and a Flexible Server is a real PostgreSQL (azure/postgres.ts,
 * pgserver.ts) listening on the address the server's FQDN resolves to. The calls the program makes to Resource
 * Manager itself (a restart) reach the same state through the harness's endpoint (support/armEndpoint.ts).
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { adaptProviderServer, azureError, changedPaths, deepEqual, type PropertyDiffKind, reveal, signedIn, Store, unknownValue } from "./common";
import { sendWithRetries } from "./azure/client";
import { assertDeletable } from "./azure/locks";
import { createFromSource, createsFromSource } from "./azure/restore";
import { serverId, serverOperation } from "./azure/operations";
import { applyCreate, applyDelete, applyUpdate } from "./azure/postgres";
import { armId, computedKeys, pathProps, specFor, type SimulatedResource, type Spec } from "./azure/resources";
import { refusedServerUpdate, refusedVmUpdate } from "./azure/serverUpdates";
import { refuse, validate } from "./azure/validate";

const resources = new Store<SimulatedResource>("azure-resources");

/** A preview's outputs: the inputs, the name, and what Azure computes as unknown (the FQDN is known from the name). */
function previewOutputs(urn: string, news: Record<string, any>): Record<string, unknown> {
    const [type, spec] = specFor(urn);
    const computed = Object.fromEntries([...computedKeys(type, spec)].map((k) => [k, unknownValue]));
    const outputs: Record<string, unknown> = { ...news, ...computed, name: news[spec.nameProp] ?? unknownValue, type: spec.armType };
    if (type === "azure-native:compute:VirtualMachine" && news.identity) {
        outputs.identity = { ...news.identity, principalId: unknownValue, tenantId: unknownValue };
    }
    if (type === "azure-native:dbforpostgresql:Server" && typeof news.serverName === "string" && news.serverName !== unknownValue) {
        outputs.fullyQualifiedDomainName = `${news.serverName}.postgres.database.azure.com`;
    }
    return outputs;
}

adaptProviderServer({
    create: previewOutputs,
    update: (urn, olds, news) => {
        const [type, spec] = specFor(urn);
        const kept = Object.fromEntries([...computedKeys(type, spec)].map((k) => [k, olds[k]]));
        const outputs: Record<string, unknown> = { ...news, ...kept };
        // A VM's identity is an input whose principalId and tenantId Azure fills in: in an update's preview they
        // are unknown, as in a create's (azure-native's Update with preview returns the inputs with the output-only
        // properties unknown, `converter.PreviewOutputs`, keeping only `name` and `location` from the old state:
        // pulumi/pulumi-azure-native provider/pkg/provider/provider.go, `Update`).
        if (type === "azure-native:compute:VirtualMachine" && news.identity) {
            outputs.identity = { ...news.identity, principalId: unknownValue, tenantId: unknownValue };
        }
        return outputs;
    },
});

export const provider: pulumi.provider.Provider = {
    version: process.env.ENTRA_E2E_AZURE_NATIVE_VERSION ?? "3.28.0",

    async check(urn, olds, news) {
        const [type, spec] = specFor(urn);
        const inputs = { ...news };
        if (inputs[spec.nameProp] === undefined) {
            // azure-native autonames: the logical name and a random suffix, kept across updates.
            inputs[spec.nameProp] = olds?.[spec.nameProp] ?? `${urn.split("::").pop()}${crypto.randomBytes(4).toString("hex")}`;
        }
        return { inputs, failures: validate(type, spec, inputs) };
    },

    async diff(_id, urn, olds, news) {
        const [type, spec] = specFor(urn);
        const skip = computedKeys(type, spec);
        const keys = new Set([...Object.keys(news), ...Object.keys(olds)].filter((k) => !skip.has(k)));
        // A VM's identity is an input whose principalId and tenantId Azure fills in.
        // `location` compares without case and spaces, as azure-native's diff does (diff.go, `applyAzureSpecificDiff`).
        const comparable = (k: string, v: any) => (k === "identity" && type.endsWith(":VirtualMachine") && v ? { type: v.type }
            : k === "location" && typeof v === "string" ? v.toLowerCase().replace(/ /g, "") : v);
        const changed = [...keys].filter((k) => !deepEqual(comparable(k, olds[k]), comparable(k, news[k])));
        const replaces = changed.filter((k) => pathProps(type, spec).includes(k));
        // Each changed path, a replacing one marked so (azure-native's diff.go `calculateDetailedDiff`): the engine
        // matches a program's nested replaceOnChanges against these paths.
        const detailedDiff: Record<string, PropertyDiffKind> = {};
        for (const k of changed) {
            const paths = changedPaths(comparable(k, olds[k]), comparable(k, news[k]), k);
            for (const [at, kind] of Object.entries(Object.keys(paths).length > 0 ? paths : { [k]: "UPDATE" as const })) {
                detailedDiff[at] = replaces.includes(k) ? `${kind}_REPLACE` : kind;
            }
        }
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && spec.parent !== undefined, detailedDiff };
    },

    async create(urn, inputs) {
        const [type, spec] = specFor(urn);
        const plain = reveal(inputs);
        const id = armId(type, plain);
        const outputs: Record<string, unknown> = {
            ...inputs,
            ...spec.computed?.(plain, id),
            name: plain[spec.nameProp],
            type: spec.armType,
        };
        refuse(type, inputs);
        await operate("create", type, spec, plain, id, async () => {
            if (resources.get(id)) {
                throw azureError(409, "Conflict", `A resource with id ${id} already exists.`, "Azure Resource Manager PUT semantics");
            }
            if (type === "azure-native:dbforpostgresql:Server" && createsFromSource(plain)) {
                // A restore or a replica copies the source's data (azure/restore.ts); a replica keeps its primary busy.
                const fromSource = () => createFromSource(plain, id);
                await (plain.createMode === "Replica" ? serverOperation(String(plain.sourceServerResourceId), "Replica create", fromSource) : fromSource());
            } else {
                Object.assign(outputs, await applyCreate(type, plain, id));
            }
            resources.put(id, { type, outputs });
        });
        return { id, outs: outputs };
    },

    async read(id) {
        const record = resources.get(id);
        if (!record) return { id: "", props: {} };
        return { id, props: record.outputs };
    },

    async update(id, urn, olds, news) {
        const [type, spec] = specFor(urn);
        const plain = reveal(news);
        const outputs: Record<string, unknown> = { ...news };
        refuse(type, news);
        await operate("update", type, spec, plain, id, async () => {
            const record = resources.get(id);
            if (!record) throw azureError(404, "ResourceNotFound", `The resource ${id} was not found.`, "Azure Resource Manager");
            // What Azure computed stays (an absent one stays absent: the wire has no `undefined`).
            Object.assign(outputs, Object.fromEntries([...computedKeys(type, spec)].filter((k) => record.outputs[k] !== undefined).map((k) => [k, record.outputs[k]])));
            Object.assign(outputs, await applyUpdate(type, reveal(olds), plain, id));
            if (type === "azure-native:dbforpostgresql:Server") outputs.state = "Ready";
            // A system-assigned identity is "tied to the lifecycle of that Azure resource" (Learn, "What are managed
            // identities for Azure resources?"): an update of a VM that keeps it enabled keeps its principal.
            const identity = record.outputs.identity as Record<string, unknown> | undefined;
            if (type === "azure-native:compute:VirtualMachine" && plain.identity?.type?.includes("SystemAssigned") && identity?.principalId) {
                outputs.identity = { ...(news.identity as Record<string, unknown>), principalId: identity.principalId, tenantId: identity.tenantId };
            }
            resources.put(id, { type, outputs });
        }, type === "azure-native:dbforpostgresql:Server" ? () => refusedServerUpdate(reveal(olds), plain)
            : type === "azure-native:compute:VirtualMachine" ? () => refusedVmUpdate(reveal(olds), plain) : undefined);
        return { outs: outputs };
    },

    async delete(id, urn, props) {
        const [type, spec] = specFor(urn);
        const plain = reveal(props);
        // A delete under a management lock is refused before anything changes (azure/locks.ts).
        assertDeletable(id, type, resources.all());
        await operate("delete", type, spec, plain, id, async () => {
            if (type === "azure-native:resources:ResourceGroup") {
                // A resource group delete removes what it contains; the e2e checks nothing is left behind by the program.
                for (const [other, rec] of resources.all().filter(([o]) => o.startsWith(`${id}/`))) {
                    if (rec.type === "azure-native:dbforpostgresql:Server") await applyDelete(rec.type, reveal(rec.outputs), other);
                    resources.delete(other);
                }
            }
            await applyDelete(type, plain, id);
            resources.delete(id);
        });
    },

    async invoke(token) {
        if (token === "azure-native:authorization:getClientConfig") {
            const me = signedIn();
            return { outputs: { clientId: me.clientId, objectId: me.objectId, subscriptionId: me.subscriptionId, tenantId: me.tenantId } };
        }
        throw new Error(`The Azure simulator does not implement the function ${token}.`);
    },
};

/**
 * One request of azure-native to Azure Resource Manager: sent with azure-native's client retries (azure/client.ts),
 * checked (`refuse`: what Azure refuses before accepting it), then run as a long-running operation, on the server
 * it belongs to when it is a server or one of its children (azure/operations.ts).
 */
async function operate(op: "create" | "update" | "delete", type: string, spec: Spec, plain: Record<string, any>, id: string,
    work: () => Promise<void>, refuse?: () => Error | undefined): Promise<void> {
    const short = type.split(":").pop()!;
    await sendWithRetries({ op, type: short, name: String(plain[spec.nameProp] ?? id.split("/").pop()) }, async (failAsync) => {
        const refused = refuse?.();
        if (refused) throw refused;
        const run = async () => {
            failAsync?.();
            await work();
        };
        if (spec.serverScoped) {
            await serverOperation(serverId(plain.resourceGroupName, plain[spec.serverScoped]), `${short} ${op}`, run);
        } else if (type === "azure-native:dbforpostgresql:Server") {
            await serverOperation(id, `Server ${op}`, run);
        } else {
            await run();
        }
    });
}

if (require.main === module) {
    pulumi.provider.main(provider, process.argv.slice(2)).catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
