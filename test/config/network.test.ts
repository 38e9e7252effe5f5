import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { parseArmId } from "../../components/config/armId";
import { loadStackConfig } from "../../plan/engine/configEncoding";

/**
 * `network.access: private-endpoint`, `network.existing` and `network.dnsZoneLinks`: ids checked for shape,
 * required and refused per mode, zone names per mode and cloud, duplicates, each refused by key with the fix.
 */
const sub = "00000000-0000-0000-0000-000000000000";
const vnetId = (group: string, vnet: string) => `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${vnet}`;
const subnetId = (name: string) => `${vnetId("net", "spoke")}/subnets/${name}`;
const zoneId = (zone: string) => `/subscriptions/${sub}/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/${zone}`;
const linkZone = zoneId("privatelink.postgres.database.azure.com");
const privateZone = zoneId("prod.private.postgres.database.azure.com");

function configWith(network: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, string> {
    const raw: Record<string, string> = { ...loadStackConfig("prod"), "entra-postgres:network": JSON.stringify(network) };
    for (const [key, value] of Object.entries(extra)) {
        raw[`entra-postgres:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return raw;
}

function parse(network: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return parseConfig(configWith(network, extra), { project: "entra-postgres", stack: "prod" });
}

function problems(network: Record<string, unknown>, extra: Record<string, unknown> = {}): Map<string, string> {
    try {
        parse(network, extra);
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return new Map(err.problems.map((p) => [p.key.replace(/^entra-postgres:/, ""), p.message]));
    }
    return new Map();
}

describe("ARM ids", () => {
    test("provider segments compare case-insensitively; the subscription must be a GUID", () => {
        assert.deepEqual(parseArmId(subnetId("clients").toLowerCase(), "subnet")?.name, "clients");
        assert.equal(parseArmId(subnetId("clients").replace("/subscriptions/", "/SUBSCRIPTIONS/").replace("Microsoft.Network", "MICROSOFT.NETWORK"), "subnet")?.virtualNetwork, "spoke");
        assert.equal(parseArmId(subnetId("clients").replace(sub, "my-subscription"), "subnet"), undefined);
        assert.equal(parseArmId(`${subnetId("clients")}/`, "subnet"), undefined, "a trailing slash");
        assert.equal(parseArmId(vnetId("net", "spoke"), "subnet"), undefined, "a VNet is not a subnet");
        assert.equal(parseArmId(subnetId("clients"), "virtualNetwork"), undefined, "a subnet is not a VNet");
        assert.equal(parseArmId(subnetId("clients").replace("Microsoft.Network", "Microsoft.Compute"), "subnet"), undefined);
        assert.equal(parseArmId(linkZone, "privateDnsZone")?.resourceGroup, "net");
        assert.equal(parseArmId(zoneId("not a zone"), "privateDnsZone"), undefined);
    });
});

describe("private-endpoint access", () => {
    test("a stack-created network: endpoint subnet inside the address space, no firewall", () => {
        const config = parse({ access: "private-endpoint", addressSpace: "10.40.0.0/16", vmSubnet: "10.40.2.0/24", endpointSubnet: "10.40.3.0/24" });
        assert.equal(config.network.access, "private-endpoint");
        assert.equal(config.network.endpointSubnet, "10.40.3.0/24");
        assert.equal(config.network.existing, undefined);
        assert.deepEqual(config.network.dnsZoneLinks, []);
    });
    test("the endpoint subnet must lie inside the address space and not overlap the VM subnet", () => {
        const outside = problems({ access: "private-endpoint", addressSpace: "10.40.0.0/16", vmSubnet: "10.40.2.0/24" });
        assert.match(outside.get("network.endpointSubnet") ?? "", /10\.20\.3\.0\/24" is outside network\.addressSpace 10\.40\.0\.0\/16/);
        const overlap = problems({ access: "private-endpoint", addressSpace: "10.40.0.0/16", vmSubnet: "10.40.2.0/24", endpointSubnet: "10.40.2.128/25" });
        assert.match(overlap.get("network.vmSubnet") ?? "", /overlaps network\.endpointSubnet 10\.40\.2\.128\/25/);
    });
    test("allowedIps, allowAzureServices and routeTable are refused", () => {
        const found = problems({ access: "private-endpoint", addressSpace: "10.20.0.0/16", allowedIps: ["203.0.113.10"], allowAzureServices: true, routeTable: true });
        assert.match(found.get("network.allowedIps") ?? "", /network\.access is private-endpoint.*Remove allowedIps/);
        assert.match(found.get("network.allowAzureServices") ?? "", /only applies to public access/);
        assert.match(found.get("network.routeTable") ?? "", /only applies to network\.access private/);
    });
    test("endpointSubnet is refused in the other modes", () => {
        for (const access of ["private", "public"]) {
            const found = problems({ access, endpointSubnet: "10.20.3.0/24" });
            assert.match(found.get("network.endpointSubnet") ?? "", /only applies to network\.access private-endpoint.*Remove it/, access);
        }
    });
});

describe("network.existing", () => {
    const corp = { endpointSubnetId: subnetId("endpoints"), vmSubnetId: subnetId("clients"), privateDnsZoneId: linkZone };

    test("private-endpoint with every id it needs", () => {
        const config = parse({ access: "private-endpoint", existing: corp });
        assert.deepEqual(config.network.existing, corp);
    });
    test("private with a delegated subnet and a private zone", () => {
        const existing = { serverSubnetId: subnetId("postgres"), vmSubnetId: subnetId("clients"), privateDnsZoneId: privateZone };
        assert.deepEqual(parse({ access: "private", existing }).network.existing, existing);
    });
    test("public takes the VM subnet only", () => {
        assert.deepEqual(parse({ access: "public", existing: { vmSubnetId: subnetId("clients") } }).network.existing, { vmSubnetId: subnetId("clients") });
        const found = problems({ access: "public", existing: { vmSubnetId: subnetId("clients"), privateDnsZoneId: linkZone } });
        assert.match(found.get("network.existing.privateDnsZoneId") ?? "", /does not apply to network\.access public.*Remove it/);
    });
    test("missing ids are required by name, per mode", () => {
        const pe = problems({ access: "private-endpoint", existing: {} });
        for (const key of ["endpointSubnetId", "privateDnsZoneId", "vmSubnetId"]) {
            assert.match(pe.get(`network.existing.${key}`) ?? "", /is required with network\.access private-endpoint and network\.existing/, key);
        }
        const priv = problems({ access: "private", existing: { vmSubnetId: subnetId("clients") } });
        assert.deepEqual([...priv.keys()].sort(), ["network.existing.privateDnsZoneId", "network.existing.serverSubnetId"]);
        const noVm = parse({ access: "private-endpoint", existing: { endpointSubnetId: subnetId("endpoints"), privateDnsZoneId: linkZone } }, { vm: { enabled: false } });
        assert.equal(noVm.network.existing?.vmSubnetId, undefined, "no VM: no VM subnet needed");
    });
    test("ids of the wrong mode are refused", () => {
        const pe = problems({ access: "private-endpoint", existing: { ...corp, serverSubnetId: subnetId("postgres") } });
        assert.match(pe.get("network.existing.serverSubnetId") ?? "", /does not apply to network\.access private-endpoint/);
        const priv = problems({ access: "private", existing: { serverSubnetId: subnetId("postgres"), privateDnsZoneId: privateZone, vmSubnetId: subnetId("clients"), endpointSubnetId: subnetId("endpoints") } });
        assert.match(priv.get("network.existing.endpointSubnetId") ?? "", /does not apply to network\.access private\b/);
        const noVm = problems({ access: "private-endpoint", existing: corp }, { vm: { enabled: false } });
        assert.match(noVm.get("network.existing.vmSubnetId") ?? "", /vm\.enabled is false/);
    });
    test("bad ids are refused with the shape and the command that prints one", () => {
        const found = problems({
            access: "private-endpoint",
            existing: {
                endpointSubnetId: vnetId("net", "spoke"),
                vmSubnetId: "clients",
                privateDnsZoneId: linkZone.replace(sub, "not-a-guid"),
            },
        });
        assert.match(found.get("network.existing.endpointSubnetId") ?? "", /is not a subnet id\. Give the full ARM id, \/subscriptions\/<subscription GUID>.*az network vnet subnet show/);
        assert.match(found.get("network.existing.vmSubnetId") ?? "", /"clients" is not a subnet id/);
        assert.match(found.get("network.existing.privateDnsZoneId") ?? "", /is not a private DNS zone id.*az network private-dns zone show/);
        const unknown = problems({ access: "private-endpoint", existing: { ...corp, privateDnsZoneID: linkZone } });
        assert.match(unknown.get("network.existing.privateDnsZoneID") ?? "", /Did you mean "privateDnsZoneId"/);
    });
    test("the zone's name must suit the mode and the cloud", () => {
        const wrongForEndpoint = problems({ access: "private-endpoint", existing: { ...corp, privateDnsZoneId: privateZone } });
        assert.match(wrongForEndpoint.get("network.existing.privateDnsZoneId") ?? "", /not the private endpoint zone of the public cloud.*privatelink\.postgres\.database\.azure\.com/);
        const wrongForPrivate = problems({ access: "private", existing: { serverSubnetId: subnetId("postgres"), vmSubnetId: subnetId("clients"), privateDnsZoneId: linkZone } });
        assert.match(wrongForPrivate.get("network.existing.privateDnsZoneId") ?? "", /must end with \.private\.postgres\.database\.azure\.com.*set network\.access to private-endpoint/);
        const bareSuffix = problems({ access: "private", existing: { serverSubnetId: subnetId("postgres"), vmSubnetId: subnetId("clients"), privateDnsZoneId: zoneId("private.postgres.database.azure.com") } });
        assert.match(bareSuffix.get("network.existing.privateDnsZoneId") ?? "", /must end with/);
        const usgov = problems({ access: "private-endpoint", existing: corp }, { cloud: "usgov", location: "usgovvirginia" });
        assert.match(usgov.get("network.existing.privateDnsZoneId") ?? "", /privatelink\.postgres\.database\.usgovcloudapi\.net/);
        const china = parse({ access: "private-endpoint", existing: { ...corp, privateDnsZoneId: zoneId("privatelink.postgres.database.chinacloudapi.cn") } }, { cloud: "china", location: "chinanorth3" });
        assert.equal(china.network.access, "private-endpoint");
    });
    test("settings of a created network are refused beside existing", () => {
        const found = problems({ access: "private-endpoint", existing: corp, addressSpace: "10.40.0.0/16", vmSubnet: "10.40.2.0/24", endpointSubnet: "10.40.3.0/24", natGateway: false, routeTable: false });
        for (const key of ["addressSpace", "vmSubnet", "endpointSubnet", "natGateway", "routeTable"]) {
            assert.match(found.get(`network.${key}`) ?? "", /network\.existing is set and the stack creates none\. Remove network\./, key);
        }
        const prod = problems({ access: "private", addressSpace: "10.40.0.0/16", serverSubnet: "10.40.1.0/24", existing: { serverSubnetId: subnetId("postgres"), vmSubnetId: subnetId("clients"), privateDnsZoneId: privateZone } });
        assert.ok(prod.has("network.serverSubnet") && prod.has("network.addressSpace"));
    });
    test("existing must be an object", () => {
        const found = problems({ access: "private-endpoint", existing: [subnetId("endpoints")] });
        assert.match(found.get("network.existing") ?? "", /must be an object/);
    });
});

describe("network.dnsZoneLinks", () => {
    test("VNet ids are kept in order", () => {
        const links = [vnetId("hub-network", "hub-vnet"), vnetId("runners", "runners-vnet")];
        assert.deepEqual(parse({ access: "private", addressSpace: "10.40.0.0/16", serverSubnet: "10.40.1.0/24", vmSubnet: "10.40.2.0/24", dnsZoneLinks: links }).network.dnsZoneLinks, links);
    });
    test("duplicates (in any case), subnets and non-ids are refused by index", () => {
        const found = problems({
            access: "private",
            addressSpace: "10.40.0.0/16",
            serverSubnet: "10.40.1.0/24",
            vmSubnet: "10.40.2.0/24",
            dnsZoneLinks: [vnetId("hub-network", "hub-vnet"), vnetId("hub-network", "hub-vnet").toUpperCase().replace(sub.toUpperCase(), sub), subnetId("clients"), "hub-vnet"],
        });
        assert.match(found.get("network.dnsZoneLinks[1]") ?? "", /listed twice.*Remove the duplicate/);
        assert.match(found.get("network.dnsZoneLinks[2]") ?? "", /is not a virtual network id/);
        assert.match(found.get("network.dnsZoneLinks[3]") ?? "", /"hub-vnet" is not a virtual network id.*az network vnet show/);
    });
    test("refused with public access", () => {
        const found = problems({ access: "public", allowedIps: ["203.0.113.10"], dnsZoneLinks: [vnetId("hub-network", "hub-vnet")] });
        assert.match(found.get("network.dnsZoneLinks") ?? "", /network\.access is public.*Remove dnsZoneLinks/);
    });
    test("a wrong mode name suggests the right one", () => {
        const found = problems({ access: "private_endpoint" });
        assert.match(found.get("network.access") ?? "", /is not one of private, public, private-endpoint\. Did you mean "private-endpoint"/);
    });
});
