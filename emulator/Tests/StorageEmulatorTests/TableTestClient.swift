import Crypto
import Foundation
import StorageEmulator

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP client for the Queue and Table tests: signs requests with SharedKeyLite (the
/// scheme all three services accept) for the development account and returns status, headers, body.
struct TableTestClient: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers[name.lowercased()] }
        /// The body parsed as JSON (Table responses).
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        /// `x-ms-error-code`.
        var errorCode: String? { header("x-ms-error-code") }
    }

    let endpoint: String
    let service: ServiceKind
    let session: URLSession

    init(endpoint: String, service: ServiceKind) {
        self.endpoint = endpoint
        self.service = service
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    /// Sends `method path` (path after the account, with its query) and returns the reply.
    func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil, signed: Bool = true
    ) async throws -> Reply {
        let url = URL(string: endpoint + path)!
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        let date = Self.rfc1123(Date())
        var all = headers
        all["x-ms-date"] = date
        all["x-ms-version"] = all["x-ms-version"] ?? "2021-12-02"
        if service == .table {
            all["Accept"] = all["Accept"] ?? "application/json;odata=minimalmetadata"
            all["DataServiceVersion"] = "3.0"
            if body != nil { all["Content-Type"] = all["Content-Type"] ?? "application/json" }
        } else if body != nil {
            // URLSession would otherwise add a form content type after the request was signed.
            all["Content-Type"] = all["Content-Type"] ?? "application/xml"
        }
        if signed { all["Authorization"] = authorization(method: method, url: url, headers: all) }
        for (name, value) in all { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var replyHeaders: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            replyHeaders[String(describing: name).lowercased()] = String(describing: value)
        }
        return Reply(status: http.statusCode, headers: replyHeaders, body: data)
    }

    private func authorization(method: String, url: URL, headers: [String: String]) -> String {
        let account = StorageAccount.developmentAccountName
        let encodedPath = URLComponents(url: url, resolvingAgainstBaseURL: false)!.percentEncodedPath
        var resource = "/" + account + encodedPath
        if let comp = URLComponents(url: url, resolvingAgainstBaseURL: false)!.queryItems?.first(where: { $0.name == "comp" })?.value {
            resource += "?comp=" + comp
        }
        let stringToSign: String
        if service == .table {
            stringToSign = (headers["x-ms-date"] ?? "") + "\n" + resource
        } else {
            let canonical = headers.filter { $0.key.lowercased().hasPrefix("x-ms-") }
                .map { ($0.key.lowercased(), $0.value) }.sorted { $0.0 < $1.0 }
                .map { "\($0.0):\($0.1)\n" }.joined()
            stringToSign = [method, "", headers["Content-Type"] ?? "", ""].joined(separator: "\n") + "\n" + canonical + resource
        }
        let key = SymmetricKey(data: Data(base64Encoded: StorageAccount.developmentAccountKey)!)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return "SharedKeyLite \(account):\(Data(mac).base64EncodedString())"
    }

    static func rfc1123(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
