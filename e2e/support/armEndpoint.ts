/**
 * The simulated Azure Resource Manager for the calls the program makes itself (components/restart: a server
 * restart), served over HTTPS on the address /etc/hosts maps `management.azure.com` to, with a certificate of the
 * test CA for that name: the same arrangement as the servers' FQDNs. It acts on the simulator's state
 * (e2e/providers/azure/) and restarts the simulated server's PostgreSQL.
 *
 * Implemented: Servers_Restart (POST …/flexibleServers/{name}/restart, api-version 2025-08-01, Servers.json at
 * 0f9798aa2720ac3b2299c448917356c18389ec41: 202 with `Azure-AsyncOperation`, "final-state-via": "location") and the
 * operation status it points to (`InProgress`, then `Succeeded` or `Failed` with an error). Requests need a
 * bearer token the stand-in `az` issued for Resource Manager (401 `InvalidAuthenticationToken` otherwise). A
 * restart while another operation runs on the server answers `ServerIsNotReady` (operations.ts). Injected faults
 * (`faults.json`, op `restart`) answer as Azure's front door would: the status, the error, and Retry-After.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { issueServerCertificate } from "./pki";
import { armTokenResource, verifyToken } from "../providers/common";
import { logRequest, takeFault } from "../providers/azure/client";
import { runningOperation, serverOperation } from "../providers/azure/operations";
import { restartWithParameters } from "../providers/azure/parameters";
import { servers } from "../providers/azure/postgres";

export const armHost = new URL(armTokenResource).host;
const apiVersion = "2025-08-01";

interface Operation {
    status: "InProgress" | "Succeeded" | "Failed";
    error?: { code: string; message: string };
}

export interface ArmEndpoint {
    close(): Promise<void>;
    /** Restarts done, by server name. */
    restarts: string[];
}

function send(res: import("http").ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
}

const error = (code: string, message: string) => ({ error: { code, message } });

/** Serves the endpoint on `ip`:443 until closed. `simDir` holds the simulation (the CA signs the certificate). */
export async function startArmEndpoint(simDir: string, ip: string): Promise<ArmEndpoint> {
    const ca = { certPem: fs.readFileSync(path.join(simDir, "ca.crt"), "utf8"), keyPem: fs.readFileSync(path.join(simDir, "ca.key"), "utf8") };
    const tls = issueServerCertificate(ca, armHost, ip);
    const operations = new Map<string, Operation>();
    const restarts: string[] = [];
    const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
        const url = new URL(req.url ?? "/", `https://${armHost}`);
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const claims = token ? verifyToken(token) : undefined;
        if (!claims || claims.aud.replace(/\/$/, "") !== armTokenResource) {
            logRequest({ endpoint: "arm", method: req.method, path: url.pathname, answer: "401" });
            send(res, 401, error("InvalidAuthenticationToken", "The access token is missing, invalid, or not issued for Azure Resource Manager."));
            return;
        }
        const operation = /\/azureAsyncOperation\/([0-9a-f-]+)$/.exec(url.pathname);
        if (req.method === "GET" && operation) {
            const found = operations.get(operation[1]);
            if (!found) return send(res, 404, error("OperationNotFound", `No operation ${operation[1]}.`));
            return send(res, 200, { name: operation[1], ...found }, found.status === "InProgress" ? { "retry-after": "0" } : {});
        }
        const restart = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+))\/restart$/i.exec(url.pathname);
        if (req.method !== "POST" || !restart) {
            return send(res, 404, error("NoRegisteredProviderFound", `The simulated Resource Manager does not implement ${req.method} ${url.pathname}.`));
        }
        if (url.searchParams.get("api-version") !== apiVersion) {
            return send(res, 400, error("InvalidApiVersionParameter", `The api-version '${url.searchParams.get("api-version")}' is not the simulated ${apiVersion}.`));
        }
        const [, serverId, name] = restart;
        const record = servers.all().find(([id]) => id.toLowerCase() === serverId.toLowerCase());
        if (!record) return send(res, 404, error("ResourceNotFound", `The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/${name}' was not found.`));
        const fault = takeFault({ op: "restart", type: "Server", name });
        logRequest({ endpoint: "arm", op: "restart", name, answer: fault ? `${fault.status} ${fault.code}${fault.async ? " (async)" : ""}` : "202" });
        if (fault && !fault.async) {
            const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
            return send(res, fault.status, error(fault.code, fault.message ?? `${fault.code} (injected)`), headers);
        }
        const running = runningOperation(record[0]);
        if (running) {
            return send(res, 400, error("ServerIsNotReady", `Restart or Stop Server can only be performed on Started servers. Server Name = ${name}, Current Server State = Updating (${running})`));
        }
        const id = crypto.randomUUID();
        operations.set(id, { status: "InProgress" });
        serverOperation(record[0], "Server restart", async () => {
            if (fault?.async) throw Object.assign(new Error(fault.message ?? `${fault.code} (injected)`), { code: fault.code });
            await restartWithParameters(record[1], record[0]);
            restarts.push(name);
        }).then(
            () => operations.set(id, { status: "Succeeded" }),
            (e: Error & { code?: string }) => operations.set(id, { status: "Failed", error: { code: e.code ?? "InternalServerError", message: e.message } }),
        );
        const location = `https://${armHost}/subscriptions/${serverId.split("/")[2]}/providers/Microsoft.DBforPostgreSQL/locations/westeurope/azureAsyncOperation/${id}?api-version=${apiVersion}`;
        send(res, 202, undefined, { "azure-asyncoperation": location, location, "retry-after": "0" });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", (e: NodeJS.ErrnoException) => reject(new Error(`The simulated Resource Manager cannot listen on ${ip}:443: ${e.message}${e.code === "EACCES" ? " (port 443 needs root)" : ""}`, { cause: e })));
        server.listen(443, ip, () => resolve());
    });
    return {
        restarts,
        close: () => new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}
