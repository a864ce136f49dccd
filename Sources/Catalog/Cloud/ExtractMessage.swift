import Foundation

/// The `extract-queue` message: a master in the cloud that needs its previews made. The daemon
/// writes it (`OutboxWorker.event`) and `ironviper worker` reads it; both go through this type, so
/// the two cannot drift. JSON with sorted keys, version 1:
///
/// | key | value |
/// |---|---|
/// | `version` | `1`; a worker refuses a higher version (poison queue) rather than guess |
/// | `sha256` | the content's lowercase hex SHA-256, also the master's blob name |
/// | `container`, `blob` | where the master is (`file-store`, the SHA-256) |
/// | `size` | the master's length in bytes (a worker checks it before decoding) |
/// | `device`, `library`, `path` | the first known path, for logs; the rows to merge come from `refs` |
/// | `profile` | the previews to make (`PreviewProfile`: `default`, `lean`); absent means `default` |
/// | `previewTier` | the access tier of the renditions (`Hot`, `Cool`, …); absent: the account's default |
/// | `lastError` | set by a worker whose attempt failed; the poison queue keeps it |
///
/// Messages of the first release had no `version`, `size` or `device`; they decode as version 1.
package struct ExtractMessage: Codable, Sendable, Equatable {
    /// The version this code writes and the highest it reads.
    package static let currentVersion = 1

    package var version: Int
    package var sha256: String
    package var container: String
    package var blob: String
    package var size: Int64?
    package var device: String?
    package var library: String?
    package var path: String?
    package var profile: String?
    package var previewTier: String?
    package var lastError: String?

    package init(
        sha256: String, size: Int64?, device: String?, library: String?, path: String?,
        container: String = CloudKeys.masterContainer
    ) {
        self.version = Self.currentVersion
        self.sha256 = sha256
        self.container = container
        self.blob = sha256
        self.size = size
        self.device = device
        self.library = library
        self.path = path
    }

    package init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        version = try values.decodeIfPresent(Int.self, forKey: .version) ?? 1
        sha256 = try values.decode(String.self, forKey: .sha256)
        container = try values.decode(String.self, forKey: .container)
        blob = try values.decode(String.self, forKey: .blob)
        size = try values.decodeIfPresent(Int64.self, forKey: .size)
        device = try values.decodeIfPresent(String.self, forKey: .device)
        library = try values.decodeIfPresent(String.self, forKey: .library)
        path = try values.decodeIfPresent(String.self, forKey: .path)
        profile = try values.decodeIfPresent(String.self, forKey: .profile)
        previewTier = try values.decodeIfPresent(String.self, forKey: .previewTier)
        lastError = try values.decodeIfPresent(String.self, forKey: .lastError)
    }

    /// The same message carrying the error of a failed attempt.
    package func failed(_ error: String) -> ExtractMessage {
        var copy = self
        copy.lastError = error
        return copy
    }

    /// The message text (JSON, sorted keys).
    package func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// Reads a message, saying what is wrong with one that cannot be worked.
    package static func parse(_ text: String) throws(ExtractMessageError) -> ExtractMessage {
        let message: ExtractMessage
        do {
            message = try JSONDecoder().decode(ExtractMessage.self, from: Data(text.utf8))
        } catch {
            throw ExtractMessageError("not an extract message (\(error)): \(text.prefix(200))")
        }
        guard message.version <= currentVersion else {
            throw ExtractMessageError("version \(message.version) is newer than this worker reads (\(currentVersion))")
        }
        guard message.sha256.count == 64, message.sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw ExtractMessageError("sha256 \"\(message.sha256.prefix(80))\" is not a lowercase hex SHA-256")
        }
        guard message.container == CloudKeys.masterContainer, message.blob == message.sha256 else {
            throw ExtractMessageError(
                "names \(message.container)/\(message.blob), not a master (\(CloudKeys.masterContainer)/<sha256>)")
        }
        return message
    }
}

/// Why a message cannot be worked at all (it goes to the poison queue with this reason).
package struct ExtractMessageError: Error, CustomStringConvertible, Sendable {
    package var description: String
    init(_ description: String) { self.description = description }
}
