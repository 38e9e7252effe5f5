/**
 * Per-cloud endpoints. The token audience and DNS suffixes differ between the public cloud and the sovereign
 * clouds; `az cloud show` lists them. Learn: "Microsoft Entra authentication with Azure Database for
 * PostgreSQL flexible server", https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-azure-ad-authentication
 * ("For other clouds, you can look up the resource value by using the following command").
 */
export type Cloud = "public" | "usgov" | "china";

export const clouds: readonly Cloud[] = ["public", "usgov", "china"];

export interface CloudEndpoints {
    /** Resource (audience) of Entra tokens for Azure Database for PostgreSQL. */
    readonly tokenResource: string;
    /** Suffix of a Flexible Server's public FQDN: `<server>.<suffix>`. */
    readonly serverSuffix: string;
    /** Suffix of the private DNS zone a VNet-integrated server uses. */
    readonly privateDnsSuffix: string;
    /**
     * The private DNS zone of a server reached through a private endpoint (`privatelink.<postgres suffix>`).
     * Learn: "Azure Private Endpoint private DNS zone values", Databases, "Azure Database for PostgreSQL -
     * Flexible server (Microsoft.DBforPostgreSQL/flexibleServers) / postgresqlServer" per cloud (see
     * contracts/azure/Microsoft.DBforPostgreSQL.json, privateLink).
     */
    readonly privateLinkDnsZone: string;
    /** Name of the cloud for `az cloud set --name`. */
    readonly azCloudName: string;
    /** Microsoft Entra sign-in host, for `@azure/identity`'s `authorityHost`. */
    readonly authorityHost: string;
    /**
     * Azure Resource Manager endpoint (`az cloud show --query endpoints.resourceManager`), also the audience of
     * its tokens: the calls the program makes itself (a server restart) go there.
     */
    readonly resourceManager: string;
}

export const cloudEndpoints: Readonly<Record<Cloud, CloudEndpoints>> = {
    public: {
        tokenResource: "https://ossrdbms-aad.database.windows.net",
        serverSuffix: "postgres.database.azure.com",
        privateDnsSuffix: "private.postgres.database.azure.com",
        privateLinkDnsZone: "privatelink.postgres.database.azure.com",
        azCloudName: "AzureCloud",
        authorityHost: "https://login.microsoftonline.com",
        resourceManager: "https://management.azure.com",
    },
    usgov: {
        tokenResource: "https://ossrdbms-aad.database.usgovcloudapi.net",
        serverSuffix: "postgres.database.usgovcloudapi.net",
        privateDnsSuffix: "private.postgres.database.usgovcloudapi.net",
        privateLinkDnsZone: "privatelink.postgres.database.usgovcloudapi.net",
        azCloudName: "AzureUSGovernment",
        authorityHost: "https://login.microsoftonline.us",
        resourceManager: "https://management.usgovcloudapi.net",
    },
    china: {
        tokenResource: "https://ossrdbms-aad.database.chinacloudapi.cn",
        serverSuffix: "postgres.database.chinacloudapi.cn",
        privateDnsSuffix: "private.postgres.database.chinacloudapi.cn",
        privateLinkDnsZone: "privatelink.postgres.database.chinacloudapi.cn",
        azCloudName: "AzureChinaCloud",
        authorityHost: "https://login.chinacloudapi.cn",
        resourceManager: "https://management.chinacloudapi.cn",
    },
};

/** The FQDN Azure gives a server; known before the server exists, so nothing has to wait for it. */
export function serverFqdn(serverName: string, cloud: Cloud): string {
    return `${serverName}.${cloudEndpoints[cloud].serverSuffix}`;
}
