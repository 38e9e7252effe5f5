/**
 * Typical durations of the operations a first `pulumi up` makes, by resource type, in seconds. They weight
 * the deployment graph in the critical-path benchmark. Only their relative size matters to the ratios
 * reported; each says where it comes from (an observation, or an estimate within the range the benchmark
 * issue gives).
 */

export interface TypicalDuration {
    /** Seconds of the create operation. */
    seconds: number;
    /** Where the figure comes from. */
    basis: string;
}

const observedApplyLog = "observed in a public `terraform apply` log against Azure (turbot/steampipe-plugin-azure PR #824)";

export const typicalDurations: Readonly<Record<string, TypicalDuration>> = {
    "azure-native:resources:ResourceGroup": { seconds: 3, basis: "estimate (a metadata-only ARM write)" },
    "azure-native:network:VirtualNetwork": { seconds: 8, basis: observedApplyLog },
    "azure-native:network:Subnet": { seconds: 6, basis: observedApplyLog },
    "azure-native:network:NetworkSecurityGroup": { seconds: 5, basis: "estimate (network resources take seconds)" },
    "azure-native:network:RouteTable": { seconds: 5, basis: "estimate (network resources take seconds)" },
    "azure-native:network:PublicIPAddress": { seconds: 5, basis: "estimate (network resources take seconds)" },
    "azure-native:network:NatGateway": { seconds: 20, basis: "estimate" },
    "azure-native:network:NetworkInterface": { seconds: 5, basis: "estimate (network resources take seconds)" },
    "azure-native:network:PrivateEndpoint": { seconds: 60, basis: "estimate (the endpoint and its network interface, about a minute)" },
    "azure-native:network:PrivateDnsZoneGroup": { seconds: 10, basis: "estimate (one DNS record set in the zone)" },
    "azure-native:privatedns:PrivateZone": { seconds: 35, basis: observedApplyLog },
    "azure-native:privatedns:VirtualNetworkLink": { seconds: 30, basis: "estimate (zone + link about 1 min)" },
    "azure-native:dbforpostgresql:Server": { seconds: 600, basis: "estimate (about 10 min; high availability adds, see below)" },
    "azure-native:dbforpostgresql:Configuration": { seconds: 45, basis: "estimate (a parameter write takes 30–60 s)" },
    "azure-native:dbforpostgresql:FirewallRule": { seconds: 45, basis: "estimate (a server-scoped write, like a parameter)" },
    "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": { seconds: 90, basis: "estimate (an Entra admin write takes 1–2 min)" },
    "azure-native:dbforpostgresql:Database": { seconds: 30, basis: "estimate" },
    "azure-native:compute:VirtualMachine": { seconds: 150, basis: "estimate (2–3 min)" },
    "azure-native:operationalinsights:Workspace": { seconds: 30, basis: "estimate" },
    "azure-native:monitor:DiagnosticSetting": { seconds: 10, basis: "estimate" },
    "random:index/randomPassword:RandomPassword": { seconds: 0, basis: "computed locally by the provider" },
    "pulumi-nodejs:dynamic/entra-postgres:EntraRole": { seconds: 1, basis: "estimate (one SQL round trip set; see the role-throughput benchmark)" },
    "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase": { seconds: 2, basis: "estimate (CREATE DATABASE from template0 and a catalog read-back)" },
    "pulumi-nodejs:dynamic/entra-postgres:EntraGrants": { seconds: 1, basis: "estimate (one transaction of GRANTs and an ACL check, as a Grant set)" },
    "pulumi-nodejs:dynamic/entra-postgres:ServerGuard": { seconds: 0, basis: "no Azure side: the guard only compares settings at check (components/restart/resources.ts)" },
    "azure-native:authorization:ManagementLockByScope": { seconds: 5, basis: "estimate (one synchronous PUT on the scope, no long-running operation)" },
    "postgresql:index/grant:Grant": { seconds: 1, basis: "estimate (a few SQL statements)" },
    "postgresql:index/defaultPrivileges:DefaultPrivileges": { seconds: 1, basis: "estimate (a few SQL statements)" },
};

/** Added to the server's create when high availability is on: the standby is a second server to provision. */
export const highAvailabilitySeconds: TypicalDuration = {
    seconds: 300,
    basis: "estimate (a standby with the same compute and storage, in another zone for ZoneRedundant)",
};

/** Provider resources (`pulumi:providers:*`) only hold configuration: no cloud operation. */
export const providerResourceSeconds = 0;

/**
 * Seconds the create of `resource` is expected to take. Component resources take none. A custom resource of
 * a type missing from {@link typicalDurations} is an error, so the table stays complete as the program grows.
 */
export function typicalSeconds(resource: { type: string; custom: boolean; props: Record<string, unknown> }): number {
    if (!resource.custom) return 0;
    if (resource.type.startsWith("pulumi:providers:")) return providerResourceSeconds;
    const entry = typicalDurations[resource.type];
    if (!entry) {
        throw new Error(
            `No typical duration for resource type ${resource.type}. Add it to typicalDurations in bench/azureDurations.ts ` +
                `with the source of the figure.`,
        );
    }
    if (resource.type === "azure-native:dbforpostgresql:Server") {
        const mode = (resource.props.highAvailability as { mode?: unknown } | undefined)?.mode;
        if (typeof mode === "string" && mode !== "Disabled") return entry.seconds + highAvailabilitySeconds.seconds;
    }
    return entry.seconds;
}
