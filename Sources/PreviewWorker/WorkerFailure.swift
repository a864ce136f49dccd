/// Why a message could not be finished this time.
enum WorkerFailure: Error, CustomStringConvertible {
    /// Another try may succeed (the row kept changing); storage and network errors are thrown as
    /// the client's own `AzureStorageError`, also transient.
    case transient(String)
    /// The message asks for something this worker cannot do (an unknown profile or tier): no try
    /// will succeed, so it goes to the poison queue at once.
    case unusable(String)

    var description: String {
        switch self {
        case .transient(let text), .unusable(let text): text
        }
    }
}
