import * as pulumi from "@pulumi/pulumi";
import { EntraPostgres, loadConfig } from "./components";

// Validated before anything is declared: bad settings stop here with every problem named.
const config = loadConfig();
// Every output is decided by the component; this module only exports, each as a secret when it holds the value of a
// secret setting (`exported`).
const deployment = new EntraPostgres(config.stack, config);
const out = <T>(value: T) => deployment.exported(value);

export const resourceGroupName = out(deployment.resourceGroupName);
export const serverName = out(deployment.server.serverName);
export const serverFqdn = out(deployment.fqdn);
export const authMode = out(config.auth);
export const entraAdmins = out(deployment.entraAdmins);
export const deployer = out(config.deployer.name);
export const databases = out(config.databases);
export const vmName = out(deployment.vm?.vm.name);
export const vmPrincipalId = deployment.vm?.principalId;
export const vmRoleName = out(deployment.vmRoleName);
export const connectCommand = out(deployment.connectCommand);
export const vmConnectCommand = out(deployment.vmConnectCommand);
export const replicaFqdns = out(deployment.safeguards.replicas?.fqdns);
export const administratorLogin = out(config.administratorLogin);
export const administratorPassword = deployment.server.administratorPassword
    ? pulumi.secret(deployment.server.administratorPassword)
    : undefined;
