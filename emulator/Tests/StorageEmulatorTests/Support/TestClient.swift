import Crypto
import Foundation
import StorageEmulator
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A deliberately small HTTP client for the emulator's own tests: it signs requests with SharedKey
/// (its own implementation, written from Azure's documentation) and returns raw status, headers and body,
/// so tests can assert on the wire format itself.
struct TestClient: Sendable {
    var base: String  // http://127.0.0.1:PORT/devstoreaccount1
    var account = StorageAccount.developmentAccountName
    var key = StorageAccount.developmentAccountKey

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorCode: String? { headers["x-ms-error-code"] }
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// Sends `method path?query` with optional headers and body, signed unless `signed` is false.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], headers: [String: String] = [:], body: Data = Data(),
        signed: Bool = true
    ) async throws -> Reply {
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? String($0)
        }.joined(separator: "/")
        let queryText = query.map {
            "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? $0.1)"
        }.joined(separator: "&")
        let url = URL(string: base + encodedPath + (queryText.isEmpty ? "" : "?" + queryText))!
        var request = URLRequest(url: url)
        request.httpMethod = method
        var allHeaders = headers
        allHeaders["x-ms-version"] = allHeaders["x-ms-version"] ?? "2025-11-05"
        allHeaders["x-ms-date"] = DateFormatter.rfc1123.string(from: Date())
        if !body.isEmpty || method == "PUT" { allHeaders["Content-Length"] = String(body.count) }
        if signed {
            let basePath = URL(string: base)!.path
            allHeaders["Authorization"] = sign(method: method, path: basePath + encodedPath, query: query, headers: allHeaders)
        }
        for (name, value) in allHeaders { request.setValue(value, forHTTPHeaderField: name) }
        if !body.isEmpty { request.httpBody = body }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var replyHeaders: [String: String] = [:]
        for (name, value) in http.allHeaderFields { replyHeaders[String(describing: name).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: replyHeaders, body: data)
    }

    /// SharedKey for Blob and Queue, as Azure's "Authorize with Shared Key" page describes it.
    func sign(method: String, path: String, query: [(String, String)], headers: [String: String]) -> String {
        let lower = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        func h(_ name: String) -> String { lower[name] ?? "" }
        let length = h("content-length") == "0" ? "" : h("content-length")
        var text = [method, h("content-encoding"), h("content-language"), length, h("content-md5"), h("content-type"), h("date"),
            h("if-modified-since"), h("if-match"), h("if-none-match"), h("if-unmodified-since"), h("range")].joined(separator: "\n")
        text += "\n"
        for name in lower.keys.filter({ $0.hasPrefix("x-ms-") }).sorted() { text += "\(name):\(lower[name]!)\n" }
        text += "/\(account)\(path)"
        var grouped: [String: [String]] = [:]
        for (name, value) in query { grouped[name.lowercased(), default: []].append(value) }
        for name in grouped.keys.sorted() { text += "\n\(name):\(grouped[name]!.sorted().joined(separator: ","))" }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(base64Encoded: key)!))
        return "SharedKey \(account):\(Data(mac).base64EncodedString())"
    }
}

extension DateFormatter {
    static let rfc1123: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()
}

/// Runs a test body against an emulator started in-process on free ports, then shuts it down.
func withEmulator<T>(
    location: String? = nil, features: [String: AccountFeatures] = [:], _ body: (RunningEmulator, TestClient) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration.ephemeral(location: location)
    configuration.unlinkGracePeriod = .zero
    configuration.accountFeatures = features
    let emulator = try await RunningEmulator.start(configuration: configuration)
    do {
        let result = try await body(emulator, TestClient(base: emulator.endpoint(.blob)))
        await emulator.shutdown()
        return result
    } catch {
        await emulator.shutdown()
        throw error
    }
}
