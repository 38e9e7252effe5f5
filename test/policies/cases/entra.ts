import { TYPES } from "../../../policies/lib/types";
import { DEV, NAMES, PROD, REPLICA_URN, SERVER_URN, U, VM_URN, buildStack, patch, withReplica, without } from "../fixtures";
import { res, urnOf, type CaseTable } from "../helpers";

const prod = buildStack(PROD);
const dev = buildStack(DEV);
const noAdmins = without(prod, (r) => r.type === TYPES.entraAdmin);
const serverNsgUrn = urnOf(TYPES.nsg, NAMES.serverNsg);
const routeTableUrn = urnOf(TYPES.routeTable, NAMES.routeTable);
const role = (name: string, props: Record<string, unknown>, deps: Record<string, string[]> = { serverFqdn: [SERVER_URN] }) =>
    res(TYPES.entraRole, name, { serverFqdn: U, adminLogin: "pg-admins", principalType: "user", isAdmin: false, isMfa: false, cloud: "AzureCloud", ...props }, { deps });
const serverNsgRules = (rules: Record<string, unknown>[]) => patch(prod, NAMES.serverNsg, (r) => (r.props.securityRules = rules));
const withRoutes = (routes: Record<string, unknown>[]) => patch(prod, NAMES.routeTable, (r) => (r.props.routes = routes));
const toAppliance = (name: string, addressPrefix: string) => ({ name, addressPrefix, nextHopType: "VirtualAppliance", nextHopIpAddress: "10.20.3.4" });
const aadRoute = { name: "aad", addressPrefix: "AzureActiveDirectory", nextHopType: "Internet" };
const denyAllOutbound: Record<string, unknown> = {
    name: "deny-all-outbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*",
    sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*",
};
/** A replica whose primary is not in the stack: its id names another server, and no dependency links it. */
const externalPrimary = (r: { props: Record<string, unknown>; propertyDependencies: Record<string, string[]> }) => {
    r.props.sourceServerResourceId = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-elsewhere";
    delete r.propertyDependencies.sourceServerResourceId;
};
/** A replica linked to the stack's server by the known id's name only. */
const primaryById = (r: { props: Record<string, unknown>; propertyDependencies: Record<string, string[]> }) => {
    r.props.sourceServerResourceId = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-entra-prod";
    delete r.propertyDependencies.sourceServerResourceId;
};
const aadRule = {
    name: "allow-aad", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp",
    sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "AzureActiveDirectory", destinationPortRange: "443",
};

export const entraCases: CaseTable = {
    "entra-admin-provisioned": [
        { title: "prod's group and service principal admins", resources: prod, expect: "pass" },
        { title: "no admin", resources: noAdmins, expect: "fail", urn: SERVER_URN, message: /has no Entra administrator/ },
        { title: "Entra authentication disabled", resources: patch(prod, NAMES.server, (r) => ((r.props.authConfig as any).activeDirectoryAuth = "Disabled")), expect: "fail", message: /activeDirectoryAuth is not "Enabled"/ },
        { title: "admin linked by server name when its dependency is missing", resources: patch(prod, "db-admin-pg-admins", (r) => { r.props.serverName = "pg-entra-prod"; r.propertyDependencies = {}; }), expect: "pass" },
        {
            title: "an admin without its name and type (PSRule Azure.PostgreSQL.AAD asserts each)",
            resources: patch(prod, "db-admin-pg-admins", (r) => { delete r.props.principalName; delete r.props.principalType; }),
            expect: "fail", count: 1, urn: urnOf(TYPES.entraAdmin, "db-admin-pg-admins"), message: /does not set principalName or principalType/,
        },
        { title: "an admin without its type", resources: patch(prod, "db-admin-deployer", (r) => delete r.props.principalType), expect: "fail", count: 1, message: /does not set principalType:/ },
        { title: "a name unknown at preview is set", resources: patch(prod, "db-admin-deployer", (r) => (r.props.principalName = U)), expect: "pass" },
        { title: "an admin without a tenant (the program's, unknown in an offline preview): PSRule asks for it, the pack does not", resources: patch(prod, "db-admin-deployer", (r) => delete r.props.tenantId), expect: "pass" },
        { title: "a read replica inherits its primary's administrators (Learn, Read replicas)", resources: withReplica(prod), expect: "pass" },
        { title: "a replica linked to its primary by the known id's name", resources: withReplica(prod, primaryById), expect: "pass" },
        {
            title: "a replica whose Entra authentication is off fails: its authentication is its own",
            resources: withReplica(prod, (r) => (r.props.authConfig = { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled" })),
            expect: "fail", count: 1, urn: REPLICA_URN, message: /pg-entra-prod-r1: authConfig\.activeDirectoryAuth is not "Enabled"/,
        },
        {
            title: "a primary without administrators fails, and its replica with it (the fix is on the primary)",
            resources: withReplica(noAdmins), expect: "fail", count: 2, urn: REPLICA_URN, message: /has no Entra administrator: add an AdministratorsMicrosoftEntra resource/,
        },
        { title: "a replica of a primary outside the stack: its administrators cannot be read", resources: withReplica(prod, externalPrimary), expect: "pass" },
    ],
    "entra-only-lockout": [
        { title: "Entra-only with admins", resources: prod, expect: "pass" },
        { title: "Entra-only with zero admins", resources: noAdmins, expect: "fail", urn: SERVER_URN, message: /Entra-only \(passwordAuth Disabled\) with no Entra administrator/ },
        { title: "mixed auth without admins still has the password admin", resources: without(dev, (r) => r.type === TYPES.entraAdmin), expect: "pass" },
        {
            title: "both methods disabled",
            resources: patch(prod, NAMES.server, (r) => (r.props.authConfig = { activeDirectoryAuth: "Disabled", passwordAuth: "Disabled" })),
            expect: "fail", message: /disables both password and Entra authentication/,
        },
        { title: "auth unknown at preview: no decision", resources: patch(noAdmins, NAMES.server, (r) => (r.props.authConfig = { activeDirectoryAuth: U, passwordAuth: U })), expect: "pass" },
        { title: "an admin of another server does not count", resources: [...noAdmins, res(TYPES.entraAdmin, "elsewhere", { serverName: "other-server", objectId: "x", principalType: "Group" })], expect: "fail" },
        { title: "an Entra-only replica logs in with its primary's administrators (Learn, Read replicas)", resources: withReplica(prod), expect: "pass" },
        {
            title: "an Entra-only replica of a primary without administrators is locked out too",
            resources: withReplica(noAdmins), expect: "fail", count: 2, urn: REPLICA_URN, message: /Entra-only \(passwordAuth Disabled\) with no Entra administrator/,
        },
        {
            title: "a replica disabling both methods fails on its own",
            resources: withReplica(prod, (r) => (r.props.authConfig = { activeDirectoryAuth: "Disabled", passwordAuth: "Disabled" })),
            expect: "fail", count: 1, urn: REPLICA_URN, message: /pg-entra-prod-r1 disables both password and Entra authentication/,
        },
        {
            title: "an administrator declared on the replica does not make up for the primary's (logins come from the primary)",
            resources: [...withReplica(noAdmins), res(TYPES.entraAdmin, "replica-admin", { serverName: U, objectId: "x", principalName: "ops", principalType: "Group" }, { deps: { serverName: [REPLICA_URN] } })],
            expect: "fail", count: 2,
        },
        { title: "an Entra-only replica of a primary outside the stack is not judged", resources: withReplica(prod, externalPrimary), expect: "pass" },
    ],
    "entra-admin-principal-types": [
        { title: "prod's group and service principal under prod's config", resources: prod, config: { allowedPrincipalTypes: ["Group", "ServicePrincipal"] }, expect: "pass" },
        { title: "a user admin under prod's config", resources: dev, config: { allowedPrincipalTypes: ["Group", "ServicePrincipal"] }, expect: "fail", message: /Admin "alice@contoso\.com" is a User/ },
        { title: "a user admin under the default config", resources: dev, expect: "pass" },
        { title: "an Entra role created as admin, type service", resources: [role("r", { roleName: "ops-app", principalType: "service", isAdmin: true })], config: { allowedPrincipalTypes: ["Group"] }, expect: "fail", message: /ServicePrincipal/ },
        { title: "mixed-case principal types", resources: [res(TYPES.entraAdmin, "a", { principalName: "ops", principalType: "GROUP" })], config: { allowedPrincipalTypes: ["Group"] }, expect: "pass" },
        { title: "an unrecognized principal type", resources: [res(TYPES.entraAdmin, "a", { principalName: "ops", principalType: "robot" })], expect: "fail", message: /not a user, group or service principal/ },
        { title: "ordinary roles are not applicable", resources: [role("r", { roleName: "app" })], expect: "not-applicable" },
    ],
    "entra-admin-not-ordinary-role": [
        { title: "the VM's own role", resources: prod, expect: "pass" },
        {
            title: "an admin's object id also given an ordinary role",
            resources: [...prod, role("admin-as-app", { roleName: "pg-admins-app", objectId: "11111111-1111-1111-1111-111111111111".toUpperCase() })],
            expect: "fail", urn: urnOf(TYPES.entraRole, "admin-as-app"), message: /same object id/,
        },
        {
            title: "an ordinary role named like an admin on the same server",
            resources: [...prod, role("clash", { roleName: "pg-admins", objectId: "99999999-9999-9999-9999-999999999999" })],
            expect: "fail", message: /same role name/,
        },
        {
            title: "object ids unknown at preview but from the same VM identity",
            resources: [...prod, role("vm-admin", { roleName: "client-vm-admin", objectId: U, principalType: "service", isAdmin: true }, { serverFqdn: [SERVER_URN], objectId: [VM_URN] })],
            expect: "fail", urn: urnOf(TYPES.entraRole, NAMES.vmRole),
        },
        { title: "no ordinary role at all", resources: without(prod, (r) => r.type === TYPES.entraRole), expect: "not-applicable" },
    ],
    "entra-private-access-aad-outbound": [
        { title: "the program's AzureActiveDirectory rule", resources: prod, expect: "pass" },
        { title: "no rules at all: Azure's default AllowInternetOutBound lets Entra traffic out", resources: serverNsgRules([]), expect: "pass" },
        { title: "an allow for another port only: the defaults still admit 443", resources: serverNsgRules([{ ...aadRule, destinationPortRange: "80" }]), expect: "pass" },
        {
            title: "a deny-all outbound rule and no AzureActiveDirectory allow",
            resources: serverNsgRules([denyAllOutbound]),
            expect: "fail", urn: serverNsgUrn, message: /denies outbound TCP 443 to AzureActiveDirectory in rule "deny-all-outbound" \(priority 4000\)/,
        },
        { title: "a deny-all outbound rule after the AzureActiveDirectory allow", resources: serverNsgRules([aadRule, denyAllOutbound]), expect: "pass" },
        { title: "tag in lower case, port in a range, before a deny-all", resources: serverNsgRules([{ ...aadRule, destinationAddressPrefix: "azureactivedirectory", destinationPortRange: "400-500" }, denyAllOutbound]), expect: "pass" },
        { title: "an allow for the wrong port before a deny-all", resources: serverNsgRules([{ ...aadRule, destinationPortRange: "80" }, denyAllOutbound]), expect: "fail" },
        {
            title: "shadowed by a higher-priority deny to the internet",
            resources: serverNsgRules([aadRule, { ...aadRule, name: "deny-internet", priority: 90, access: "Deny", protocol: "*", destinationAddressPrefix: "Internet", destinationPortRange: "*" }]),
            expect: "fail", message: /rule "deny-internet" \(priority 90\)/,
        },
        {
            title: "a deny to CIDRs that together cover the internet",
            resources: serverNsgRules([{ ...denyAllOutbound, destinationAddressPrefix: undefined, destinationAddressPrefixes: ["0.0.0.0/1", "128.0.0.0/1"] }]),
            expect: "fail",
        },
        { title: "a deny to one public range only is not a certain block", resources: serverNsgRules([{ ...denyAllOutbound, destinationAddressPrefix: "52.0.0.0/8" }]), expect: "pass" },
        { title: "a UDP deny-all does not block TCP", resources: serverNsgRules([{ ...denyAllOutbound, protocol: "Udp" }]), expect: "pass" },
        { title: "a deny from another subnet's range does not apply to the server subnet", resources: serverNsgRules([{ ...denyAllOutbound, sourceAddressPrefix: "10.99.0.0/24" }]), expect: "pass" },
        { title: "a deny from a range covering the server subnet applies", resources: serverNsgRules([{ ...denyAllOutbound, sourceAddressPrefix: "10.20.0.0/16" }]), expect: "fail" },
        {
            title: "a deny from a range while the subnet's prefix is unknown at preview: no decision",
            resources: patch(serverNsgRules([{ ...denyAllOutbound, sourceAddressPrefix: "10.20.0.0/16" }]), NAMES.serverSubnet, (r) => (r.props.addressPrefix = U)),
            expect: "pass",
        },
        {
            title: "a standalone SecurityRule attached to the NSG allows it before a deny-all",
            resources: [...serverNsgRules([denyAllOutbound]), res(TYPES.securityRule, "aad", { ...aadRule, networkSecurityGroupName: U }, { deps: { networkSecurityGroupName: [serverNsgUrn] } })],
            expect: "pass",
        },
        {
            title: "a standalone deny-all SecurityRule attached to the NSG",
            resources: [...serverNsgRules([]), res(TYPES.securityRule, "deny", { ...denyAllOutbound, networkSecurityGroupName: U }, { deps: { networkSecurityGroupName: [serverNsgUrn] } })],
            expect: "fail", urn: serverNsgUrn,
        },
        { title: "public server: nothing to check", resources: dev, expect: "pass" },
        { title: "a rule unknown at preview ahead of the deny: no decision", resources: serverNsgRules([{ ...aadRule, destinationAddressPrefix: U }, denyAllOutbound]), expect: "pass" },
    ],
    "entra-private-access-aad-route": [
        { title: "the program's AzureActiveDirectory → Internet route", resources: prod, expect: "pass" },
        { title: "a table without any override needs no AzureActiveDirectory route", resources: withRoutes([]), expect: "pass" },
        { title: "a table with only local routes", resources: withRoutes([{ name: "spoke", addressPrefix: "10.30.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }]), expect: "pass" },
        {
            title: "0.0.0.0/0 to an appliance without the AzureActiveDirectory route",
            resources: withRoutes([toAppliance("default", "0.0.0.0/0")]),
            expect: "fail", urn: routeTableUrn, message: /takes internet traffic away from the Internet next hop \(default \(0\.0\.0\.0\/0 → VirtualAppliance\)\) with no route AzureActiveDirectory → Internet/,
        },
        { title: "0.0.0.0/0 to an appliance with the AzureActiveDirectory route", resources: withRoutes([toAppliance("default", "0.0.0.0/0"), aadRoute]), expect: "pass" },
        { title: "0.0.0.0/1 and 128.0.0.0/1 to an appliance", resources: withRoutes([toAppliance("low", "0.0.0.0/1"), toAppliance("high", "128.0.0.0/1")]), expect: "fail" },
        { title: "a default route to None (dropped)", resources: withRoutes([{ name: "drop", addressPrefix: "0.0.0.0/0", nextHopType: "None" }]), expect: "fail" },
        { title: "a default route to the Internet keeps Entra on the internet", resources: withRoutes([{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }]), expect: "pass" },
        { title: "AzureActiveDirectory to an appliance", resources: withRoutes([{ name: "aad", addressPrefix: "AzureActiveDirectory", nextHopType: "VirtualAppliance" }]), expect: "fail", message: /sends AzureActiveDirectory to next hop VirtualAppliance/ },
        { title: "no route table on the subnet", resources: buildStack({ ...PROD, routeTable: false }), expect: "pass" },
        {
            title: "a standalone Route attached to the table",
            resources: [
                ...withRoutes([toAppliance("default", "0.0.0.0/0")]),
                res(TYPES.route, "aad", { routeTableName: U, addressPrefix: "AzureActiveDirectory", nextHopType: "Internet" }, { deps: { routeTableName: [routeTableUrn] } }),
            ],
            expect: "pass",
        },
        {
            title: "a standalone default Route to an appliance attached to the table",
            resources: [
                ...withRoutes([]),
                res(TYPES.route, "default", { routeTableName: U, addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" }, { deps: { routeTableName: [routeTableUrn] } }),
            ],
            expect: "fail",
        },
        { title: "a route unknown at preview: no decision", resources: withRoutes([toAppliance("default", "0.0.0.0/0"), { name: "x", addressPrefix: U, nextHopType: "Internet" }]), expect: "pass" },
    ],
    "entra-vm-identity-has-role": [
        { title: "the VM's role (objectId from the VM)", resources: prod, expect: "pass" },
        { title: "private server in the VM's VNet, no role", resources: without(prod, (r) => r.type === TYPES.entraRole), expect: "fail", urn: VM_URN, message: /VM client-vm has a managed identity and reaches server pg-entra-prod/ },
        {
            title: "public server admitting the VM's NAT egress address, no role",
            resources: patch(without(dev, (r) => r.type === TYPES.entraRole), NAMES.vm, (r) => {
                (r.props.osProfile as any).customData = Buffer.from("#cloud-config\n").toString("base64");
            }),
            expect: "fail", urn: VM_URN,
        },
        { title: "cloud-init naming the server counts as reaching it", resources: without(buildStack({ ...DEV, firewall: [] }), (r) => r.type === TYPES.entraRole || r.name === "db-fw-allow-vm-egress"), expect: "fail" },
        {
            title: "a VM that cannot reach the server",
            resources: patch(without(buildStack(DEV), (r) => r.type === TYPES.entraRole || r.name === "db-fw-allow-vm-egress"), NAMES.vm, (r) => {
                (r.props.osProfile as any).customData = Buffer.from("#cloud-config\n").toString("base64");
            }),
            expect: "pass",
        },
        {
            title: "role matched by the VM name when its objectId dependency is missing",
            resources: patch(prod, NAMES.vmRole, (r) => (r.propertyDependencies = { serverFqdn: [SERVER_URN] })),
            expect: "pass",
        },
        {
            title: "after an update: role objectId equal to the VM identity's principal id",
            resources: patch(patch(prod, NAMES.vmRole, (r) => {
                r.propertyDependencies = { serverFqdn: [SERVER_URN] };
                r.props.objectId = "AAAAAAAA-0000-0000-0000-000000000001";
                r.props.roleName = "workload";
            }), NAMES.vm, (r) => ((r.props.identity as any).principalId = "aaaaaaaa-0000-0000-0000-000000000001")),
            expect: "pass",
        },
        {
            title: "a role for another identity does not count",
            resources: patch(prod, NAMES.vmRole, (r) => {
                r.propertyDependencies = { serverFqdn: [SERVER_URN] };
                r.props.objectId = "bbbbbbbb-0000-0000-0000-000000000002";
                r.props.roleName = "workload";
            }),
            expect: "fail", urn: VM_URN,
        },
        { title: "a VM without managed identity needs no role", resources: patch(without(prod, (r) => r.type === TYPES.entraRole), NAMES.vm, (r) => delete r.props.identity), expect: "pass" },
        { title: "no VM", resources: without(prod, (r) => r.type === TYPES.virtualMachine), expect: "not-applicable" },
        { title: "a VM reaching a read replica: its role on the primary is replicated (Learn, Read replicas)", resources: withReplica(prod), expect: "pass" },
        {
            title: "no role on the primary: the VM fails on the primary and on the replica it reaches",
            resources: withReplica(without(prod, (r) => r.type === TYPES.entraRole)), expect: "fail", count: 2, urn: VM_URN,
            message: /VM client-vm has a managed identity and reaches server pg-entra-prod/,
        },
        {
            title: "a role declared on the replica does not count: only the primary's accounts log in to a replica",
            resources: patch(withReplica(prod), NAMES.vmRole, (r) => (r.propertyDependencies = { serverFqdn: [REPLICA_URN], objectId: [VM_URN] })),
            expect: "fail", count: 2, message: /reaches server pg-entra-prod(-r1, a read replica whose roles are its primary pg-entra-prod's, but no Entra role is created for its identity there: .* on the primary\.|, but no Entra role)/,
        },
        { title: "a replica of a primary outside the stack is not judged", resources: withReplica(prod, externalPrimary), expect: "pass" },
    ],
};
