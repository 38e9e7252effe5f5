// The package's public API (`entra-postgres`), named one by one so that nothing internal is exported by
// accident. Test hooks (token source, retry policy, connection reset) live in `./testing`
// (`entra-postgres/testing`), which this entry point does not export.

// Settings: the typed model, its parser and its errors.
export { loadConfig, parseConfig, defaults, ConfigError } from "./config";
export type {
    ConfigProblem,
    StackConfig,
    AuthMode,
    AdminType,
    PrincipalKind,
    AccessLevel,
    EntraAdmin,
    DatabaseAccess,
    Principal,
    NetworkAccess,
    ExistingNetwork,
    IpRange,
    NetworkConfig,
    HighAvailability,
    SkuTier,
    MaintenanceWindow,
    ServerConfig,
    VmConfig,
    DiagnosticsConfig,
    DataSafetyConfig,
    CustomerManagedKeyConfig,
    RestoreConfig,
} from "./config";

// Components.
export { EntraPostgres } from "./entraPostgres";
export { EntraNetwork, type EntraNetworkArgs, type ExistingNetworkArgs } from "./network";
export { PostgresPrivateEndpoint, postgresGroupId, type PostgresPrivateEndpointArgs } from "./privateEndpoint";
export { FlexibleServer, type FlexibleServerArgs, type MaintenanceWindowArgs } from "./server";
export { EntraAdministrators, type EntraAdministratorsArgs } from "./administrators";
export { Databases, type DatabasesArgs } from "./databases";
export { ServerDiagnostics, type ServerDiagnosticsArgs } from "./diagnostics";
export { IdentityVm, type IdentityVmArgs } from "./vm";
export { EntraAccess, levelPrivileges, type EntraAccessArgs, type AccessIdentity, type LevelPrivileges } from "./access";
// Data safety: locks, a customer-managed key, restore, replicas, Defender (docs/data-safety.md).
export { deleteLock, lockNotes, type DeleteLockArgs } from "./lock";
export { CustomerManagedKey, keyVaultCryptoServiceEncryptionUser, type CustomerManagedKeyArgs, type CustomerManagedKeyInputs } from "./customerManagedKey";
export { ReadReplicas, type ReadReplicasArgs } from "./replicas";
export { restoreServerInputs } from "./restore";
export { threatProtection } from "./threatProtection";
export type { DataSafetyServerArgs } from "./server";

// Database roles for Entra identities (the dynamic provider's resource).
export {
    EntraRole,
    entraRoleProviderVersion,
    scopeForCloud,
    maxIdentifierBytes,
    roleNameProblem,
    type EntraRoleArgs,
    type EntraRoleState,
} from "./roles";

// Clouds, the VM's login script and the commands to log in.
export { clouds, cloudEndpoints, serverFqdn, type Cloud, type CloudEndpoints } from "./cloud";
export { loginScript, cloudInit, type LoginScriptArgs } from "./cloudInit";
export { humanConnectCommand, vmLoginCommand } from "./commands";
