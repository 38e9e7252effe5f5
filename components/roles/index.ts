export { EntraRole, type EntraRoleArgs } from "./entraRole";
export { entraRoleProvider, entraRoleProviderVersion } from "./provider";
export type { EntraPrincipalKind, EntraRoleInputs, EntraRoleState } from "./inputs";
export { scopeForCloud, supportedClouds, type Cloud } from "./audiences";
export { getAccessToken } from "./token";
export { maxRoleNameBytes, roleNameProblem } from "./names";
// Test hooks (token source, retry policy, connection reset) are in ../testing.ts.
