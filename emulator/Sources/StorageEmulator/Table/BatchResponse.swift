/// Writes the `multipart/mixed` response of a `$batch`: one changeset response holding either a
/// response per operation (all succeeded) or only the failing operation's error, as Azure does.
struct BatchResponse {
    /// One HTTP response inside the changeset.
    struct Part: Sendable {
        var status: Int
        var reason: String
        var headers: [(String, String)]
        var body: String?
        var contentID: String?
    }

    let batchBoundary = "batchresponse_" + UUIDString.make()
    let changesetBoundary = "changesetresponse_" + UUIDString.make()

    var contentType: String { "multipart/mixed; boundary=\(batchBoundary)" }

    func render(_ parts: [Part]) -> String {
        var text = "--\(batchBoundary)\r\n"
        text += "Content-Type: multipart/mixed; boundary=\(changesetBoundary)\r\n\r\n"
        for part in parts {
            text += "--\(changesetBoundary)\r\n"
            text += "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            text += "HTTP/1.1 \(part.status) \(part.reason)\r\n"
            if let contentID = part.contentID { text += "Content-ID: \(contentID)\r\n" }
            text += "X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\n"
            for (name, value) in part.headers { text += "\(name): \(value)\r\n" }
            text += "\r\n"
            if let body = part.body { text += body + "\r\n" }
        }
        text += "--\(changesetBoundary)--\r\n"
        text += "--\(batchBoundary)--\r\n"
        return text
    }
}
