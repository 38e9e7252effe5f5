import { TYPES } from "../../../policies/lib/types";
import { DEV, NAMES, PROD, SERVER_URN, U, VM_URN, buildStack, patch, without } from "../fixtures";
import { res, urnOf, type CaseTable } from "../helpers";

const prod = buildStack(PROD);
const dev = buildStack(DEV);
const noAdmins = without(prod, (r) => r.type === TYPES.entraAdmin);
const serverNsgUrn = urnOf(TYPES.nsg, NAMES.serverNsg);
const routeTableUrn = urnOf(TYPES.routeTable, NAMES.routeTable);
const role = (name: string, props: Record<string, unknown>, deps: Record<string, string[]> = { serverFqdn: [SERVER_URN] }) =>
    res(TYPES.entraRole, name, { serverFqdn: U, adminLogin: "pg-admins", principalType: "user", isAdmin: false, isMfa: false, cloud: "AzureCloud", ...props }, { deps });
const serverNsgRules = (rules: Record<string, unknown>[]) => patch(prod, NAMES.serverNsg, (r) => (r.props.securityRules = rules));
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
        { title: "no outbound rule", resources: serverNsgRules([]), expect: "fail", urn: serverNsgUrn, message: /no outbound rule allowing TCP 443 to the AzureActiveDirectory service tag/ },
        { title: "rule for the wrong port", resources: serverNsgRules([{ ...aadRule, destinationPortRange: "80" }]), expect: "fail" },
        { title: "tag in lower case, port in a range", resources: serverNsgRules([{ ...aadRule, destinationAddressPrefix: "azureactivedirectory", destinationPortRange: "400-500" }]), expect: "pass" },
        {
            title: "shadowed by a higher-priority deny to the internet",
            resources: serverNsgRules([aadRule, { ...aadRule, name: "deny-internet", priority: 90, access: "Deny", protocol: "*", destinationAddressPrefix: "Internet", destinationPortRange: "*" }]),
            expect: "fail", message: /deny rule "deny-internet" has a higher priority \(90 < 100\)/,
        },
        { title: "a deny after the allow does not shadow it", resources: serverNsgRules([aadRule, { ...aadRule, name: "deny-all", priority: 4000, access: "Deny", destinationAddressPrefix: "*", destinationPortRange: "*" }]), expect: "pass" },
        {
            title: "a standalone SecurityRule attached to the NSG",
            resources: [...serverNsgRules([]), res(TYPES.securityRule, "aad", { ...aadRule, networkSecurityGroupName: U }, { deps: { networkSecurityGroupName: [serverNsgUrn] } })],
            expect: "pass",
        },
        { title: "public server: nothing to check", resources: dev, expect: "pass" },
        { title: "rule destination unknown at preview: no decision", resources: serverNsgRules([{ ...aadRule, destinationAddressPrefix: U }]), expect: "pass" },
    ],
    "entra-private-access-aad-route": [
        { title: "the program's AzureActiveDirectory → Internet route", resources: prod, expect: "pass" },
        { title: "route table without it", resources: patch(prod, NAMES.routeTable, (r) => (r.props.routes = [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }])), expect: "fail", urn: routeTableUrn, message: /no route AzureActiveDirectory → Internet/ },
        { title: "route to the wrong next hop", resources: patch(prod, NAMES.routeTable, (r) => (r.props.routes = [{ name: "aad", addressPrefix: "AzureActiveDirectory", nextHopType: "VirtualAppliance" }])), expect: "fail" },
        { title: "no route table on the subnet", resources: buildStack({ ...PROD, routeTable: false }), expect: "pass" },
        {
            title: "a standalone Route attached to the table",
            resources: [
                ...patch(prod, NAMES.routeTable, (r) => (r.props.routes = [])),
                res(TYPES.route, "aad", { routeTableName: U, addressPrefix: "AzureActiveDirectory", nextHopType: "Internet" }, { deps: { routeTableName: [routeTableUrn] } }),
            ],
            expect: "pass",
        },
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
    ],
};
