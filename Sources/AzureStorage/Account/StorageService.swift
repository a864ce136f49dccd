/// The three Azure Storage services this client speaks to.
package enum StorageService: String, Sendable, CaseIterable {
    case blob, queue, table

    /// Azurite's (and the bundled emulator's) default port for the service.
    var developmentPort: Int {
        switch self {
        case .blob: 10000
        case .queue: 10001
        case .table: 10002
        }
    }
}
