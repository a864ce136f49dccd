/// Where each service lives and how to authenticate: what a connection string means.
/// Endpoints are base URLs without a trailing slash; path-style endpoints (the emulator's
/// `http://127.0.0.1:10000/devstoreaccount1`) and host-style ones (`https://acct.blob.core.windows.net`)
/// are used the same way: container and blob names are appended to the path.
package struct StorageConnection: Sendable, CustomStringConvertible {
    /// The account name; nil for SAS-only connections whose endpoints do not reveal it.
    package var accountName: String?
    package var credential: StorageCredential
    package var blobEndpoint: String?
    package var queueEndpoint: String?
    package var tableEndpoint: String?

    /// Builds a connection from parts, for callers that do not start from a connection string.
    package init(
        accountName: String?, credential: StorageCredential, blobEndpoint: String? = nil,
        queueEndpoint: String? = nil, tableEndpoint: String? = nil
    ) {
        self.accountName = accountName
        self.credential = credential
        self.blobEndpoint = blobEndpoint.map(Self.trimmed)
        self.queueEndpoint = queueEndpoint.map(Self.trimmed)
        self.tableEndpoint = tableEndpoint.map(Self.trimmed)
    }

    /// The well-known development account on Azurite's default ports (`UseDevelopmentStorage=true`).
    package static var development: StorageConnection {
        let name = "devstoreaccount1"
        let key = AccountKey(
            base64: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")
        // The published key is valid base64; a nil here would be a typo in this file.
        precondition(key != nil, "the development account key literal is not base64")
        return StorageConnection(
            accountName: name, credential: .sharedKey(accountName: name, key: key!),
            blobEndpoint: "http://127.0.0.1:10000/\(name)", queueEndpoint: "http://127.0.0.1:10001/\(name)",
            tableEndpoint: "http://127.0.0.1:10002/\(name)")
    }

    /// The base URL of a service, or `missingEndpoint` when the connection string gave none.
    package func endpoint(_ service: StorageService) throws(AzureStorageError) -> String {
        let value: String? =
            switch service {
            case .blob: blobEndpoint
            case .queue: queueEndpoint
            case .table: tableEndpoint
            }
        guard let value else {
            throw AzureStorageError(
                .missingEndpoint, operation: "connect \(service.rawValue)",
                detail: "the connection string has no \(service.rawValue) endpoint (add \(Self.endpointKey(service))= "
                    + "or AccountName= with DefaultEndpointsProtocol=)")
        }
        return value
    }

    static func endpointKey(_ service: StorageService) -> String {
        switch service {
        case .blob: "BlobEndpoint"
        case .queue: "QueueEndpoint"
        case .table: "TableEndpoint"
        }
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    package var description: String {
        "StorageConnection(account: \(accountName ?? "?"), credential: \(credential), blob: \(blobEndpoint ?? "-"), "
            + "queue: \(queueEndpoint ?? "-"), table: \(tableEndpoint ?? "-"))"
    }
}
