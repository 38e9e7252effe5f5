import type * as pulumi from "@pulumi/pulumi";
import { packagedProviderModule, providerOrPackaged } from "../roles/dynamicResource";
import { entraDatabaseProvider, entraGrantsProvider } from "./provider";

/** The package subpath (package.json `exports`) of the compiled SQL providers, which the packaged module text requires. */
export const sqlProviderModule = "entra-postgres/sql-provider";

const providers = { entraDatabaseProvider, entraGrantsProvider };

/**
 * What `EntraDatabase` and `EntraGrants` hand to `DynamicResource`: when this module runs compiled out of the
 * package the program's own directory has installed, the module text pinned to this version that loads the
 * provider from that copy only (`packagedProviderModule`); otherwise the provider itself, serialized whole.
 */
export function sqlProvider(name: SqlProviderName): pulumi.dynamic.ResourceProvider | string {
    return providerOrPackaged(providers[name], sqlProviderModule, name);
}

export type SqlProviderName = keyof typeof providers;

/** The module text stored in `__provider` for the installed package: the pinned loader of the provider `name`. */
export function packagedSqlProviderText(name: SqlProviderName): string {
    return packagedProviderModule(sqlProviderModule, name);
}
