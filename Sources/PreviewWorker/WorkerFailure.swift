/// Why a message could not be finished this time.
enum WorkerFailure: Error, CustomStringConvertible {
    /// Another try may succeed (the row kept changing); storage and network errors are thrown as
    /// the client's own `AzureStorageError`, also transient.
    case transient(String)

    var description: String {
        switch self {
        case .transient(let text): text
        }
    }
}
