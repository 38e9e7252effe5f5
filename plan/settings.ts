/**
 * Which stack setting a policy violation asks to change. The policies speak of Azure properties
 * (`authConfig.passwordAuth`); a reviewer changes `Pulumi.<stack>.yaml`. Policies no setting controls (the
 * program sets the property itself) name the policy config instead: vm-not-standalone (the VM's zones,
 * availability set and disk types), vm-nic-inherits-vnet-dns (the NIC's DNS servers) and
 * nsg-no-leading-deny-all-inbound (the NSG's rules) among them.
 */
export const policySettings: Readonly<Record<string, string>> = {
    "postgres-entra-only-auth": "entra-postgres:auth",
    "postgres-public-network-access-disabled": "entra-postgres:network.access",
    "postgres-private-connectivity": "entra-postgres:network.access",
    "postgres-private-endpoint-required": "entra-postgres:network.access",
    "postgres-private-endpoint-dns-zone": "entra-postgres:network.existing.privateDnsZoneId",
    "postgres-firewall-private-server": "entra-postgres:network.allowedIps",
    "entra-private-access-existing-network": "entra-postgres:network.existing.serverSubnetId",
    "postgres-geo-redundant-backup": "entra-postgres:server.geoRedundantBackup",
    "postgres-backup-retention": "entra-postgres:server.backupRetentionDays",
    "postgres-zone-redundant-ha": "entra-postgres:server.highAvailability",
    "postgres-diagnostic-settings": "entra-postgres:diagnostics.enabled",
    "vm-encryption-at-host": "entra-postgres:vm.encryptionAtHost",
    "vm-nic-no-public-ip": "entra-postgres:vm.publicIp",
    "vm-size-supported": "entra-postgres:vm.size",
    "postgres-firewall-no-azure-services-rule": "entra-postgres:network.allowAzureServices",
    "postgres-firewall-no-internet-range": "entra-postgres:network.allowedIps",
    "entra-private-access-aad-route": "entra-postgres:network.routeTable",
    "route-no-default-internet": "entra-postgres:network.routeTable",
    "entra-vm-identity-has-role": "entra-postgres:vm.access",
    "entra-admin-principal-types": "entra-postgres:admins (type)",
    "entra-only-lockout": "entra-postgres:admins",
    "entra-admin-provisioned": "entra-postgres:admins",
    "entra-admin-not-ordinary-role": "entra-postgres:principals",
    "postgres-require-secure-transport": "entra-postgres:server.parameters.require_secure_transport",
    "postgres-tls-min-version": "entra-postgres:server.parameters.ssl_min_protocol_version",
    "postgres-log-checkpoints": "entra-postgres:server.parameters.log_checkpoints",
    "postgres-log-retention-days": "entra-postgres:server.parameters.logfiles.retention_days",
    "postgres-log-line-prefix": "entra-postgres:server.parameters.log_line_prefix",
    "postgres-connection-throttling": "entra-postgres:server.parameters.connection_throttle.enable",
    "postgres-pgaudit": "entra-postgres:server.parameters.shared_preload_libraries",
    "postgres-log-connections": "entra-postgres:server.parameters.log_connections",
    "postgres-log-disconnections": "entra-postgres:server.parameters.log_disconnections",
    "postgres-password-encryption": "entra-postgres:server.parameters.password_encryption",
    "postgres-maintenance-window": "entra-postgres:server.maintenanceWindow",
    "postgres-customer-managed-key": "entra-postgres:server.customerManagedKey",
    "postgres-defender-threat-protection": "entra-postgres:server.threatProtection",
};

/** The setting to change for a violation of `policyName`. */
export function settingFor(policyName: string, stack: string): string {
    return policySettings[policyName] ?? `policies/config/${stack}.json ("${policyName}"): no stack setting controls it`;
}
