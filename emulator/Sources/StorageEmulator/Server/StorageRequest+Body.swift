extension StorageRequest {
    /// Refuses a body whose declared `Content-Length` is over `limit` before a byte of it is read, with 413
    /// `RequestBodyTooLarge` as Azure answers from the header. Reading gigabytes only to refuse them at the end would
    /// cost the server the upload and the client its wait. A chunked body declares no length: the readers still
    /// count what arrives.
    func refuseDeclaredBody(over limit: Int) throws(StorageError) {
        guard let text = header("content-length"), let length = Int(text), length > limit else { return }
        throw StorageError.requestBodyTooLarge(limit: limit)
    }
}

extension StorageRequest {
    /// Reads the whole body, refusing more than `limit` bytes (declared or arriving) with 413 `RequestBodyTooLarge`.
    func collectBody(limit: Int) async throws -> [UInt8] {
        try refuseDeclaredBody(over: limit)
        var bytes: [UInt8] = []
        for try await part in body {
            guard bytes.count + part.readableBytes <= limit else { throw StorageError.requestBodyTooLarge(limit: limit) }
            bytes.append(contentsOf: part.readableBytesView)
        }
        return bytes
    }
}
