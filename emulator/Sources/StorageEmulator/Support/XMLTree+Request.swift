import AzureWire

extension XMLTree {
    /// Parses a request body; a malformed (or too deep, or DTD-carrying) document is a 400 `InvalidXmlDocument`.
    static func parseBody(_ bytes: some Collection<UInt8>) throws(StorageError) -> XMLTree {
        do {
            return try XMLTree.parse(bytes)
        } catch {
            throw StorageError(.badRequest, "InvalidXmlDocument", "XML specified is not syntactically valid. \(error)")
        }
    }
}
