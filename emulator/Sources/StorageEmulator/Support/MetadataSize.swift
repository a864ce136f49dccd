/// Azure's bound on user metadata (`x-ms-meta-*`) of a container, blob or queue: names and values together at most
/// 8 KiB ("Setting and retrieving properties and metadata"). Past it, 400 `MetadataTooLarge`; without it a client
/// could store up to the HTTP decoder's header limit on every object.
enum MetadataSize {
    static let maximumBytes = 8 * 1024

    static func check(_ entries: [(name: String, value: String)]) throws(StorageError) {
        let size = entries.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        guard size > maximumBytes else { return }
        throw StorageError(
            .badRequest, "MetadataTooLarge",
            "The size of the specified metadata exceeds the maximum size permitted: \(size) bytes, at most \(maximumBytes).")
    }
}
