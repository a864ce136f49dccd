import HTTPTypes
import Hummingbird

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
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let a = generator.next() as UInt64, b = generator.next() as UInt64
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        let s = hex(a, 16) + hex(b, 16)
        let c = Array(s)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-"
            + String(["8", "9", "a", "b"][Int(b >> 62)]) + String(c[17..<20]) + "-" + String(c[20..<32])
    }
}
