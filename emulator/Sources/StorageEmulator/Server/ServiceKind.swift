/// The three Azure Storage services the emulator serves, each on its own port as Azurite does.
public enum ServiceKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case blob, queue, table

    /// Azurite's default port for the service.
    public var defaultPort: Int {
        switch self {
        case .blob: 10000
        case .queue: 10001
        case .table: 10002
        }
    }

    public var description: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
