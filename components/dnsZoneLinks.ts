import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { parseArmId } from "./config/armId";

/** A private DNS zone by the two names a `VirtualNetworkLink` needs. */
export interface ZoneRef {
    resourceGroupName: pulumi.Input<string>;
    zoneName: pulumi.Input<string>;
}

/** The zone an ARM id names (the id may come from another resource). */
export function zoneFromId(privateDnsZoneId: pulumi.Input<string>): ZoneRef {
    const parts = pulumi.output(privateDnsZoneId).apply((id) => {
        const parsed = parseArmId(id, "privateDnsZone");
        if (!parsed) {
            throw new Error(`"${id}" is not a private DNS zone id (/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>).`);
        }
        return parsed;
    });
    return { resourceGroupName: parts.resourceGroup, zoneName: parts.name };
}

/**
 * The child name of the link to `virtualNetworkId`: named after the VNet and a hash of its id when the id is
 * known when the program runs (a config value), so reordering the list changes no URN; by position otherwise.
 */
export function zoneLinkName(prefix: string, virtualNetworkId: pulumi.Input<string>, index: number): string {
    if (typeof virtualNetworkId !== "string") {
        return `${prefix}-link-${index}`;
    }
    const vnet = parseArmId(virtualNetworkId, "virtualNetwork")?.name ?? "vnet";
    const slug = vnet.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "vnet";
    const hash = createHash("sha256").update(virtualNetworkId.toLowerCase(), "utf8").digest("hex").slice(0, 8);
    return `${prefix}-link-${slug}-${hash}`;
}

/**
 * A `privatedns:VirtualNetworkLink` from `zone` to each VNet, auto-registration off (the server's or endpoint's
 * records are written by Azure, not by VMs). Learn: "What is a virtual network link?",
 * https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links: a VNet resolves a private zone's
 * records only once linked to it, and a hub or a runners' VNet needs its own link.
 */
export function linkZone(
    prefix: string,
    zone: ZoneRef,
    virtualNetworkIds: readonly pulumi.Input<string>[],
    opts: { parent: pulumi.Resource; dependsOn?: pulumi.Input<pulumi.Resource>[] },
    tags?: Record<string, string>,
): privatedns.VirtualNetworkLink[] {
    return virtualNetworkIds.map((virtualNetworkId, index) => new privatedns.VirtualNetworkLink(zoneLinkName(prefix, virtualNetworkId, index), {
        resourceGroupName: zone.resourceGroupName,
        location: "global",
        privateZoneName: zone.zoneName,
        virtualNetwork: { id: virtualNetworkId },
        registrationEnabled: false,
        tags,
    }, opts));
}
