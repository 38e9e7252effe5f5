import type { RecordedRegistration } from "./engine/recorder";
import { parameterNeedsRestart } from "../components/config/parameters";

/** What a reviewer looks at for each resource: the few properties that matter per resource type. */

/** Marks a value the program cannot know before Azure creates the resource. */
export const unknownText = "(known after deploy)";

function get(resource: RecordedRegistration, path: string): unknown {
    return path.split(".").reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), resource.props);
}

/** A property as text: its value, `[secret]`, or the unknown marker. */
function show(resource: RecordedRegistration, path: string): string | undefined {
    const top = path.split(".")[0];
    if (resource.secretKeys.includes(top)) {
        return "[secret]";
    }
    if (resource.unknownPaths.some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`))) {
        return unknownText;
    }
    const value = get(resource, path);
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function rules(list: unknown, format: (rule: Record<string, unknown>) => string): string | undefined {
    return Array.isArray(list) && list.length > 0 ? list.map((r) => format(r as Record<string, unknown>)).join("; ") : undefined;
}

/**
 * A resource placed in a network the stack does not create (`network.existing`): what it relies on there is
 * outside the program, so the offline plan cannot check it (docs/roles-and-access.md, "Network line of sight
 * for the role provider").
 */
function existingNetworkNote(needs: string): string {
    return `existing network: ${needs} cannot be checked offline; make sure they are in place`;
}

/** What a reviewer looks at for each resource type. */
export function details(r: RecordedRegistration): Record<string, string> {
    const d: Record<string, string | undefined> = {};
    switch (r.type) {
        case "azure-native:dbforpostgresql:Server": {
            const passwordAuth = get(r, "authConfig.passwordAuth");
            d.auth = passwordAuth === "Disabled" ? "Entra only" : passwordAuth === "Enabled" ? `Entra + password (login ${show(r, "administratorLogin")})` : unknownText;
            d.tenant = show(r, "authConfig.tenantId") ?? `${unknownText} (the deploying credential's tenant)`;
            d.version = show(r, "version");
            d.sku = `${show(r, "sku.name")} (${show(r, "sku.tier")})`;
            d.network = get(r, "network.publicNetworkAccess") !== "Disabled"
                ? "public (firewall rules)"
                : get(r, "network.delegatedSubnetResourceId") || r.unknownPaths.includes("network.delegatedSubnetResourceId")
                    ? "private (VNet-integrated, public access disabled)"
                    : "private endpoint (public access disabled, no delegated subnet, no firewall rules)";
            if (get(r, "network.delegatedSubnetResourceId") && !(r.propertyDependencies.network ?? []).length) {
                d.existingNetwork = existingNetworkNote("the subnet's delegation to Microsoft.DBforPostgreSQL/flexibleServers, the outbound rule and route to AzureActiveDirectory, the zone's link to the VNet");
            }
            d.highAvailability = show(r, "highAvailability.mode");
            d.backup = `${show(r, "backup.backupRetentionDays")} days, geo-redundant ${show(r, "backup.geoRedundantBackup")}`;
            d.protect = String(r.protect ?? false);
            break;
        }
        case "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra":
            d.admin = `${show(r, "principalName")} (${show(r, "principalType")}, ${show(r, "objectId")})`;
            break;
        case "azure-native:dbforpostgresql:Configuration":
            d.parameter = `${show(r, "configurationName")} = ${show(r, "value")}`;
            if (parameterNeedsRestart(String(get(r, "configurationName")))) {
                d.restart = "static parameter: applies after a server restart";
            }
            break;
        case "azure-native:dbforpostgresql:FirewallRule":
            d.allow = `${show(r, "startIpAddress")} – ${show(r, "endIpAddress")}`;
            break;
        case "azure-native:dbforpostgresql:Database":
            d.database = show(r, "databaseName");
            break;
        case "azure-native:network:NetworkSecurityGroup":
            d.rules = rules(get(r, "securityRules"), (x) => `${x.direction} ${x.access} ${x.protocol} ${x.sourceAddressPrefix ?? "*"} → ${x.destinationAddressPrefix}:${x.destinationPortRange}`) ?? "none (deny by default)";
            break;
        case "azure-native:network:RouteTable":
            d.routes = rules(get(r, "routes"), (x) => `${x.addressPrefix} → ${x.nextHopType}`);
            break;
        case "azure-native:network:Subnet":
            d.prefix = show(r, "addressPrefix");
            d.delegation = rules(get(r, "delegations"), (x) => String(x.serviceName));
            break;
        case "azure-native:network:VirtualNetwork":
            d.addressSpace = show(r, "addressSpace.addressPrefixes");
            break;
        case "azure-native:privatedns:PrivateZone":
            d.zone = show(r, "privateZoneName");
            break;
        case "azure-native:privatedns:VirtualNetworkLink":
            d.zone = show(r, "privateZoneName");
            d.vnet = show(r, "virtualNetwork.id");
            break;
        case "azure-native:network:PrivateEndpoint":
            d.target = rules(get(r, "privateLinkServiceConnections"), (x) => `${(x.groupIds as string[] | undefined)?.join(", ")} of ${x.privateLinkServiceId ?? unknownText}`);
            d.subnet = show(r, "subnet.id");
            if (!(r.propertyDependencies.subnet ?? []).length) {
                d.existingNetwork = existingNetworkNote("the subnet's NSG and routes, the zone's links to the VNets that resolve the server");
            }
            break;
        case "azure-native:network:PrivateDnsZoneGroup":
            d.zones = rules(get(r, "privateDnsZoneConfigs"), (x) => String(x.privateDnsZoneId ?? unknownText));
            break;
        case "azure-native:compute:VirtualMachine":
            d.identity = show(r, "identity.type");
            d.principalId = show(r, "identity.principalId") ?? unknownText;
            d.sshOnly = String(get(r, "osProfile.linuxConfiguration.disablePasswordAuthentication") === true);
            d.encryptionAtHost = show(r, "securityProfile.encryptionAtHost");
            break;
        case "azure-native:network:NetworkInterface":
            d.publicIp = get(r, "ipConfigurations.0.publicIPAddress") ? "yes" : "none";
            d.ipForwarding = show(r, "enableIPForwarding");
            if (!(r.propertyDependencies.ipConfigurations ?? []).length) {
                d.existingNetwork = existingNetworkNote("the subnet's NSG, routes and outbound access");
            }
            break;
        case "pulumi-nodejs:dynamic/entra-postgres:EntraRole":
            d.role = `${show(r, "roleName")} (${show(r, "principalType")})`;
            d.objectId = show(r, "objectId") ?? (r.propertyDependencies.objectId?.length ? unknownText : "resolved by name in the tenant");
            d.as = show(r, "adminLogin");
            break;
        case "postgresql:index/grant:Grant":
            d.grant = `${(get(r, "privileges") as string[] | undefined)?.join(", ")} on ${show(r, "objectType")}${get(r, "schema") ? ` in ${show(r, "schema")}` : ""} of ${show(r, "database")}`;
            d.to = show(r, "role") ?? unknownText;
            break;
        case "postgresql:index/defaultPrivileges:DefaultPrivileges":
            d.defaults = `${(get(r, "privileges") as string[] | undefined)?.join(", ")} on future ${show(r, "objectType")}s of ${show(r, "owner") ?? unknownText} in ${show(r, "database")}`;
            d.to = show(r, "role") ?? unknownText;
            break;
        case "pulumi:providers:postgresql":
            d.signIn = `${show(r, "username")} @ ${show(r, "host") ?? unknownText}, sslmode=${show(r, "sslmode")}, ${get(r, "azureIdentityAuth") === "true" ? "Entra identity auth" : r.secretKeys.includes("password") ? "Entra token as secret password" : "password"}`;
            break;
        case "azure-native:monitor:DiagnosticSetting":
            d.logs = rules(get(r, "logs"), (x) => String(x.categoryGroup ?? x.category));
            break;
    }
    return Object.fromEntries(Object.entries(d).filter((e): e is [string, string] => e[1] !== undefined));
}
