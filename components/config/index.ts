import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./parse";
import { engineSecretKeys } from "./secretKeys";
import { StackConfig } from "./model";

export * from "./model";
export * from "./errors";
export type { DataSafetyConfig, CustomerManagedKeyConfig, RestoreConfig } from "./dataSafety";
export { parseConfig, namespace, knownKeys, defaults } from "./parse";
export { checkParameterOverride, parameterCatalogue, catalogueEntry, knownParameters, parameterNeedsRestart } from "./parameters";

/** Reads this stack's settings from the Pulumi engine and validates them (throws `ConfigError`). */
export function loadConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    return parseConfig(raw, { project: pulumi.getProject(), stack: pulumi.getStack(), secretKeys: engineSecretKeys(raw) });
}
