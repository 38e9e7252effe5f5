/**
 * A Flexible Server's management operations: one at a time per server, as Azure runs them.
 */
import { azureError, signedIn } from "../common";

/** Delay standing for the time a server operation takes, so that overlapping operations overlap. */
const operationMs = Number(process.env.ENTRA_E2E_SERVER_OPERATION_MS ?? "300");
/** Operations in progress, per server id: what is running. In-process: the CLI runs one azure-native plugin. */
const serverOperations = new Map<string, string>();

export function serverId(rg: string, server: string): string {
    return `/subscriptions/${signedIn().subscriptionId}/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`;
}

export async function serverOperation<T>(id: string, what: string, work: () => Promise<T>): Promise<T> {
    const running = serverOperations.get(id);
    if (running !== undefined) {
        if (what.startsWith("AdministratorsMicrosoftEntra") && running === "Server update") {
            throw azureError(400, "AadAuthOperationCannotBePerformedWhenServerIsNotAccessible",
                `Microsoft Entra administrator operations cannot be performed while server ${id.split("/").pop()} is updating.`,
                "hashicorp/terraform-provider-azurerm#19962");
        }
        throw azureError(409, "ServerBusy",
            `Server ${id.split("/").pop()} is busy with another operation (${running}). Please try your operation later.`,
            "hashicorp/terraform-provider-azurerm#19962");
    }
    serverOperations.set(id, what);
    try {
        await new Promise((r) => setTimeout(r, operationMs));
        return await work();
    } finally {
        serverOperations.delete(id);
    }
}

