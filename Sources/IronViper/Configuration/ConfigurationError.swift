/// A configuration that cannot be used, with where the problem is (file, key, line) so the admin can
/// fix it without guessing. `SIGHUP` with a bad file logs this and keeps the running configuration.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The file, when the configuration came from one.
    public var file: String?
    /// The dotted key (`storage.access_tier`, `library[2].path`), when one key is at fault.
    public var key: String?
    public var message: String

    public init(file: String? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = file.map { "\($0): " } ?? ""
        if let key { text += "\(key): " }
        return text + message
    }
}
