import Hummingbird
import NIOCore

/// The request body as the services read it, with failures of the connection made the client's. A body shorter than
/// its Content-Length (the client ended the stream early), a bad chunk size or a chunk without its CRLF reach the
/// services as an error of the body stream; uncaught, each became 500 `InternalError`, a server fault that clients
/// retry. They are the client's: 400 `InvalidInput`, and the connection closed, since its framing is lost.
struct ClientBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let base: RequestBody

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            do {
                return try await base.next()
            } catch let error as CancellationError {
                throw error  // the server stopping, not the client's doing
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError.malformedBody(error)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}

extension StorageError {
    /// The request body broke off or was framed wrongly; the connection cannot carry another request.
    static func malformedBody(_ cause: any Error) -> StorageError {
        StorageError(
            .badRequest, "InvalidInput",
            "One of the request inputs is not valid. The request body is malformed or ended early: \(cause).",
            headers: [.connection: "close"])
    }
}
