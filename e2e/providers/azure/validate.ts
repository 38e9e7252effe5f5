/**
 * Requests the simulated Azure refuses before it changes anything, as Azure would.
 */
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, reveal } from "../common";
import type { Spec } from "./resources";

export function validate(type: string, spec: Spec, news: Record<string, any>): pulumi.provider.CheckFailure[] {
    const failures: pulumi.provider.CheckFailure[] = [];
    for (const prop of spec.readOnly ?? []) {
        if (news[prop] !== undefined) failures.push({ property: prop, reason: `${prop} is read-only: Azure computes it.` });
    }
    if (type === "azure-native:compute:VirtualMachine" && news.identity?.principalId !== undefined) {
        failures.push({ property: "identity.principalId", reason: "identity.principalId is read-only: Azure computes it." });
    }
    if (type === "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra") {
        const allowed = ["Unknown", "User", "Group", "ServicePrincipal"];
        const value = reveal(news.principalType);
        if (value !== undefined && !containsUnknown(value) && !allowed.includes(value)) {
            failures.push({
                property: "principalType",
                reason: `principalType "${value}" is not one of ${allowed.join(", ")} (AdministratorsMicrosoftEntra.json, api-version 2025-08-01, ` +
                    "Azure/azure-rest-api-specs@0f9798aa2720ac3b2299c448917356c18389ec41).",
            });
        }
    }
    return failures;
}

