/**
 * Microsoft Entra authentication rules no public rule set checks, plus the Entra administrator built-in:
 * lockouts, the network path to Entra ID from a private server, admins doubling as ordinary roles, admin
 * principal types per stack, and VM identities without a database role.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { StackIndex } from "./lib/graph";
import { evaluateFlow, rangesOf, type Endpoint, type Flow } from "./lib/nsg";
import type { RouteEntry } from "./lib/graph";
import { cite, onMatchingTypes, withStack, type PackPolicy } from "./lib/policy";
import { adminPrincipalType, mayShareServer, principals, sameIdentity, serverOfRole, type AdminPrincipalType } from "./lib/principals";
import { arrayOf, effective, hasKey, setting } from "./lib/props";
import { REPLICA_DOC, primaryOf } from "./lib/replicas";
import { AZURE_POLICY } from "./lib/sources";
import { ciEquals, fold, show } from "./lib/text";
import { coversInternet, parseCidr } from "./lib/cidr";
import { TYPES, isEntraRoleType, type EntraAdminInputs, type EntraRoleInputs, type ServerInputs, type SubnetInputs, type VirtualMachineInputs } from "./lib/types";

const SOURCE_DOC = "Microsoft Learn, \"Microsoft Entra authentication with Azure Database for PostgreSQL flexible server\"";

/**
 * Why the Entra network rules judge VNet-integrated servers only. Learn, "Use Microsoft Entra ID authentication"
 * (https://learn.microsoft.com/azure/postgresql/security/security-entra-configure, Configure network requirements):
 * public access needs no extra outbound rules, private access (virtual network integration) needs the NSG rule
 * and route. A private-endpoint server is in the public access networking mode ("Networking with Private Link",
 * https://learn.microsoft.com/azure/postgresql/network/concepts-networking-private-link), not in a customer subnet.
 * What the rules cannot read (an existing subnet) is reported by entra-private-access-existing-network.
 */
const PRIVATE_MODE_ONLY = "Microsoft Learn \"Use Microsoft Entra ID authentication in Azure Database for PostgreSQL flexible server\", Configure network requirements: only private access (virtual network integration) needs it; a private-endpoint server runs in the public access networking mode (Microsoft Learn \"Networking with Private Link in Azure Database for PostgreSQL flexible server\") and needs none";

/** Why a replica's administrators and roles are its primary's (lib/replicas.ts). */
const REPLICA_LOGINS = `${REPLICA_DOC}: the replica inherits the admin account from the primary server, all user accounts on the primary are replicated, and a read replica can only be connected to with the user accounts available on the primary`;

/**
 * The Entra administrators whose logins a server has: its own, or for a read replica its primary's;
 * `undefined` for a replica whose primary is not in the stack (nothing to read).
 */
function loginAdmins(index: StackIndex, server: PolicyResource): PolicyResource[] | undefined {
    const owner = primaryOf(index, server);
    return owner === undefined ? undefined : index.childrenOf(owner, TYPES.entraAdmin);
}

/** ", a read replica of <primary> whose administrators it inherits," in a replica's messages; "" for a primary. */
function asReplica(index: StackIndex, server: PolicyResource): string {
    const primary = primaryOf(index, server);
    return primary === undefined || primary.urn === server.urn ? "" : `, a read replica of ${index.serverLabel(primary)} whose administrators it inherits,`;
}

/** " on the primary" in a replica's remediation; "" for a primary. */
function onPrimary(index: StackIndex, server: PolicyResource): string {
    return asReplica(index, server) === "" ? "" : " on the primary";
}

/** The server's effective auth modes; `undefined` while unknown. */
function authModes(index: StackIndex, server: PolicyResource): { entra?: boolean; password?: boolean } {
    const props = index.props<ServerInputs>(server);
    const entra = effective(setting<string>(props, "authConfig", "activeDirectoryAuth"), "Disabled");
    const password = effective(setting<string>(props, "authConfig", "passwordAuth"), "Enabled");
    return {
        entra: entra === undefined ? undefined : ciEquals(entra, "Enabled"),
        password: password === undefined ? undefined : ciEquals(password, "Enabled"),
    };
}

export const entraAdminProvisioned: StackValidationPolicy = {
    name: "entra-admin-provisioned",
    ...cite("Every PostgreSQL flexible server has Microsoft Entra authentication enabled and at least one Entra administrator (an AdministratorsMicrosoftEntra resource), each naming its principalName and principalType; a read replica (createMode Replica) has Entra authentication enabled and its primary has the administrator (a primary outside the stack is not judged).", {
        azurePolicy: [AZURE_POLICY.entraAdmin],
        psrule: ["Azure.PostgreSQL.AAD"],
        basis: REPLICA_LOGINS,
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Enable authConfig.activeDirectoryAuth and add an AdministratorsMicrosoftEntra for an Entra group (or service principal) that administers the server.",
    validateStack: withStack(TYPES.server, (index, _args, report) => {
        for (const server of index.servers()) {
            const { entra } = authModes(index, server);
            if (entra === false) {
                report(`Server ${index.serverLabel(server)}: authConfig.activeDirectoryAuth is not "Enabled", so no Entra administrator can be set: enable it.`, server.urn);
            } else if (entra === true && loginAdmins(index, server)?.length === 0) {
                report(`Server ${index.serverLabel(server)}${asReplica(index, server)} has no Entra administrator: add an AdministratorsMicrosoftEntra resource${onPrimary(index, server)}.`, server.urn);
            }
            // PSRule Azure.PostgreSQL.AAD asserts each administrator's name and type (presence: they may be unknown), and its
            // tenant, which the pack leaves out: the program takes it from the deploying credential, unknown offline.
            for (const admin of index.childrenOf(server, TYPES.entraAdmin)) {
                const missing = ["principalName", "principalType"].filter((key) => !hasKey(index.props<EntraAdminInputs>(admin), key));
                if (missing.length > 0) {
                    report(`Entra administrator ${admin.name} of server ${index.serverLabel(server)} does not set ${missing.join(" or ")}: name the principal and its type (User, Group or ServicePrincipal).`, admin.urn);
                }
            }
        }
    }),
};

export const entraOnlyLockout: StackValidationPolicy = {
    name: "entra-only-lockout",
    ...cite("No server is left without a way to log in: a server with password authentication disabled has Entra authentication enabled and at least one Entra administrator in the stack (Entra-only with zero admins is a lockout); a read replica's administrators are its primary's (a primary outside the stack is not judged).", {
        basis: `${SOURCE_DOC}: only Entra administrators can create Entra roles; ${REPLICA_LOGINS}`,
    }),
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Add an AdministratorsMicrosoftEntra resource for the server (or keep password authentication enabled until one exists).",
    validateStack: withStack(TYPES.server, (index, _args, report) => {
        for (const server of index.servers()) {
            const { entra, password } = authModes(index, server);
            if (password !== false || entra === undefined) {
                continue;
            }
            if (!entra) {
                report(`Server ${index.serverLabel(server)} disables both password and Entra authentication: nobody can log in. Enable authConfig.activeDirectoryAuth and add an Entra administrator.`, server.urn);
            } else if (loginAdmins(index, server)?.length === 0) {
                report(`Server ${index.serverLabel(server)}${asReplica(index, server)} is Entra-only (passwordAuth Disabled) with no Entra administrator: nobody can log in or create roles. Add an AdministratorsMicrosoftEntra resource${onPrimary(index, server)}.`, server.urn);
            }
        }
    }),
};

interface PrincipalTypesConfig {
    allowedPrincipalTypes: AdminPrincipalType[];
}

const ADMIN_TYPES: AdminPrincipalType[] = ["User", "Group", "ServicePrincipal"];

export const entraAdminPrincipalTypes: ResourceValidationPolicy = {
    name: "entra-admin-principal-types",
    ...cite("Entra administrators (AdministratorsMicrosoftEntra, and Entra roles created as admins) are of the principal types allowed for the stack, compared case-insensitively; e.g. prod allows groups and service principals only, so no single user holds admin rights.", {
        basis: `${SOURCE_DOC}: administrators can be users, groups, service principals or managed identities`,
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Make an Entra group (or a service principal / managed identity) the administrator and put people in the group.",
    configSchema: {
        properties: {
            allowedPrincipalTypes: {
                type: "array",
                items: { type: "string", enum: ADMIN_TYPES },
                minItems: 1,
                uniqueItems: true,
                default: ADMIN_TYPES,
                description: "Principal types an Entra administrator may have.",
            },
        },
    },
    validateResource: onMatchingTypes<EntraAdminInputs & EntraRoleInputs>(
        (type) => type === TYPES.entraAdmin || isEntraRoleType(type),
        "Entra administrators and Entra roles",
        (props, args, report) => {
            const isRole = args.type !== TYPES.entraAdmin;
            if (isRole && props.isAdmin !== true) {
                return args.notApplicable("An ordinary (non-admin) Entra role.");
            }
            const { allowedPrincipalTypes } = args.getConfig<PrincipalTypesConfig>();
            const declared = setting<string>(props, "principalType");
            if (!declared.known || !declared.declared) {
                return;
            }
            const type = adminPrincipalType(declared.value);
            const who = (isRole ? props.roleName : props.principalName) ?? args.name;
            if (type === undefined) {
                report(`Admin "${who}" has principalType ${show(declared.value)}, which is not a user, group or service principal.`);
            } else if (!allowedPrincipalTypes.includes(type)) {
                report(`Admin "${who}" is a ${type}; this stack allows ${allowedPrincipalTypes.join(", ")} as Entra administrators. Use an Entra group instead.`);
            }
        }),
};

export const entraAdminNotOrdinaryRole: StackValidationPolicy = {
    name: "entra-admin-not-ordinary-role",
    ...cite("No Entra identity is both an administrator and an ordinary database role (same object id, or the same role name on one server): admins are for administration only.", {
        basis: `${SOURCE_DOC}: do not use an administrator for regular work`,
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Give the workload its own identity (e.g. the VM's managed identity) with its own role, and keep admin identities out of ordinary roles.",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const all = principals(index);
        const admins = all.filter((p) => p.admin);
        const ordinary = all.filter((p) => !p.admin);
        if (admins.length === 0 || ordinary.length === 0) {
            return args.notApplicable("The stack has no admin and ordinary role to compare.");
        }
        for (const role of ordinary) {
            for (const admin of admins) {
                if (!mayShareServer(role, admin)) {
                    continue;
                }
                const sameName = role.roleName !== undefined && role.roleName === admin.roleName && role.server !== undefined && admin.server !== undefined;
                if (sameIdentity(role, admin) || sameName) {
                    report(`Entra role "${role.roleName ?? role.resource.name}" is the same identity as admin "${admin.roleName ?? admin.resource.name}" (${sameName ? "same role name" : "same object id"}): use a separate identity for ordinary database work.`, role.resource.urn);
                    break;
                }
            }
        }
    },
};

/** The server subnet's own address ranges (an NSG source prefix must cover them to apply to the server). */
function subnetRanges(index: StackIndex, subnet: PolicyResource): Endpoint {
    const props = index.props<SubnetInputs>(subnet);
    const prefixes = [props.addressPrefix, ...arrayOf<unknown>(props.addressPrefixes)];
    return { tags: ["virtualnetwork"], ranges: rangesOf(prefixes) };
}

/** Outbound TCP 443 from the server subnet to Entra ID (the AzureActiveDirectory service tag, on the internet). */
function entraFlow(source: Endpoint): Flow {
    return { direction: "Outbound", protocol: "Tcp", port: 443, source, destination: { tags: ["azureactivedirectory"], publicInternet: true } };
}

export const privateAccessEntraOutbound: StackValidationPolicy = {
    name: "entra-private-access-aad-outbound",
    ...cite("A VNet-integrated server's subnet NSG lets outbound TCP 443 to the AzureActiveDirectory service tag through, evaluated as Azure does (rules by priority, then Azure's default rules, whose AllowInternetOutBound admits it); fails only when a rule denies it first, since then every token login fails.", {
        basis: `${SOURCE_DOC}, network requirements for private access; Microsoft Learn "Network security groups", default security rules; ${PRIVATE_MODE_ONLY}`,
    }),
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Add to the server subnet's NSG: Outbound, Allow, Tcp, destination AzureActiveDirectory, port 443, with a lower priority number than the outbound deny that blocks it.",
    validateStack: withStack(TYPES.server, (index, _args, report) => {
        for (const server of index.servers()) {
            const subnet = index.subnetOfServer(server);
            if (subnet === undefined) {
                continue;
            }
            const nsg = index.nsgOfSubnet(subnet);
            if (nsg === undefined || nsg === "external") {
                // No NSG: nothing filters the traffic; an NSG outside the stack cannot be read.
                continue;
            }
            const verdict = evaluateFlow(index.nsgRules(nsg), entraFlow(subnetRanges(index, subnet)));
            if (verdict.access === "Deny") {
                report(`Server ${index.serverLabel(server)} uses private access, but NSG ${nsg.name} of its subnet denies outbound TCP 443 to AzureActiveDirectory in rule "${verdict.rule.name}" (priority ${verdict.rule.priority}) before any rule allows it: Entra token logins will fail. Add an outbound allow to AzureActiveDirectory on 443 with a priority number below ${verdict.rule.priority}.`, nsg.urn);
            }
        }
    }),
};

/** A route's next hop sends traffic somewhere other than straight to the internet (an appliance, a gateway, nowhere). */
function awayFromInternet(route: RouteEntry): boolean {
    return route.nextHopType !== undefined && !ciEquals(route.nextHopType, "Internet");
}

export const privateAccessEntraRoute: StackValidationPolicy = {
    name: "entra-private-access-aad-route",
    ...cite("When a VNet-integrated server's subnet has a route table that takes Entra traffic away from the internet (a 0.0.0.0/0 route, or prefixes together covering the public internet, or the AzureActiveDirectory tag, to a next hop other than Internet), the table also routes the AzureActiveDirectory service tag to next hop Internet; a table without such an override needs nothing.", {
        basis: `${SOURCE_DOC}, network requirements for private access with a route table; ${PRIVATE_MODE_ONLY}`,
    }),
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Add a route { addressPrefix: \"AzureActiveDirectory\", nextHopType: \"Internet\" } to the server subnet's route table.",
    validateStack: withStack(TYPES.server, (index, _args, report) => {
        for (const server of index.servers()) {
            const subnet = index.subnetOfServer(server);
            const table = subnet === undefined ? undefined : index.routeTableOfSubnet(subnet);
            if (table === undefined || table === "external") {
                continue;
            }
            const routes = index.routes(table);
            if (routes.some((r) => r.addressPrefix === undefined || r.nextHopType === undefined)) {
                continue;
            }
            const entraRoutes = routes.filter((r) => ciEquals(r.addressPrefix, "AzureActiveDirectory"));
            const direct = entraRoutes.some((r) => ciEquals(r.nextHopType, "Internet"));
            const misdirected = entraRoutes.filter(awayFromInternet);
            const overriding = routes.filter((r) => awayFromInternet(r) && parseCidr(r.addressPrefix) !== undefined);
            const takenAway = coversInternet(overriding.map((r) => r.addressPrefix));
            if (misdirected.length > 0) {
                report(`Server ${index.serverLabel(server)} uses private access and route ${misdirected[0].name} of its subnet's route table ${table.name} sends AzureActiveDirectory to next hop ${misdirected[0].nextHopType}: route it to "Internet", or Entra token logins may fail.`, table.urn);
            } else if (takenAway && !direct) {
                const names = overriding.map((r) => `${r.name} (${r.addressPrefix} → ${r.nextHopType})`).join(", ");
                report(`Server ${index.serverLabel(server)} uses private access and its subnet's route table ${table.name} takes internet traffic away from the Internet next hop (${names}) with no route AzureActiveDirectory → Internet: add it, or Entra traffic follows the override.`, table.urn);
            }
        }
    }),
};

/** True when the VM has a managed identity (system or user assigned); `undefined` while unknown. */
function hasManagedIdentity(index: StackIndex, vm: PolicyResource): boolean | undefined {
    const type = setting<string>(index.props<VirtualMachineInputs>(vm), "identity", "type");
    if (!type.known) {
        return undefined;
    }
    const kinds = type.declared ? (fold(type.value) ?? "").split(/[\s,]+/) : [];
    return kinds.includes("systemassigned") || kinds.includes("userassigned");
}

/** True when the VM's cloud-init (base64 `customData`) names the server. */
function customDataNames(index: StackIndex, vm: PolicyResource, serverName: string | undefined): boolean {
    const data = index.props<VirtualMachineInputs>(vm).osProfile?.customData;
    if (typeof data !== "string" || serverName === undefined) {
        return false;
    }
    const text = /^[A-Za-z0-9+/=\s]+$/.test(data) ? Buffer.from(data, "base64").toString("utf8") : data;
    return text.toLowerCase().includes(serverName.toLowerCase());
}

/**
 * True when the VM can reach the server: it depends on the server, sits in the server's VNet, egresses
 * through a public IP a firewall rule of the server admits, or its cloud-init names the server.
 */
function reaches(index: StackIndex, vm: PolicyResource, server: PolicyResource): boolean {
    if (index.dependsOn(vm, server)) {
        return true;
    }
    const serverSubnet = index.subnetOfServer(server);
    const serverVnet = serverSubnet === undefined ? undefined : index.vnetOfSubnet(serverSubnet);
    if (serverVnet !== undefined) {
        const vmVnets = index.nicsOfVm(vm).flatMap((nic) => index.subnetsOfNic(nic)).map((s) => index.vnetOfSubnet(s)?.urn);
        if (vmVnets.includes(serverVnet.urn)) {
            return true;
        }
    }
    const egress = index.egressPublicIps(vm).map((ip) => ip.urn);
    const admitted = index.childrenOf(server, TYPES.firewallRule).some((rule) =>
        [...index.deps(rule, "startIpAddress"), ...index.deps(rule, "endIpAddress")].some((d) => egress.includes(d.urn)));
    return admitted || customDataNames(index, vm, index.serverName(server));
}

export const vmIdentityHasRole: StackValidationPolicy = {
    name: "entra-vm-identity-has-role",
    ...cite("Every VM with a managed identity that reaches a server has an Entra database role for that identity on it (matched through the role's objectId dependency on the VM or its user-assigned identity, an objectId equal to the identity's principal id, or the identity's name); otherwise its token logins fail with \"role does not exist\". A VM reaching a read replica (createMode Replica) needs the role on the replica's primary (a primary outside the stack is not judged).", {
        basis: `${SOURCE_DOC} and "Connect with managed identity": the identity needs a role created with pgaadauth_create_principal; ${REPLICA_LOGINS}`,
    }),
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Create an Entra role for the VM identity on the server (objectId = the identity's principalId, roleName = the VM name for a system-assigned identity).",
    validateStack: withStack(TYPES.virtualMachine, (index, args, report) => {
        const servers = index.servers();
        if (servers.length === 0) {
            return args.notApplicable("The stack has no PostgreSQL server.");
        }
        const roles = index.entraRoles();
        for (const vm of index.ofType(TYPES.virtualMachine)) {
            if (hasManagedIdentity(index, vm) !== true) {
                continue;
            }
            const props = index.props<VirtualMachineInputs>(vm);
            const userAssigned = index.deps(vm, "identity", TYPES.userAssignedIdentity);
            const identitySources = [vm.urn, ...userAssigned.map((i) => i.urn)];
            // After an update, stack policies see outputs: the identities' principal ids are known then.
            const principalIds = [
                (props.identity as { principalId?: unknown } | undefined)?.principalId,
                ...userAssigned.map((i) => index.props<{ principalId?: unknown }>(i).principalId),
            ].map(fold).filter((id): id is string => id !== undefined);
            const vmName = typeof props.vmName === "string" ? props.vmName : undefined;
            for (const server of servers.filter((s) => reaches(index, vm, s))) {
                // A replica's roles are its primary's, replicated: a role counts where the logins are made.
                const owner = primaryOf(index, server);
                if (owner === undefined) {
                    continue;
                }
                const hasRole = roles.some((role) => {
                    const roleServer = serverOfRole(index, role);
                    if (roleServer !== undefined && roleServer.urn !== owner.urn) {
                        return false;
                    }
                    const roleProps = index.props<EntraRoleInputs>(role);
                    return index.deps(role, "objectId").some((d) => identitySources.includes(d.urn)) ||
                        (fold(roleProps.objectId) !== undefined && principalIds.includes(fold(roleProps.objectId)!)) ||
                        (vmName !== undefined && roleProps.roleName === vmName);
                });
                if (!hasRole) {
                    report(owner.urn === server.urn
                        ? `VM ${vmName ?? vm.name} has a managed identity and reaches server ${index.serverLabel(server)}, but no Entra role is created for its identity: its token logins will fail. Add a role for it.`
                        : `VM ${vmName ?? vm.name} has a managed identity and reaches server ${index.serverLabel(server)}, a read replica whose roles are its primary ${index.serverLabel(owner)}'s, but no Entra role is created for its identity there: its token logins will fail. Add a role for it on the primary.`, vm.urn);
                }
            }
        }
    }),
};

/** Entra policies, in pack order. */
export const entraPolicies: readonly PackPolicy[] = [
    entraAdminProvisioned,
    entraOnlyLockout,
    entraAdminPrincipalTypes,
    entraAdminNotOrdinaryRole,
    privateAccessEntraOutbound,
    privateAccessEntraRoute,
    vmIdentityHasRole,
];
