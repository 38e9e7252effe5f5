import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";

/**
 * Microsoft Defender threat protection of one server: `Microsoft.Security/advancedThreatProtectionSettings/current`
 * on the server with `isEnabled: true` (Learn, "Microsoft Defender for Cloud", MicrosoftDocs/azure-databases-docs
 * articles/postgresql/security/security-defender-for-cloud.md at 31d803e5: Defender for open-source relational
 * databases detects anomalous access such as brute force and access from unusual places). What the policy
 * `postgres-defender-threat-protection` accepts for a server (policies/observability.ts). Changed in place.
 */
export function threatProtection(name: string, serverId: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): security.AdvancedThreatProtection {
    return new security.AdvancedThreatProtection(name, {
        resourceId: serverId,
        settingName: "current",
        isEnabled: true,
    }, opts);
}
