import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, allPolicies } from "./catalog";

new PolicyPack(PACK_NAME, {
    description: "Azure Database for PostgreSQL flexible server secured with Microsoft Entra ID: Azure Policy, CIS, checkov and trivy rules, plus the Entra lockout and network rules.",
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    policies: [...allPolicies],
});
