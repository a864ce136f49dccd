import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension StorageServiceHandler {
    /// An error as Blob and Queue render it: `<Error><Code/><Message/>` and any details, the message ending in
    /// the request ID and time as Azure's do. A HEAD response carries the body's length but not the body.
    func xmlErrorResponse(_ error: StorageError, for request: StorageRequest?) -> Response {
        var xml = XMLWriter()
        xml.open("Error")
        xml.element("Code", error.code)
        let trailer = "\nRequestId:\(request?.requestID ?? "")\nTime:\(HTTPDate.iso8601(Date()))"
        xml.element("Message", error.message + trailer)
        for (name, value) in error.details { xml.element(name, value) }
        xml.close("Error")
        var headers = Self.standardHeaders(request)
        headers.append(contentsOf: error.headers)
        headers[.xMsErrorCode] = error.code
        headers[.contentType] = "application/xml"
        headers[.date] = HTTPDate.rfc1123(Date())
        let body = ByteBuffer(string: xml.text)
        if request?.method == .head {
            headers[.contentLength] = String(body.readableBytes)
            return Response(status: error.status, headers: headers, body: .init())
        }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: body))
    }
}
