import AzureWire

/// Builds request URLs from an endpoint, a path of names and query items, encoding names the way
/// Microsoft's SDKs do (so the signed path is the one Azure's own clients would send).
struct ResourceURL: Sendable {
    var endpoint: String
    /// The encoded path after the endpoint, starting with `/` (or empty for the service root).
    var path: String
    var query: [(name: String, value: String)] = []

    /// The service root: `endpoint/` (Azure wants the slash for account-level operations).
    init(service endpoint: String) {
        self.endpoint = endpoint
        path = "/"
    }

    /// `endpoint/container` or `endpoint/container/blob name` with `/` in the blob name kept.
    init(endpoint: String, container: String, blob: String? = nil) {
        self.endpoint = endpoint
        path = "/" + PercentEncoding.encode(container, safe: "/")
        if let blob { path += "/" + PercentEncoding.encodePath(blob) }
    }

    /// `endpoint` followed by a path that is already encoded (Table entity paths, queue message paths).
    init(endpoint: String, encodedPath: String) {
        self.endpoint = endpoint
        path = encodedPath.hasPrefix("/") ? encodedPath : "/" + encodedPath
    }

    /// Adds a query item; the value is percent-encoded here.
    func adding(_ name: String, _ value: String?) -> ResourceURL {
        guard let value else { return self }
        var copy = self
        copy.query.append((name, value))
        return copy
    }

    /// The full URL, optionally with a SAS token appended.
    func string(sas: String? = nil) -> String {
        var items = query.map { "\($0.name)=\(PercentEncoding.encodeQueryValue($0.value))" }
        if let sas, !sas.isEmpty { items.append(sas) }
        return endpoint + path + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
    }
}
