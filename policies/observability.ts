/**
 * Policies on what is observed about a server: diagnostic logs and Defender threat protection.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { cite, withStack, type PackPolicy } from "./lib/policy";
import { arrayOf, hasKey } from "./lib/props";
import { AZURE_POLICY } from "./lib/sources";
import { armName, ciEquals, fold } from "./lib/text";
import { TYPES, type AdvancedThreatProtectionInputs, type DefenderPricingInputs, type DiagnosticSettingInputs } from "./lib/types";

interface DiagnosticsConfig {
    categoryGroups: string[];
}

/** Destinations a diagnostic setting can send to; one must be set (even if unknown at preview). */
const DESTINATIONS = ["workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId"];

export const diagnosticSettings: StackValidationPolicy = {
    name: "postgres-diagnostic-settings",
    ...cite("Every PostgreSQL flexible server has a diagnostic setting that sends all its logs (category group allLogs) to a destination such as a Log Analytics workspace; failed Entra logins are only visible there.", {
        azurePolicy: [AZURE_POLICY.diagnostics, AZURE_POLICY.diagnosticsByCategoryGroup],
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Add a monitor.DiagnosticSetting with resourceUri = the server id, logs [{ categoryGroup: \"allLogs\", enabled: true }] and a workspaceId.",
    configSchema: {
        properties: {
            categoryGroups: {
                type: "array",
                items: { type: "string" },
                minItems: 1,
                default: ["allLogs"],
                description: "Log category groups that must be enabled (any one of them satisfies the rule).",
            },
        },
    },
    validateStack: withStack(TYPES.server, (index, args, report) => {
        const { categoryGroups } = args.getConfig<DiagnosticsConfig>();
        for (const server of index.servers()) {
            const settings = index.diagnosticSettingsFor(server);
            const complete = settings.some((ds) => {
                const props = index.props<DiagnosticSettingInputs>(ds);
                const logs = arrayOf<{ categoryGroup?: string; enabled?: boolean }>(props.logs);
                const allLogs = logs.some((l) => l?.enabled !== false && categoryGroups.some((g) => ciEquals(l?.categoryGroup, g)));
                const destination = DESTINATIONS.some((d) => hasKey(props, d) || index.deps(ds, d).length > 0);
                return allLogs && destination;
            });
            if (!complete) {
                report(settings.length === 0
                    ? `Server ${index.serverLabel(server)} has no diagnostic setting: add one that sends category group ${categoryGroups.join(" or ")} to a Log Analytics workspace.`
                    : `Server ${index.serverLabel(server)}: no diagnostic setting enables category group ${categoryGroups.join(" or ")} with a destination (workspaceId, storageAccountId or event hub).`, server.urn);
            }
        }
    }),
};

export const defenderThreatProtection: StackValidationPolicy = {
    name: "postgres-defender-threat-protection",
    ...cite("PostgreSQL flexible servers are covered by Microsoft Defender threat protection: an enabled security.AdvancedThreatProtection on the server, or the subscription's Defender plan OpenSourceRelationalDatabases on the Standard tier.", {
        azurePolicy: [AZURE_POLICY.defender, AZURE_POLICY.defenderDeploy],
    }),
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Add security.AdvancedThreatProtection { resourceId: server id, isEnabled: true } (config server.threatProtection: true), or enable the Defender for open-source relational databases plan (security.Pricing OpenSourceRelationalDatabases, Standard).",
    validateStack: withStack(TYPES.server, (index, _args, report) => {
        const planOn = index.ofType(TYPES.defenderPricing).some((p) => {
            const props = index.props<DefenderPricingInputs>(p);
            return ciEquals(props.pricingName, "OpenSourceRelationalDatabases") && ciEquals(props.pricingTier, "Standard");
        });
        if (planOn) {
            return;
        }
        for (const server of index.servers()) {
            const name = fold(index.serverName(server));
            const covered = index.ofType(TYPES.advancedThreatProtection).some((atp) => {
                const props = index.props<AdvancedThreatProtectionInputs>(atp);
                const scoped = index.deps(atp, "resourceId", TYPES.server).some((d) => d.urn === server.urn) ||
                    (name !== undefined && armName(props.resourceId, "flexibleServers") === name);
                // Unknown at preview counts as enabled: the value is decided by the program, not left out.
                return scoped && (props.isEnabled === true || (hasKey(props, "isEnabled") && props.isEnabled === undefined));
            });
            if (!covered) {
                report(`Server ${index.serverLabel(server)} has no Defender threat protection: enable the OpenSourceRelationalDatabases Defender plan or add an AdvancedThreatProtection setting for it.`, server.urn);
            }
        }
    }),
};

/** Observability policies, in pack order. */
export const observabilityPolicies: readonly PackPolicy[] = [diagnosticSettings, defenderThreatProtection];
