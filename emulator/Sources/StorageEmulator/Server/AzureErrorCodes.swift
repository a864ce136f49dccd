import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Gives an Azure error code to an error answer written without one. Hummingbird answers a request whose
/// bytes stop parsing after the emulator already answered it (a body still arriving behind an early 403 or
/// 413, chunked framing broken halfway) with its own bare `400` (`Connection: close`, no body, no
/// `x-ms-error-code`), which Azure's SDKs report as an unknown error and the fuzzer counted by the hundred.
/// Every other answer the emulator writes carries its code already; this handler leaves those alone.
final class AzureErrorCodes: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private static let errorCode = HTTPField.Name("x-ms-error-code")!
    private static let requestID = HTTPField.Name("x-ms-request-id")!
    private static let version = HTTPField.Name("x-ms-version")!

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var response) = unwrapOutboundIn(data), response.status.code >= 400,
            response.headerFields[Self.errorCode] == nil
        else {
            context.write(data, promise: promise)
            return
        }
        response.headerFields[Self.errorCode] = response.status.code >= 500 ? "InternalError" : "InvalidInput"
        if response.headerFields[Self.requestID] == nil { response.headerFields[Self.requestID] = UUIDString.make() }
        if response.headerFields[Self.version] == nil { response.headerFields[Self.version] = EmulatorDefaults.apiVersion }
        if response.headerFields[.server] == nil { response.headerFields[.server] = "ironviper-emulator" }
        context.write(wrapOutboundOut(.head(response)), promise: promise)
    }
}
