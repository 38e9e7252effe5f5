export { EntraGrants, type EntraGrantsArgs } from "./entraGrants";
export { EntraDatabase, type EntraDatabaseArgs } from "./entraDatabase";
export { entraGrantsProvider, entraDatabaseProvider } from "./provider";
export { grantLevels, grantStatements, revokeStatements, quoteIdent, createDatabaseStatement, type GrantLevel, type GrantSpec } from "./statements";
