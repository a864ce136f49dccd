import AzureWire
import Crypto
import Foundation

/// Builds SAS tokens from the account key: a read link to one photo that expires, or a scoped
/// token for a container or the whole account. Tokens are laid out as Microsoft's Python SDK lays
/// them out (same field order, same escaping), so a token can be compared byte for byte.
package struct SharedAccessSignature: Sendable {
    /// The `sv` written into tokens: the signing layout below is the one for versions 2020-12-06 and later.
    package static let defaultVersion = "2024-11-04"

    /// Optional fields every SAS may carry.
    package struct Options: Sendable {
        /// When the token becomes valid; nil means "as soon as it is received".
        package var start: Date?
        /// An IP address or range (`168.1.5.60-168.1.5.70`) the token is limited to.
        package var ip: String?
        /// `https` or `https,http`; nil leaves the service default.
        package var `protocol`: String?
        /// The `sv` the token is signed for.
        package var version: String = SharedAccessSignature.defaultVersion
        /// Response header overrides (`rscc`, `rscd`, `rsce`, `rscl`, `rsct`): a shared photo can be served
        /// as an attachment with a friendly file name, say.
        package var cacheControl: String?
        package var contentDisposition: String?
        package var contentEncoding: String?
        package var contentLanguage: String?
        package var contentType: String?
        /// A stored access policy (`si`) on the container, which can be revoked later.
        package var policyID: String?

        package init() {}
    }

    let accountName: String
    let key: AccountKey

    /// A generator for one account.
    package init(accountName: String, key: AccountKey) {
        self.accountName = accountName
        self.key = key
    }

    /// A service SAS for one blob (`sr=b`), for example `permissions: "r"` to share a photo until `expiry`.
    /// Permissions are letters in Azure's order `racwdxytmei`.
    package func blob(
        container: String, blob: String, permissions: String, expiry: Date?, options: Options = Options()
    ) -> String {
        service(
            resource: "b", path: "/\(container)/\(blob)", permissions: permissions, expiry: expiry, options: options)
    }

    /// A service SAS for a container and the blobs in it (`sr=c`); permissions `racwdxyltfmei`.
    package func container(_ container: String, permissions: String, expiry: Date?, options: Options = Options())
        -> String
    {
        service(resource: "c", path: "/\(container)", permissions: permissions, expiry: expiry, options: options)
    }

    /// An account SAS: `services` from `bqtf`, `resourceTypes` from `sco`, permissions `rwdlacuptfxiy`.
    package func account(
        services: String, resourceTypes: String, permissions: String, expiry: Date, options: Options = Options()
    ) -> String {
        var fields = baseFields(permissions: permissions, expiry: expiry, options: options)
        fields.append(("ss", services))
        fields.append(("srt", resourceTypes))
        let value = { (name: String) in fields.first { $0.0 == name }?.1 ?? "" }
        let message = [
            accountName, value("sp"), value("ss"), value("srt"), value("st"), value("se"), value("sip"), value("spr"),
            value("sv"), value("ses"),
        ].map { $0 + "\n" }.joined()
        return token(fields, signature: sign(message))
    }

    private func service(resource: String, path: String, permissions: String, expiry: Date?, options: Options)
        -> String
    {
        var fields = baseFields(permissions: permissions, expiry: expiry, options: options)
        if let policy = options.policyID { fields.append(("si", policy)) }
        fields.append(("sr", resource))
        let overrides = [
            ("rscc", options.cacheControl), ("rscd", options.contentDisposition), ("rsce", options.contentEncoding),
            ("rscl", options.contentLanguage), ("rsct", options.contentType),
        ]
        for case (let name, let value?) in overrides where !value.isEmpty { fields.append((name, value)) }
        let value = { (name: String) in fields.first { $0.0 == name }?.1 ?? "" }
        let lines = [
            value("sp"), value("st"), value("se"), "/blob/\(accountName)\(path)", value("si"), value("sip"),
            value("spr"), value("sv"), value("sr"), "", value("ses"), value("rscc"), value("rscd"), value("rsce"),
            value("rscl"), value("rsct"),
        ]
        return token(fields, signature: sign(lines.joined(separator: "\n")))
    }

    /// `st`, `se`, `sp`, `sip`, `spr`, `sv` in the SDK's order, omitting what is not set.
    private func baseFields(permissions: String, expiry: Date?, options: Options) -> [(String, String)] {
        var fields: [(String, String)] = []
        if let start = options.start { fields.append(("st", HTTPDate.iso8601(start, fractionDigits: 0))) }
        if let expiry { fields.append(("se", HTTPDate.iso8601(expiry, fractionDigits: 0))) }
        if !permissions.isEmpty { fields.append(("sp", permissions)) }
        if let ip = options.ip, !ip.isEmpty { fields.append(("sip", ip)) }
        if let proto = options.protocol, !proto.isEmpty { fields.append(("spr", proto)) }
        fields.append(("sv", options.version))
        return fields
    }

    private func sign(_ message: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key.bytes))
        return Base64.encode(Array(mac))
    }

    private func token(_ fields: [(String, String)], signature: String) -> String {
        (fields + [("sig", signature)]).map { "\($0.0)=\(PercentEncoding.encode($0.1, safe: "/"))" }
            .joined(separator: "&")
    }
}
