import * as pulumi from "@pulumi/pulumi";
import { EntraPostgres, humanConnectCommand, loadConfig, vmLoginCommand } from "./components";

// Validated before anything is declared: bad settings stop here with every problem named.
const config = loadConfig();
const deployment = new EntraPostgres(config.stack, config);
const defaultDatabase = config.databases[0] ?? "postgres";

export const resourceGroupName = deployment.resourceGroupName;
export const serverName = deployment.server.serverName;
export const serverFqdn = deployment.fqdn;
export const authMode = config.auth;
export const entraAdmins = config.admins.map((a) => `${a.name} (${a.type})`);
export const deployer = config.deployer.name;
export const databases = config.databases;
export const vmName = deployment.vm?.vm.name;
export const vmPrincipalId = deployment.vm?.principalId;
export const vmRoleName = deployment.vm?.roleName;
export const connectCommand = humanConnectCommand(deployment.fqdn, config.cloud, defaultDatabase);
export const vmConnectCommand = config.vm.enabled ? vmLoginCommand(config.vm.adminUsername, config.vm.name, defaultDatabase) : undefined;
export const administratorLogin = config.administratorLogin;
export const administratorPassword = deployment.server.administratorPassword
    ? pulumi.secret(deployment.server.administratorPassword)
    : undefined;
