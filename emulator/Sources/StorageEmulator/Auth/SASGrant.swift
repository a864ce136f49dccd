import Foundation

/// The rights a verified SAS token carries, after its stored access policy (if any) was merged in.
public struct SASGrant: Sendable {
    /// What the token was signed for.
    public enum Scope: Sendable, Equatable {
        /// An account SAS: `ss` services and `srt` resource types.
        case account(services: Set<ServiceKind>, resourceTypes: Set<ResourceType>)
        /// A service SAS for one container / queue (and everything in it).
        case container(String)
        /// A service SAS for one blob (`sr=b`), or a blob snapshot/version (`sr=bs`/`bv`).
        case blob(container: String, blob: String)
        /// A table SAS (`tn`), optionally limited to a PartitionKey/RowKey range.
        case table(String, range: TableKeyRange?)
    }

    /// The account whose key signed the token.
    public var account: String
    /// The service the token was presented to; an account SAS must list it in `ss`.
    public var service: ServiceKind
    /// What the token was signed for.
    public var scope: Scope
    /// Permission letters as granted (`r`, `a`, `c`, `w`, `d`, `l`, `p`, `u`, …), after merging a stored policy.
    public var permissions: Set<Character>
    /// Response headers a blob SAS overrides, keyed by their query parameter: `rscc` (Cache-Control),
    /// `rscd` (Content-Disposition), `rsce` (Content-Encoding), `rscl` (Content-Language), `rsct` (Content-Type).
    public var responseHeaderOverrides: [String: String]
    /// The start of the validity window actually applied (the token's, or its stored policy's).
    public var start: Date?
    /// The end of that window.
    public var expiry: Date?
    /// `sip`: the client addresses allowed; authentication already refused a request from outside it.
    public var ipRange: SASIPRange?
    /// `ses`: the encryption scope writes made with this token must use.
    public var encryptionScope: String?
    /// `si`: the stored access policy the token refers to.
    public var policyID: String?
    /// `sv`: the version the token was signed with.
    public var version: String
    /// `snapshot` / `versionid` of an `sr=bs` / `sr=bv` token: the one blob snapshot or version it opens.
    public var blobTimestamp: String?

    /// A grant; the authenticator builds them, tests and services may too.
    public init(
        account: String, scope: Scope, permissions: Set<Character>, responseHeaderOverrides: [String: String] = [:],
        service: ServiceKind = .blob, start: Date? = nil, expiry: Date? = nil, ipRange: SASIPRange? = nil,
        encryptionScope: String? = nil, policyID: String? = nil, version: String = "", blobTimestamp: String? = nil
    ) {
        self.account = account
        self.scope = scope
        self.permissions = permissions
        self.responseHeaderOverrides = responseHeaderOverrides
        self.service = service
        self.start = start
        self.expiry = expiry
        self.ipRange = ipRange
        self.encryptionScope = encryptionScope
        self.policyID = policyID
        self.version = version
        self.blobTimestamp = blobTimestamp
    }
}

/// A `sip` value: one IPv4/IPv6 address or an inclusive range `low-high`.
public struct SASIPRange: Sendable, Equatable, CustomStringConvertible {
    /// The first address, in network byte order (4 bytes for IPv4, 16 for IPv6).
    public var low: [UInt8]
    /// The last address, same family as `low`.
    public var high: [UInt8]

    /// Parses `168.1.5.65` or `168.1.5.60-168.1.5.70`; nil when either end is not an address.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let low = Self.address(parts[0]) else { return nil }
        let high = parts.count == 2 ? Self.address(parts[1]) : low
        guard let high, high.count == low.count, !high.lexicographicallyPrecedes(low) else { return nil }
        self.low = low
        self.high = high
    }

    /// Whether a client address falls in the range. An IPv4 client on a dual-stack socket shows as an
    /// IPv4-mapped IPv6 address (`::ffff:10.1.2.3`); it is compared as the IPv4 address it is.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.address(Substring(address)) else { return false }
        let isV4Mapped = bytes.count == 16 && bytes[..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        if isV4Mapped, low.count == 4 { bytes = Array(bytes[12...]) }
        guard bytes.count == low.count else { return false }
        return !bytes.lexicographicallyPrecedes(low) && !high.lexicographicallyPrecedes(bytes)
    }

    /// `low-high`, for logs and error details.
    public var description: String { "\(Self.text(low))-\(Self.text(high))" }

    private static func address(_ text: Substring) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, String(text), &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    private static func text(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: bytes.count, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        .joined(separator: ":")
    }
}
