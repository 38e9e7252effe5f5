/**
 * Azure Policy built-in definitions the pack mirrors: full ids and display names exactly as published in
 * Azure/azure-policy (built-in-policies/policyDefinitions/...). policies/sources.json records the file and
 * commit each was read at, and test/policies/sources.test.ts checks every citation against it.
 */
import type { AzurePolicyRef } from "./policy";

export const AZURE_POLICY = {
    entraOnly: { id: "fa498b91-8a7e-4710-9578-da944c68d1fe", displayName: "[Preview]: Azure PostgreSQL flexible server should have Microsoft Entra Only Authentication enabled" },
    entraAdmin: { id: "ce39a96d-bf09-4b60-8c32-e85d52abea0f", displayName: "A Microsoft Entra administrator should be provisioned for PostgreSQL flexible servers" },
    publicNetworkAccess: { id: "5e1de0e3-42cb-4ebc-a86d-61d0c619ca48", displayName: "Public network access should be disabled for PostgreSQL flexible servers" },
    privateEndpoint: { id: "5375a5bb-22c6-46d7-8a43-83417cfb4460", displayName: "Private endpoint should be enabled for PostgreSQL flexible servers" },
    geoBackup: { id: "cee2f9fd-3968-44be-a863-bd62c9884423", displayName: "Geo-redundant backup should be enabled for Azure Database for PostgreSQL flexible servers" },
    zoneResilient: { id: "493c215d-2553-4976-bc81-57d2c04fc8c1", displayName: "[Preview]: Azure Database for PostgreSQL Flexible Server should be Zone Resilient" },
    customerManagedKey: { id: "12c74c95-0efd-48da-b8d9-2a7d68470c92", displayName: "PostgreSQL flexible servers should use customer-managed keys to encrypt data at rest" },
    secureTransport: { id: "c29c38cb-74a7-4505-9a06-e588ab86620a", displayName: "Enforce SSL connection should be enabled for PostgreSQL flexible servers" },
    tls12: { id: "a43d5475-c569-45ce-a268-28fa79f4e87a", displayName: "PostgreSQL flexible servers should be running TLS version 1.2 or newer" },
    logCheckpoints: { id: "70be9e12-c935-49ac-9bd8-fd64b85c1f87", displayName: "Log checkpoints should be enabled for PostgreSQL flexible servers" },
    logConnections: { id: "086709ac-11b5-478d-a893-9567a16d2ae3", displayName: "Log connections should be enabled for PostgreSQL flexible servers" },
    logDisconnections: { id: "1d14b021-1bae-4f93-b36b-69695e14984a", displayName: "Disconnections should be logged for PostgreSQL flexible servers" },
    pgaudit: { id: "4eb5e667-e871-4292-9c5d-8bbb94e0c908", displayName: "Auditing with PgAudit should be enabled for PostgreSQL flexible servers" },
    connectionThrottling: { id: "dacf07fa-0eea-4486-80bc-b93fae88ac40", displayName: "[Deprecated]: Connection throttling should be enabled for PostgreSQL flexible servers" },
    diagnostics: { id: "78ed47da-513e-41e9-a088-e829b373281d", displayName: "Deploy Diagnostic Settings for PostgreSQL flexible servers to Log Analytics workspace" },
    diagnosticsByCategoryGroup: { id: "5fbd326d-328c-414e-a922-2d6963998962", displayName: "Enable logging by category group for microsoft.dbforpostgresql/flexibleservers to Log Analytics" },
    defender: { id: "d38668f5-d155-42c7-ab3d-9b57b50f8fbf", displayName: "Azure Defender for SQL should be enabled for unprotected PostgreSQL flexible servers" },
    defenderDeploy: { id: "2a6ae02f-7590-40d7-88ba-b18e205a32fd", displayName: "Configure Advanced Threat Protection to be enabled on Azure database for PostgreSQL flexible servers" },
    vmManagedIdentity: { id: "e4953962-5ae4-43eb-bb92-d66fd5563487", displayName: "[Preview]: A managed identity should be enabled on your machines" },
    nicNoPublicIp: { id: "83a86a26-fd1f-447c-b59d-e51f44264114", displayName: "Network interfaces should not have public IPs" },
    vmManagedDisks: { id: "06a78e20-9358-41c9-923c-fb736d382a4d", displayName: "Audit VMs that do not use managed disks" },
    encryptionAtHost: { id: "fc4d8e41-e223-45ea-9bf5-eada37891d87", displayName: "Virtual machines and virtual machine scale sets should have encryption at host enabled" },
    nicIpForwarding: { id: "88c0b9da-ce96-4b03-9635-f29a937e2900", displayName: "Network interfaces should disable IP forwarding" },
    logFileRetention: { id: "f5ed3f7a-cf5d-4ee6-9ede-b5d5192ccf81", displayName: "Configure logfiles.retention_days to at least 7 days for PostgreSQL flexible servers" },
    logLinePrefix: { id: "3bf854e8-b34a-47fe-9f81-bc558c82b3bd", displayName: "Configure log_line_prefix with key identifiers for PostgreSQL flexible servers" },
    pgauditPreload: { id: "dd626066-39f5-4f72-aba8-06a99fabf278", displayName: "Configure shared_preload_libraries to include pgaudit for PostgreSQL flexible servers" },
    pgauditLogClasses: { id: "eadbb524-8644-4a87-8af6-549e1d125982", displayName: "Configure pgaudit.log to include role, ddl, and misc for PostgreSQL flexible servers" },
    subnetNsg: { id: "e71308d3-144b-4262-b144-efdc3cc90517", displayName: "Subnets should be associated with a Network Security Group" },
} as const satisfies Record<string, AzurePolicyRef>;
