import Foundation

/// Finds the storage connection string without it ever being written to a world-readable file or a log.
///
/// Order: a systemd credential named `connection-string` (`LoadCredential=` or
/// `LoadCredentialEncrypted=`, readable only by the service), then `IRONVIPER_CONNECTION_STRING`
/// (an `EnvironmentFile=` with mode 0600), then `storage.connection_string` in the configuration.
/// None of them means the bundled emulator.
package enum StorageSecret {
    package static let credentialName = "connection-string"
    package static let environmentVariable = "IRONVIPER_CONNECTION_STRING"

    package enum Source: String, Sendable {
        case credential = "systemd credential"
        case environment = "environment"
        case configuration = "configuration file"
    }

    package static func connectionString(
        configuration: DaemonConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (String, Source)? {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = directory + "/" + credentialName
            if FileManager.default.fileExists(atPath: path) {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ConfigurationError(file: path, "the credential cannot be read")
                }
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { return (trimmed, .credential) }
            }
        }
        if let text = environment[environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            return (text, .environment)
        }
        if let text = configuration.storage.connectionString, !text.isEmpty { return (text, .configuration) }
        return nil
    }
}
