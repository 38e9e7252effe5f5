export { EntraRole, type EntraRoleArgs } from "./entraRole";
export { entraRoleProvider, entraRoleProviderVersion } from "./provider";
export type { EntraPrincipalKind, EntraRoleInputs, EntraRoleState } from "./inputs";
export { scopeForCloud, supportedClouds, type Cloud } from "./audiences";
export { setTokenSource, getAccessToken, tokenRefreshMarginMs, type TokenSource, type AccessTokenLike } from "./token";
export { closeAllConnections, maxConnectionsPerServer } from "./connection";
export { setRetryPolicy, defaultRetryPolicy, retryPolicyEnvironment, type RetryPolicy } from "./retry";
export { maxRoleNameBytes, roleNameProblem } from "./names";
