/// A configuration that cannot be used, with where the problem is (file, key, line) so the admin can
/// fix it without guessing. `SIGHUP` with a bad file logs this and keeps the running configuration.
package struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The file, when the configuration came from one.
    package var file: String?
    /// The dotted key (`storage.access_tier`, `library[2].path`), when one key is at fault.
    package var key: String?
    package var message: String

    package init(file: String? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    package var description: String {
        var text = file.map { "\($0): " } ?? ""
        if let key { text += "\(key): " }
        return text + message
    }
}
