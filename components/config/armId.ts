/**
 * Azure Resource Manager ids of the network resources a stack can bring (`network.existing`,
 * `network.dnsZoneLinks`). ARM treats the fixed segments (`subscriptions`, `resourceGroups`, `providers`, the
 * provider namespace and resource types) case-insensitively, so the shapes below do too. Learn: "Resource
 * naming rules" https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 * (resource group: 1-90 letters, digits, `_`, `-`, `.`, `(`, `)`, not ending in `.`; virtual network and
 * subnet: 1-80 letters, digits, `_`, `-`, `.`; private DNS zone: a DNS name).
 */
export type ArmIdKind = "subnet" | "virtualNetwork" | "privateDnsZone";

export interface ArmId {
    readonly kind: ArmIdKind;
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    /** The resource's own name (the subnet's, the VNet's, the zone's). */
    readonly name: string;
    /** Subnets only: the VNet that holds the subnet. */
    readonly virtualNetwork?: string;
}

const guid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const group = "[-\\w.()]{0,89}[-\\w()]";
const netName = "[\\w][-\\w.]{0,78}[\\w]|[\\w]";
const zoneName = "(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
const prefix = `^/subscriptions/(${guid})/resourceGroups/(${group})/providers/Microsoft\\.Network/`;

const patterns: Record<ArmIdKind, RegExp> = {
    subnet: new RegExp(`${prefix}virtualNetworks/(${netName})/subnets/(${netName})$`, "i"),
    virtualNetwork: new RegExp(`${prefix}virtualNetworks/(${netName})$`, "i"),
    privateDnsZone: new RegExp(`${prefix}privateDnsZones/(${zoneName})$`, "i"),
};

/** What an id of each kind looks like, for error messages. */
export const armIdExamples: Record<ArmIdKind, { what: string; shape: string; command: string }> = {
    subnet: {
        what: "a subnet id",
        shape: "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
        command: "az network vnet subnet show -g <group> --vnet-name <vnet> -n <subnet> --query id",
    },
    virtualNetwork: {
        what: "a virtual network id",
        shape: "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>",
        command: "az network vnet show -g <group> -n <vnet> --query id",
    },
    privateDnsZone: {
        what: "a private DNS zone id",
        shape: "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>",
        command: "az network private-dns zone show -g <group> -n <zone> --query id",
    },
};

/** The parts of `id` when it is an ARM id of `kind`, else undefined. */
export function parseArmId(id: string, kind: ArmIdKind): ArmId | undefined {
    const m = patterns[kind].exec(id);
    if (!m) {
        return undefined;
    }
    if (kind === "subnet") {
        return { kind, subscriptionId: m[1].toLowerCase(), resourceGroup: m[2], virtualNetwork: m[3], name: m[4] };
    }
    return { kind, subscriptionId: m[1].toLowerCase(), resourceGroup: m[2], name: m[3] };
}

/** Two ids name the same resource: ARM ids compare case-insensitively. */
export function sameArmId(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}
