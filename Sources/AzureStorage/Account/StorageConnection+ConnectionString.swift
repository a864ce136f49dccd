extension StorageConnection {
    /// Parses a connection string in any of the forms users paste:
    /// `UseDevelopmentStorage=true`; `DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…;EndpointSuffix=…`;
    /// explicit `BlobEndpoint=`/`QueueEndpoint=`/`TableEndpoint=`; and `SharedAccessSignature=…` with
    /// endpoints (SAS-only access, no key). Keys are case-insensitive, as in Azure's own parsers.
    ///
    /// A malformed string throws `invalidConnectionString` naming the bad part, never the key's value.
    package init(connectionString: String) throws(AzureStorageError) {
        let settings = try Self.settings(connectionString)
        func fail(_ detail: String) -> AzureStorageError {
            AzureStorageError(.invalidConnectionString, operation: "parse connection string", detail: detail)
        }

        if let development = settings["usedevelopmentstorage"] {
            guard development.value.lowercased() == "true" else {
                throw fail("UseDevelopmentStorage must be 'true', not '\(development.value)'")
            }
            if let other = settings.values.first(where: { $0.key.lowercased() != "usedevelopmentstorage" }) {
                throw fail("\(other.key) cannot be combined with UseDevelopmentStorage=true")
            }
            self = .development
            return
        }

        let accountName = settings["accountname"]?.value
        if let accountName, accountName.isEmpty { throw fail("AccountName is empty") }
        let credential: StorageCredential
        switch (settings["accountkey"], settings["sharedaccesssignature"]) {
        case (.some, .some):
            throw fail("AccountKey and SharedAccessSignature are both given; keep one")
        case (.some(let key), nil):
            guard let accountName else { throw fail("AccountKey is given without AccountName") }
            guard let decoded = AccountKey(base64: key.value) else {
                throw fail("AccountKey is not valid base64 (the value is not shown)")
            }
            credential = .sharedKey(accountName: accountName, key: decoded)
        case (nil, .some(let sas)):
            var token = Substring(sas.value)
            if token.hasPrefix("?") { token = token.dropFirst() }
            guard token.contains("sig=") else { throw fail("SharedAccessSignature has no sig= field") }
            credential = .sharedAccessSignature(String(token))
        case (nil, nil):
            credential = .anonymous
        }

        let scheme = (settings["defaultendpointsprotocol"]?.value ?? "https").lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw fail("DefaultEndpointsProtocol must be http or https, not '\(scheme)'")
        }
        let suffix = settings["endpointsuffix"]?.value ?? "core.windows.net"
        if suffix.isEmpty || suffix.contains("/") { throw fail("EndpointSuffix '\(suffix)' is not a host suffix") }

        var endpoints: [StorageService: String] = [:]
        for service in StorageService.allCases {
            if let explicit = settings[Self.endpointKey(service).lowercased()] {
                guard Self.isHTTPURL(explicit.value) else {
                    throw fail("\(explicit.key) '\(explicit.value)' is not an http:// or https:// URL")
                }
                endpoints[service] = explicit.value
            } else if let accountName {
                endpoints[service] = "\(scheme)://\(accountName).\(service.rawValue).\(suffix)"
            }
        }
        if endpoints.isEmpty {
            throw fail("neither AccountName nor BlobEndpoint/QueueEndpoint/TableEndpoint is given")
        }
        self.init(
            accountName: accountName ?? Self.accountName(fromEndpoint: endpoints[.blob] ?? endpoints.values.first!),
            credential: credential, blobEndpoint: endpoints[.blob], queueEndpoint: endpoints[.queue],
            tableEndpoint: endpoints[.table])
    }

    /// Every key this parser knows; anything else is a typo worth reporting.
    private static let knownKeys: Set<String> = [
        "usedevelopmentstorage", "defaultendpointsprotocol", "accountname", "accountkey", "endpointsuffix",
        "blobendpoint", "queueendpoint", "tableendpoint", "fileendpoint", "sharedaccesssignature",
        "blobsecondaryendpoint", "queuesecondaryendpoint", "tablesecondaryendpoint", "filesecondaryendpoint",
    ]

    /// Splits `Key=Value;…` into settings keyed by lowercased key, keeping the spelling for messages.
    private static func settings(_ text: String) throws(AzureStorageError) -> [String: (key: String, value: String)] {
        var settings: [String: (key: String, value: String)] = [:]
        for (index, part) in text.split(separator: ";", omittingEmptySubsequences: false).enumerated() {
            let trimmed = part.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw AzureStorageError(
                    .invalidConnectionString, operation: "parse connection string",
                    detail: "part \(index + 1) ('\(trimmed.prefix(40))') is not Key=Value")
            }
            let key = String(trimmed[..<equals].trimmingWhitespace())
            let value = String(trimmed[trimmed.index(after: equals)...].trimmingWhitespace())
            guard knownKeys.contains(key.lowercased()) else {
                throw AzureStorageError(
                    .invalidConnectionString, operation: "parse connection string",
                    detail: "unknown setting '\(key)' in part \(index + 1)")
            }
            guard settings[key.lowercased()] == nil else {
                throw AzureStorageError(
                    .invalidConnectionString, operation: "parse connection string", detail: "\(key) is given twice")
            }
            settings[key.lowercased()] = (key, value)
        }
        guard !settings.isEmpty else {
            throw AzureStorageError(
                .invalidConnectionString, operation: "parse connection string", detail: "it is empty")
        }
        return settings
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        for prefix in ["http://", "https://"] where lower.hasPrefix(prefix) {
            return lower.count > prefix.count && !lower.dropFirst(prefix.count).hasPrefix("/")
        }
        return false
    }

    /// The account a SAS-only endpoint belongs to: the first path segment of a path-style URL
    /// (`http://127.0.0.1:10000/devstoreaccount1`) or the first label of the host (`acct.blob.core.windows.net`).
    static func accountName(fromEndpoint url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(host.count).split(separator: "/")
        if let first = path.first { return String(first) }
        let hostName = host.prefix { $0 != ":" }
        if hostName.allSatisfy({ $0.isNumber || $0 == "." }) || hostName == "localhost" { return nil }
        return hostName.split(separator: ".").first.map(String.init)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return slice
    }
}
