/**
 * A Flexible Server's management operations: one at a time per server, as Azure runs them, and the server's
 * `state` while one runs. The simulated Azure Resource Manager is served by two processes (the `azure-native`
 * plugin the CLI starts, and the HTTPS endpoint the e2e harness runs for calls the program makes itself, such as
 * a restart), so what runs is a marker file per server in the simulation directory, naming the operation and the
 * process; a marker whose process is gone (a killed plugin) no longer holds the server.
 *
 * - A write while another operation runs fails with 409 `ServerBusy`; an Entra administrator write while the
 *   server itself is being updated fails with `AadAuthOperationCannotBePerformedWhenServerIsNotAccessible`
 *   (hashicorp/terraform-provider-azurerm#19962, the source components/server.ts and components/administrators.ts cite).
 * - A restart while the server is not `Ready` fails with `ServerIsNotReady`: "Restart or Stop Server can only be
 *   performed on Started servers. ... Current Server State = Updating" (hashicorp/terraform-provider-azurerm#29219).
 * - While an operation runs the server's `state` is `Updating` (`Restarting` for a restart), then `Ready` again:
 *   the states of ServerProperties.state, "Updating: Server is undergoing some changes", "Restarting: PostgreSQL
 *   database engine is being restarted" (Azure/azure-rest-api-specs specification/postgresql/resource-manager/
 *   Microsoft.DBforPostgreSQL/stable/2025-08-01/Servers.json at 0f9798aa2720ac3b2299c448917356c18389ec41).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { azureError, signedIn, simDir, Store } from "../common";
import type { SimulatedResource } from "./resources";

/** Delay standing for the time a server operation takes, so that overlapping operations overlap. */
const operationMs = (): number => Number(process.env.ENTRA_E2E_SERVER_OPERATION_MS ?? "300");

export function serverId(rg: string, server: string): string {
    return `/subscriptions/${signedIn().subscriptionId}/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`;
}

interface Marker {
    what: string;
    pid: number;
}

function markerFile(id: string): string {
    const dir = path.join(simDir(), "operations");
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `${crypto.createHash("sha256").update(id.toLowerCase()).digest("hex").slice(0, 24)}.json`);
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** The operation running on server `id`, if any (a marker whose process is gone is removed). */
export function runningOperation(id: string): string | undefined {
    const file = markerFile(id);
    let marker: Marker;
    try {
        marker = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
    if (!alive(marker.pid)) {
        fs.rmSync(file, { force: true });
        return undefined;
    }
    return marker.what;
}

/** Takes server `id` for `what`, or fails as Azure does when another operation holds it. */
function take(id: string, what: string): void {
    const file = markerFile(id);
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(file, JSON.stringify({ what, pid: process.pid } satisfies Marker), { flag: "wx" });
            return;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        const running = runningOperation(id);
        if (running === undefined) continue; // a stale marker, removed: try again
        const name = id.split("/").pop();
        if (what.startsWith("AdministratorsMicrosoftEntra") && running === "Server update") {
            throw azureError(400, "AadAuthOperationCannotBePerformedWhenServerIsNotAccessible",
                `Microsoft Entra administrator operations cannot be performed while server ${name} is updating.`,
                "hashicorp/terraform-provider-azurerm#19962");
        }
        if (what === "Server restart") {
            throw azureError(400, "ServerIsNotReady",
                `Restart or Stop Server can only be performed on Started servers. Server Name = ${name}, Current Server State = Updating (${running})`,
                "hashicorp/terraform-provider-azurerm#29219");
        }
        throw azureError(409, "ServerBusy",
            `Server ${name} is busy with another operation (${running}). Please try your operation later.`,
            "hashicorp/terraform-provider-azurerm#19962");
    }
    throw new Error(`Could not take the operation marker of ${id}.`);
}

/** Sets the simulated server's `state` (when it exists in the simulation's resources). */
export function setServerState(id: string, state: string): void {
    new Store<SimulatedResource>("azure-resources").update(id, (record) => (record ? { ...record, outputs: { ...record.outputs, state } } : undefined));
}

/**
 * Runs `work` as an operation on server `id`: fails at once when another one runs; otherwise the server is
 * `Updating` (or `Restarting`) for the operation's time, `work` runs, and the server is `Ready` again.
 * Operations on the server's children (parameters, firewall rules, administrators, databases) hold the server too.
 */
export async function serverOperation<T>(id: string, what: string, work: () => Promise<T>): Promise<T> {
    take(id, what);
    const busyState = what === "Server restart" ? "Restarting" : what === "Server create" ? "Provisioning" : "Updating";
    try {
        if (what !== "Server create" && what !== "Server delete") setServerState(id, busyState);
        await new Promise((r) => setTimeout(r, operationMs()));
        return await work();
    } finally {
        if (what !== "Server delete") setServerState(id, "Ready");
        fs.rmSync(markerFile(id), { force: true });
    }
}
