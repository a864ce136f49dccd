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

/// Random identifiers in Azure's format (lowercase hex UUIDs) without Foundation's overhead on hot paths.
enum UUIDString {
    /// A version 4 UUID's text for `x-ms-request-id`, which must be unique, not secret: a counter mixed by
    /// splitmix64's finalizer (a bijection, so no two requests of a run share one) from a random start. It drew
    /// two numbers from the system generator (two getrandom calls) and built the text from Characters, 3 % of a
    /// small GET's CPU.
    static func make() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let high = mix(start &+ count)
        let low = mix(high ^ 0xD1B5_4A32_D192_ED03)
        return String(unsafeUninitializedCapacity: 36) { text in
            let digits = Array("0123456789abcdef".utf8)
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                var value = Int(truncatingIfNeeded: word >> UInt64(60 - (nibble % 16) * 4)) & 0xF
                if nibble == 12 { value = 4 }  // the version
                if nibble == 16 { value = 8 | (value & 3) }  // the variant
                text[position] = digits[value]
                position += 1
            }
            return position
        }
    }

    private static let start = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
