export { EntraRole, type EntraRoleArgs } from "./entraRole";
export { entraRoleProvider, entraRoleProviderVersion } from "./provider";
export type { EntraRoleInputs, EntraRoleState } from "./inputs";
export { scopeForCloud, type Cloud } from "./audiences";
export { getAccessToken } from "./token";
export { maxIdentifierBytes, roleNameProblem } from "../config/names";
// Test hooks (token source, retry policy, connection reset) are in ../testing.ts.
