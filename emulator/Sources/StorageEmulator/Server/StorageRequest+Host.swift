import HTTPTypes

extension StorageRequest {
    /// Puts back the `Host` header the HTTP/1 codec moved into the request's `:authority`: URLs the services
    /// write into responses (`ServiceEndpoint`, `odata.metadata`, `Location`) must name the host and port the client
    /// actually reached, not the default port of the service.
    mutating func restoreHost(_ authority: String?) {
        // HTTPTypes hides `.host` to steer code to `:authority`; the services read headers, so it is named here.
        let host = HTTPField.Name("host")!
        guard let authority, headers[host] == nil else { return }
        headers[host] = authority
    }

    /// `http://HOST:PORT/ACCOUNT` as the client reached this service; the service's default port on loopback
    /// only for a request that named no host (an HTTP/1.0 client).
    var accountURL: String {
        "\(isSecure ? "https" : "http")://\(header("host") ?? "127.0.0.1:\(service.defaultPort)")/\(account)"
    }
}
