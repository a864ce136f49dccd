import AzureWire
import Foundation

/// The code and message in an error response body: XML (`<Error><Code>…<Message>…`) from Blob and
/// Queue, JSON (`{"odata.error":{"code":…,"message":{"value":…}}}`) from Table.
struct ServiceErrorBody {
    var code: String?
    var message: String?
    var authenticationDetail: String?

    init(_ body: [UInt8]) {
        guard !body.isEmpty else { return }
        if let first = body.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }),
            first == UInt8(ascii: "{")
        {
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            let error = (object?["odata.error"] ?? object?["error"]) as? [String: Any]
            code = error?["code"] as? String
            message = ((error?["message"] as? [String: Any])?["value"] as? String) ?? (error?["message"] as? String)
        } else {
            let text = String(decoding: body, as: UTF8.self)
            code = Self.element("Code", in: text)
            message = Self.element("Message", in: text)
            authenticationDetail = Self.element("AuthenticationErrorDetail", in: text)
        }
        // Azure appends "RequestId:…\nTime:…" lines; the first line is the useful part.
        message = message?.split(separator: "\n").first.map { String($0.trimmingWhitespace()) }
        // On a 403 the service says why (and, for SharedKey, what it signed): keep that too.
        if let detail = authenticationDetail { message = (message.map { $0 + " " } ?? "") + "(\(detail))" }
    }

    private static func element(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return XMLText.unescape(String(text[start.upperBound..<end.lowerBound]))
    }
}
