import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { Cloud, cloudEndpoints } from "./cloud";
import { defaults } from "./config/settings";
import { linkZone, zoneFromId } from "./dnsZoneLinks";

/**
 * The private link group id of a Flexible Server: the only sub-resource its private endpoint connects to.
 * Learn: "Azure Private Endpoint private DNS zone values" (Databases: "Azure Database for PostgreSQL -
 * Flexible server (Microsoft.DBforPostgreSQL/flexibleServers) | postgresqlServer") and "What is a private
 * endpoint?" (private-link resource table); contracts/azure/Microsoft.Network.json records both sources.
 */
export const postgresGroupId = "postgresqlServer";

export interface PostgresPrivateEndpointArgs {
    /** Resource group of the endpoint (and of the zone, when this component creates it). */
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /** ARM id of the Flexible Server (`Microsoft.DBforPostgreSQL/flexibleServers`). */
    serverId: pulumi.Input<string>;
    /** Subnet of the endpoint's network interface; no delegation needed. */
    subnetId: pulumi.Input<string>;
    /** Cloud of the zone name (`privatelink.postgres.database.<suffix>`). Default `public`. */
    cloud?: Cloud;
    /**
     * An existing `privatelink.postgres.database.<suffix>` zone. Default: the component creates the zone in
     * `resourceGroupName` and links it to `virtualNetworkId`. An existing zone must already be linked to the
     * VNets that resolve the server (only `dnsZoneLinks` are added).
     */
    privateDnsZoneId?: pulumi.Input<string>;
    /** The VNet of the endpoint: linked to the zone this component creates. Ignored with `privateDnsZoneId`. */
    virtualNetworkId?: pulumi.Input<string>;
    /** Further VNets (ids: a hub, the runners' VNet) linked to the zone, created or existing. Default none. */
    dnsZoneLinks?: pulumi.Input<string>[];
    /** Resources the endpoint waits for (e.g. the server's last management write). Default none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    tags?: Record<string, string>;
}

/**
 * A private endpoint to a Flexible Server (group `postgresqlServer`) and the DNS that makes the server's name
 * resolve to it: a private DNS zone group on the endpoint, which writes the endpoint's A record into the
 * cloud's `privatelink.postgres.database.<suffix>` zone, and the zone's VNet links. Learn: "Azure Database for
 * PostgreSQL networking with Private Link",
 * https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private-link, and "Azure
 * Private Endpoint DNS integration", https://learn.microsoft.com/azure/private-link/private-endpoint-dns.
 *
 * The server itself has public network access disabled and no delegated subnet (`FlexibleServer` with
 * `publicNetworkAccess: "Disabled"`); no firewall rule applies. Database writes must wait for `ready`: only
 * then does the server's name resolve to the endpoint inside the linked VNets.
 */
export class PostgresPrivateEndpoint extends pulumi.ComponentResource {
    readonly endpoint: network.PrivateEndpoint;
    readonly zoneGroup: network.PrivateDnsZoneGroup;
    /** The zone this component created (none when `privateDnsZoneId` was given). */
    readonly dnsZone?: privatedns.PrivateZone;
    readonly privateDnsZoneId: pulumi.Output<string>;
    /** Links from the zone to the endpoint's VNet (created zone) and to each of `dnsZoneLinks`. */
    readonly zoneLinks: privatedns.VirtualNetworkLink[];
    /** What a client inside the linked VNets waits for before the server's name resolves: zone group and links. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: PostgresPrivateEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-postgres:network:PostgresPrivateEndpoint", name, {}, opts);
        const child = { parent: this };
        const { resourceGroupName, location, tags } = args;
        const cloud = args.cloud ?? defaults.cloud;
        this.zoneLinks = [];

        if (args.privateDnsZoneId !== undefined) {
            this.privateDnsZoneId = pulumi.output(args.privateDnsZoneId);
            this.zoneLinks.push(...linkZone(`${name}-dns`, zoneFromId(args.privateDnsZoneId), args.dnsZoneLinks ?? [], child, tags));
        } else {
            this.dnsZone = new privatedns.PrivateZone(`${name}-dns`, {
                resourceGroupName,
                location: "global",
                privateZoneName: cloudEndpoints[cloud].privateLinkDnsZone,
                tags,
            }, child);
            this.privateDnsZoneId = this.dnsZone.id;
            const zone = { resourceGroupName, zoneName: this.dnsZone.name };
            if (args.virtualNetworkId !== undefined) {
                this.zoneLinks.push(new privatedns.VirtualNetworkLink(`${name}-dns-link`, {
                    resourceGroupName,
                    location: "global",
                    privateZoneName: this.dnsZone.name,
                    virtualNetwork: { id: args.virtualNetworkId },
                    registrationEnabled: false,
                    tags,
                }, child));
            }
            this.zoneLinks.push(...linkZone(`${name}-dns`, zone, args.dnsZoneLinks ?? [], child, tags));
        }

        this.endpoint = new network.PrivateEndpoint(`${name}-endpoint`, {
            resourceGroupName,
            location,
            subnet: { id: args.subnetId },
            privateLinkServiceConnections: [{
                name: `${name}-postgres`,
                privateLinkServiceId: args.serverId,
                groupIds: [postgresGroupId],
            }],
            tags,
        }, { parent: this, dependsOn: args.dependsOn });

        this.zoneGroup = new network.PrivateDnsZoneGroup(`${name}-zone-group`, {
            resourceGroupName,
            privateEndpointName: this.endpoint.name,
            privateDnsZoneGroupName: "default",
            privateDnsZoneConfigs: [{ name: "postgres", privateDnsZoneId: this.privateDnsZoneId }],
        }, child);

        this.ready = [this.zoneGroup, ...this.zoneLinks];
        this.registerOutputs({ endpointId: this.endpoint.id, privateDnsZoneId: this.privateDnsZoneId });
    }
}
