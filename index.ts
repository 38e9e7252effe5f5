import * as pulumi from "@pulumi/pulumi";
import { EntraPostgres, loadConfig } from "./components";

// Validated before anything is declared: bad settings stop here with every problem named.
const config = loadConfig();
// Every output is decided by the component; this module only exports.
const deployment = new EntraPostgres(config.stack, config);

export const resourceGroupName = deployment.resourceGroupName;
export const serverName = deployment.server.serverName;
export const serverFqdn = deployment.fqdn;
export const authMode = config.auth;
export const entraAdmins = deployment.entraAdmins;
export const deployer = config.deployer.name;
export const databases = config.databases;
export const vmName = deployment.vm?.vm.name;
export const vmPrincipalId = deployment.vm?.principalId;
export const vmRoleName = deployment.vmRoleName;
export const connectCommand = deployment.connectCommand;
export const vmConnectCommand = deployment.vmConnectCommand;
export const replicaFqdns = deployment.safeguards.replicas?.fqdns;
export const administratorLogin = config.administratorLogin;
export const administratorPassword = deployment.server.administratorPassword
    ? pulumi.secret(deployment.server.administratorPassword)
    : undefined;
