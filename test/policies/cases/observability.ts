import { TYPES } from "../../../policies/lib/types";
import { DEV, NAMES, PROD, SERVER_URN, U, buildStack, patch } from "../fixtures";
import { res, type CaseTable } from "../helpers";

const prod = buildStack(PROD);
const dev = buildStack(DEV);

export const observabilityCases: CaseTable = {
    "postgres-diagnostic-settings": [
        { title: "allLogs to a workspace, linked through resourceUri", resources: prod, expect: "pass" },
        { title: "no diagnostic setting (dev)", resources: dev, expect: "fail", urn: SERVER_URN, message: /has no diagnostic setting/ },
        {
            title: "only some categories, not allLogs",
            resources: patch(prod, NAMES.diagnostic, (r) => (r.props.logs = [{ category: "PostgreSQLLogs", enabled: true }])),
            expect: "fail", message: /no diagnostic setting enables category group allLogs/,
        },
        {
            title: "allLogs disabled",
            resources: patch(prod, NAMES.diagnostic, (r) => (r.props.logs = [{ categoryGroup: "allLogs", enabled: false }])),
            expect: "fail",
        },
        {
            title: "no destination",
            resources: patch(prod, NAMES.diagnostic, (r) => {
                delete r.props.workspaceId;
                delete r.propertyDependencies.workspaceId;
            }),
            expect: "fail",
        },
        {
            title: "the v2 insights token, matched by server name in a known id",
            resources: [...dev, res(TYPES.diagnosticSettingV2, "legacy", {
                resourceUri: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-entra-dev",
                storageAccountId: U, logs: [{ categoryGroup: "ALLLOGS", enabled: true }],
            })],
            expect: "pass",
        },
        { title: "audit category group accepted when configured", resources: patch(prod, NAMES.diagnostic, (r) => (r.props.logs = [{ categoryGroup: "audit", enabled: true }])), config: { categoryGroups: ["allLogs", "audit"] }, expect: "pass" },
    ],
    "postgres-defender-threat-protection": [
        {
            title: "advanced threat protection on the server",
            resources: [...prod, res(TYPES.advancedThreatProtection, "atp", { resourceId: U, isEnabled: true }, { deps: { resourceId: [SERVER_URN] } })],
            expect: "pass",
        },
        {
            title: "the subscription's Defender plan",
            resources: [...prod, res(TYPES.defenderPricing, "plan", { pricingName: "OpenSourceRelationalDatabases", pricingTier: "Standard" })],
            expect: "pass",
        },
        { title: "neither", resources: prod, expect: "fail", urn: SERVER_URN, message: /no Defender threat protection/ },
        {
            title: "threat protection explicitly disabled",
            resources: [...prod, res(TYPES.advancedThreatProtection, "atp", { resourceId: U, isEnabled: false }, { deps: { resourceId: [SERVER_URN] } })],
            expect: "fail",
        },
        {
            title: "the Free tier is not protection",
            resources: [...prod, res(TYPES.defenderPricing, "plan", { pricingName: "OpenSourceRelationalDatabases", pricingTier: "Free" })],
            expect: "fail",
        },
    ],
};
