/// Blob metadata travels as `x-ms-meta-NAME: value` headers, which limits what it can hold.
enum Metadata {
    /// Checks names (C# identifiers, as Azure requires) and values (printable ASCII: anything else
    /// cannot be sent in a header and signed reliably); trims values as the service would.
    static func validated(_ metadata: [String: String], operation: String) throws(AzureStorageError)
        -> [(String, String)]
    {
        var result: [(String, String)] = []
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(name.utf8)
            let validName =
                !bytes.isEmpty && !(bytes[0] >= 48 && bytes[0] <= 57)
                && bytes.allSatisfy {
                    ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95
                }
            guard validName else {
                throw AzureStorageError(
                    .invalidArgument, operation: operation,
                    detail:
                        "metadata name '\(name)' is not a C# identifier (letters, digits, _; not starting with a digit)"
                )
            }
            guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw AzureStorageError(
                    .invalidArgument, operation: operation,
                    detail: "metadata '\(name)' holds characters a header cannot carry; percent-encode the value first")
            }
            result.append((name.lowercased(), String(value.trimmingWhitespace())))
        }
        return result
    }
}
