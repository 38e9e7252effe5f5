import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { unwrap } from "../../plan/engine/recorder";
import { byName, dependsOnTransitively, ofType, one, ProgramRun, runStack } from "../../testing/program";

/** The shipped `Pulumi.prod.yaml`: Entra-only, private access with a route table, HA, geo backups, protect. */
describe("prod stack", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runStack("prod");
        assert.equal(run.error, undefined, String(run.error));
    });

    test("the private network: VNet, delegated server subnet, VM subnet", () => {
        const vnet = one(run.resources, "azure-native:network:VirtualNetwork");
        assert.deepEqual(vnet.props.addressSpace, { addressPrefixes: ["10.40.0.0/16"] });
        const serverSubnet = byName(run.resources, "prod-net-server-subnet");
        assert.equal(serverSubnet.props.addressPrefix, "10.40.1.0/24");
        assert.deepEqual(serverSubnet.props.delegations, [
            { name: "postgres-flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" },
        ]);
        assert.deepEqual(serverSubnet.propertyDependencies.virtualNetworkName, [vnet.urn]);
        const vmSubnet = byName(run.resources, "prod-net-vm-subnet");
        assert.equal(vmSubnet.props.addressPrefix, "10.40.2.0/24");
        assert.ok(vmSubnet.props.networkSecurityGroup, "the VM subnet has an NSG too");
    });

    test("the server subnet's NSG allows outbound TCP 443 to the AzureActiveDirectory service tag", () => {
        const nsg = byName(run.resources, "prod-net-server-nsg");
        const subnet = byName(run.resources, "prod-net-server-subnet");
        assert.deepEqual(subnet.propertyDependencies.networkSecurityGroup, [nsg.urn]);
        const rules = nsg.props.securityRules as Record<string, unknown>[];
        const entra = rules.find((r) => r.destinationAddressPrefix === "AzureActiveDirectory");
        assert.ok(entra, "an AzureActiveDirectory rule exists");
        assert.equal(entra.direction, "Outbound");
        assert.equal(entra.access, "Allow");
        assert.equal(entra.protocol, "Tcp");
        assert.equal(entra.destinationPortRange, "443");
    });

    test("the route table sends the AzureActiveDirectory service tag to the Internet and sits on the server subnet", () => {
        const table = one(run.resources, "azure-native:network:RouteTable");
        assert.deepEqual(table.props.routes, [
            { name: "azure-active-directory-to-internet", addressPrefix: "AzureActiveDirectory", nextHopType: "Internet" },
        ]);
        const subnet = byName(run.resources, "prod-net-server-subnet");
        assert.deepEqual(subnet.propertyDependencies.routeTable, [table.urn]);
    });

    test("the private DNS zone is named after the server and linked to the VNet", () => {
        const zone = one(run.resources, "azure-native:privatedns:PrivateZone");
        assert.equal(zone.props.privateZoneName, "entra-postgres-prod.private.postgres.database.azure.com");
        assert.equal(zone.props.location, "global");
        const link = one(run.resources, "azure-native:privatedns:VirtualNetworkLink");
        assert.deepEqual(link.propertyDependencies.virtualNetwork, [one(run.resources, "azure-native:network:VirtualNetwork").urn]);
        assert.deepEqual(link.propertyDependencies.privateZoneName, [zone.urn]);
    });

    test("the server is VNet-integrated with public access disabled and waits for subnet, zone and link", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        const network = server.props.network as Record<string, unknown>;
        assert.equal(network.publicNetworkAccess, "Disabled");
        assert.match(String(network.delegatedSubnetResourceId), /prod-net-server-subnet$/);
        assert.match(String(network.privateDnsZoneArmResourceId), /prod-net-dns$/);
        for (const name of ["prod-net-server-subnet", "prod-net-dns", "prod-net-dns-link"]) {
            assert.ok(server.dependencies.includes(byName(run.resources, name).urn), `server waits for ${name}`);
        }
        assert.equal(ofType(run.resources, "azure-native:dbforpostgresql:FirewallRule").length, 0, "no firewall rules");
    });

    test("the server: Entra-only auth with the configured tenant, HA, backups, maintenance window, protect", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(server.props.authConfig, {
            activeDirectoryAuth: "Enabled",
            passwordAuth: "Disabled",
            tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        });
        assert.equal(server.props.administratorLogin, undefined);
        assert.equal(server.props.administratorLoginPassword, undefined);
        assert.equal(server.props.serverName, "entra-postgres-prod");
        assert.equal(server.props.version, "17");
        assert.deepEqual(server.props.sku, { name: "Standard_D4ds_v5", tier: "GeneralPurpose" });
        assert.deepEqual(server.props.storage, { storageSizeGB: 256, autoGrow: "Enabled" });
        assert.equal((server.props.highAvailability as Record<string, unknown>).mode, "ZoneRedundant");
        assert.equal(server.props.availabilityZone, "1");
        assert.deepEqual(server.props.backup, { backupRetentionDays: 35, geoRedundantBackup: "Enabled" });
        assert.deepEqual(server.props.maintenanceWindow, { customWindow: "Enabled", dayOfWeek: 0, startHour: 2, startMinute: 0 });
        assert.equal(server.protect, true);
        assert.equal(ofType(run.resources, "random:index/randomPassword:RandomPassword").length, 0, "no password with entra-only");
    });

    test("secure server parameters, connection logging included, are written one after another", () => {
        const params = ofType(run.resources, "azure-native:dbforpostgresql:Configuration");
        const values = Object.fromEntries(params.map((p) => [p.props.configurationName, p.props.value]));
        assert.deepEqual(values, {
            require_secure_transport: "on",
            ssl_min_protocol_version: "TLSv1.2",
            log_connections: "on",
            log_disconnections: "on",
            log_checkpoints: "on",
            "logfiles.retention_days": "7",
            log_line_prefix: "%t-%c-%u@%d-",
            "connection_throttle.enable": "on",
        });
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.ok(params[0].dependencies.includes(server.urn));
        for (let i = 1; i < params.length; i++) {
            assert.ok(params[i].dependencies.includes(params[i - 1].urn), `${params[i].name} waits for ${params[i - 1].name}`);
        }
    });

    test("Entra admins: one per entry, with the spec's principal type (ServicePrincipal, Group), name and tenant, chained after every parameter write", () => {
        const admins = ofType(run.resources, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
        assert.deepEqual(admins.map((a) => [a.props.principalName, a.props.principalType, a.props.objectId, a.props.tenantId]), [
            ["platform-deployer", "ServicePrincipal", "0c5d8e21-4a3b-4c7d-9e8f-1a2b3c4d5e11", "72f988bf-86f1-41af-91ab-2d7cd011db47"],
            ["Prod DB Admins", "Group", "1d6e9f32-5b4c-4d8e-af90-2b3c4d5e6f12", "72f988bf-86f1-41af-91ab-2d7cd011db47"],
        ]);
        const params = ofType(run.resources, "azure-native:dbforpostgresql:Configuration");
        assert.ok(admins[0].dependencies.includes(params[params.length - 1].urn), "first admin waits for the last parameter write");
        assert.ok(admins[1].dependencies.includes(admins[0].urn), "second admin waits for the first");
        for (const admin of admins) {
            for (const param of params) {
                assert.ok(dependsOnTransitively(run.resources, admin, param), `${admin.name} waits for ${param.name}`);
            }
        }
    });

    test("databases come after the last admin, are created by the deployer (so it owns them), and are protected", () => {
        const db = one(run.resources, "azure-native:dbforpostgresql:Database");
        const owned = one(run.resources, "pulumi-nodejs:dynamic/entra-postgres:EntraDatabase");
        const admins = ofType(run.resources, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
        assert.equal(db.props.databaseName, "app");
        assert.equal(owned.props.databaseName, "app");
        assert.equal(owned.props.adminLogin, "platform-deployer");
        assert.equal(owned.props.collation, db.props.collation);
        assert.ok(owned.dependencies.includes(admins[admins.length - 1].urn), "the deployer is an admin before it creates the database");
        assert.ok(db.dependencies.includes(owned.urn), "ARM's create-or-update finds the deployer's database");
        assert.equal(db.name, "prod-db-app", "the ARM database keeps its URN");
        assert.equal(db.protect, true);
        assert.equal(owned.protect, true);
    });

    test("the VM: system-assigned identity, SSH key only, no public IP, no IP forwarding, encryption at host", () => {
        const vm = one(run.resources, "azure-native:compute:VirtualMachine");
        assert.deepEqual(vm.props.identity, { type: "SystemAssigned" });
        assert.equal(vm.props.vmName, "prod-pg-client");
        const os = vm.props.osProfile as Record<string, any>;
        assert.equal(os.adminPassword, undefined);
        assert.equal(os.linuxConfiguration.disablePasswordAuthentication, true);
        assert.match(os.linuxConfiguration.ssh.publicKeys[0].keyData, /^ssh-ed25519 /);
        assert.equal((vm.props.securityProfile as Record<string, unknown>).encryptionAtHost, true);
        const image = (vm.props.storageProfile as Record<string, any>).imageReference;
        assert.deepEqual([image.publisher, image.offer, image.sku], ["Canonical", "ubuntu-24_04-lts", "server"]);
        const nic = one(run.resources, "azure-native:network:NetworkInterface");
        assert.equal(nic.props.enableIPForwarding, false);
        assert.equal((nic.props.ipConfigurations as Record<string, unknown>[])[0].publicIPAddress, undefined);
        assert.equal(ofType(run.resources, "azure-native:network:PublicIPAddress").length, 1, "only the NAT gateway's address");
    });

    test("cloud-init installs the client tools and a login script doing the IMDS token flow", () => {
        const vm = one(run.resources, "azure-native:compute:VirtualMachine");
        const userData = Buffer.from(String((vm.props.osProfile as Record<string, unknown>).customData), "base64").toString("utf8");
        assert.match(userData, /^#cloud-config\n/);
        assert.match(userData, /packages:\n {2}- postgresql-client\n {2}- curl\n {2}- jq\n {2}- ca-certificates\n/);
        assert.match(userData, /http:\/\/169\.254\.169\.254\/metadata\/identity\/oauth2\/token\?api-version=2018-02-01&resource=\$\{resource\}/);
        assert.match(userData, /resource='https:\/\/ossrdbms-aad\.database\.windows\.net'/);
        assert.match(userData, /-H "Metadata: true"/);
        assert.match(userData, /export PGPASSWORD="\$token"/);
        assert.match(userData, /host='entra-postgres-prod\.postgres\.database\.azure\.com'/);
        assert.match(userData, /role='prod-pg-client'/);
        // Each value single-quoted for libpq (components/cloudInit.ts, conninfo_value).
        assert.match(userData, /psql "host=\$\(conninfo_value "\$host"\) port=5432 user=\$\(conninfo_value "\$role"\) dbname=\$\(conninfo_value "\$database"\) sslmode=verify-full sslrootcert=\$\(conninfo_value "\$rootcert"\)"/);
        assert.doesNotMatch(userData, /sslmode=(require|prefer|allow|disable)/);
    });

    test("the server waits for nothing of the VM's side (its subnet, NAT gateway, NSG)", () => {
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        for (const name of ["prod-net-vm-subnet", "prod-net-nat", "prod-net-nat-ip", "prod-net-vm-nsg"]) {
            assert.equal(dependsOnTransitively(run.resources, server, byName(run.resources, name)), false, name);
        }
        // Subnet writes on one VNet must not overlap: the VM's subnet goes after the server's.
        assert.ok(byName(run.resources, "prod-net-vm-subnet").dependencies.includes(byName(run.resources, "prod-net-server-subnet").urn));
    });

    test("the VM is created beside the server, not after it", () => {
        const vm = one(run.resources, "azure-native:compute:VirtualMachine");
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.equal(dependsOnTransitively(run.resources, vm, server), false);
    });

    test("diagnostics send all logs to a Log Analytics workspace", () => {
        const setting = one(run.resources, "azure-native:monitor:DiagnosticSetting");
        const server = one(run.resources, "azure-native:dbforpostgresql:Server");
        assert.deepEqual(setting.propertyDependencies.resourceUri, [server.urn]);
        assert.deepEqual(setting.props.logs, [{ categoryGroup: "allLogs", enabled: true }]);
        assert.equal(one(run.resources, "azure-native:operationalinsights:Workspace").props.retentionInDays, 90);
    });

    test("every resource belongs to a component of this package, named from it", () => {
        const components = new Map(run.resources.filter((r) => !r.custom).map((r) => [r.urn, r]));
        for (const component of components.values()) {
            assert.match(component.type, /^entra-postgres:[a-z]+:[A-Z][A-Za-z]+$/);
        }
        for (const resource of run.resources.filter((r) => r.custom)) {
            const parent = resource.parent && components.get(resource.parent);
            assert.ok(parent, `${resource.name} has a component parent`);
            assert.ok(resource.name.startsWith(`${parent.name}-`), `${resource.name} is named from ${parent.name}`);
        }
    });

    test("outputs: names, FQDN, admins, VM identity and role, connection commands; no password", async () => {
        const o = run.outputs as Record<string, pulumi.Output<unknown> | unknown>;
        assert.equal(o.serverFqdn, "entra-postgres-prod.postgres.database.azure.com");
        assert.equal(await unwrap(o.serverName as pulumi.Output<string>), "entra-postgres-prod");
        assert.deepEqual(o.entraAdmins, ["platform-deployer (ServicePrincipal)", "Prod DB Admins (Group)"]);
        assert.equal(o.deployer, "platform-deployer");
        assert.equal(o.vmRoleName, "prod-pg-client");
        assert.match(String(await unwrap(o.vmPrincipalId as pulumi.Output<string>)), /^[0-9a-f-]{36}$/);
        assert.match(String(o.connectCommand), /az account get-access-token --resource-type oss-rdbms/);
        assert.match(String(o.connectCommand), /host=entra-postgres-prod\.postgres\.database\.azure\.com .*dbname=app .*sslmode=verify-full sslrootcert=system"$/);
        assert.match(String(o.vmConnectCommand), /pg-entra-login app/);
        assert.equal(o.administratorPassword, undefined);
        assert.equal(o.administratorLogin, undefined);
    });
});
