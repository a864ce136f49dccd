import HTTPTypes
import Hummingbird
import Synchronization

/// One storage service (Blob, Queue or Table) behind its own port.
///
/// The server parses the request and verifies its credential once, for every service alike;
/// the handler dispatches the operation, authorizes it with `context.authorize`, and renders
/// its own errors (XML for Blob and Queue, JSON for Table).
public protocol StorageServiceHandler: Sendable {
    var kind: ServiceKind { get }
    /// Performs the operation the request names; thrown `StorageError`s are rendered with `errorResponse`.
    func respond(to request: StorageRequest, context: OperationContext) async throws -> Response
    /// Renders an error in this service's wire format.
    func errorResponse(_ error: StorageError, for request: StorageRequest?) -> Response
}

/// What an operation knows besides the request: who sent it, and how to check their rights.
public struct OperationContext: Sendable {
    public var credential: Credential
    public var authenticator: Authenticator
    public var store: EmulatorStore
    /// The connection's peer, which a SAS's `sip` must include; Blob Batch checks its subrequests' SAS against it.
    public var clientAddress: String? = nil

    /// Throws 403 unless the credential allows the requirement (`publicRead` opens anonymous reads; false
    /// answers an anonymous read of a private container 404, see `Authenticator.authorize`).
    public func authorize(_ requirement: AccessRequirement, publicRead: Bool? = nil) throws {
        try authenticator.authorize(credential, requirement, publicRead: publicRead)
    }
}

extension StorageServiceHandler {
    /// Headers every response carries, as Azure sends them.
    static func standardHeaders(_ request: StorageRequest?) -> HTTPFields {
        var headers = HTTPFields()
        headers[.xMsRequestID] = request?.requestID ?? UUIDString.make()
        headers[.xMsVersion] = request?.header("x-ms-version") ?? EmulatorDefaults.apiVersion
        headers[.server] = "ironviper-emulator"
        if let clientID = request?.header("x-ms-client-request-id") { headers[.xMsClientRequestID] = clientID }
        return headers
    }
}

/// Constants shared by the services.
public enum EmulatorDefaults {
    /// The service version the emulator answers with when a client sends none.
    public static let apiVersion = "2025-11-05"
}

extension HTTPField.Name {
    static let xMsRequestID = Self("x-ms-request-id")!
    static let xMsVersion = Self("x-ms-version")!
    static let xMsClientRequestID = Self("x-ms-client-request-id")!
    static let xMsErrorCode = Self("x-ms-error-code")!
    static let xMsDate = Self("x-ms-date")!
}

/// Identifiers in Azure's format (lowercase hex version 4 UUIDs), made on hot paths: request ids, and ids that are
/// kept (queue messages, leases, chunk file names). They must be unique, not secret: each half is a counter from a
/// random start mixed by SplitMix64 (a bijection), so no two of a run are equal and two runs share one only if both
/// random starts line up (two 64-bit starts; a random UUID has 122 random bits). Two draws from the system generator
/// (two getrandom calls) per id and text built from Characters were 3 % of a small GET's CPU.
enum UUIDString {
    static func make() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let high = SplitMix64.mix(starts.high &+ count)
        let low = SplitMix64.mix(starts.low &+ count)
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                var value = UInt8(truncatingIfNeeded: word >> UInt64(60 - (nibble % 16) * 4)) & 0xF
                if nibble == 12 { value = 4 }  // the version
                if nibble == 16 { value = 8 | (value & 3) }  // the variant
                text[position] = value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
                position += 1
            }
            return position
        }
    }

    private static let starts = (high: UInt64.random(in: .min ... .max), low: UInt64.random(in: .min ... .max))
    private static let counter = Atomic<UInt64>(0)
}
