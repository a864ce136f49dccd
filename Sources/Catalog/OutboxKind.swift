import Foundation

/// The kinds of cloud work an outbox row asks for; the raw value is the `outbox.kind` column.
public enum OutboxKind: String, Sendable, Codable, CaseIterable {
    /// Upload a master to `file-store/<sha256>` (once per content).
    case master
    /// Upload one rendition to `pv-store/<sha256>/<name>.jpg`.
    case rendition
    /// Write the `files` entity of a path from the catalog's current state.
    case entity
    /// Write one `folders` row.
    case folder
    /// Write one `history` row (one per version of a path).
    case history
    /// Put an `extract-queue` message for a master without renditions.
    case event
    /// A path vanished: mark its `files` entity deleted (and, with `mirror`, schedule a purge).
    case delete
    /// `mirror` only: remove unreferenced content after its retention period.
    case purge
}

/// What a done row's `last_error` says when it finished without doing its work.
public enum OutboxNote {
    /// A master whose content no file held any more when its turn came (edited or deleted before its
    /// upload): nothing was uploaded, so the content seen again must be queued again.
    public static let superseded = "superseded: the content was replaced before its upload"
}

/// The JSON details of an outbox row: what the worker needs beyond the row's target and ids,
/// captured when the local fact was recorded (a later change to the file must not alter it).
public struct OutboxPayload: Codable, Sendable, Equatable {
    /// Library name (the Table PartitionKey) and relative path.
    public var library: String?
    public var path: String?
    /// Content of the path at the time.
    public var sha256: String?
    public var size: Int64?
    public var mtimeNs: Int64?
    /// When the fact was recorded, in nanoseconds since 1970 (history RowKeys, delete times).
    public var recordedNs: Int64?
    /// A rendition's file, relative to the previews folder.
    public var localPath: String?
    /// A folder's full relative path (its `folders` row).
    public var folder: String?

    /// Makes a payload; every field is optional.
    public init(
        library: String? = nil, path: String? = nil, sha256: String? = nil, size: Int64? = nil,
        mtimeNs: Int64? = nil, recordedNs: Int64? = nil, localPath: String? = nil, folder: String? = nil
    ) {
        self.library = library
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.mtimeNs = mtimeNs
        self.recordedNs = recordedNs
        self.localPath = localPath
        self.folder = folder
    }

    /// The JSON text stored in `outbox.payload`.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// Reads a stored payload (an unreadable or missing one is empty: the worker then reports what is missing).
    public static func decoded(_ text: String?) -> OutboxPayload {
        guard let data = text?.data(using: .utf8) else { return OutboxPayload() }
        return (try? JSONDecoder().decode(OutboxPayload.self, from: data)) ?? OutboxPayload()
    }
}

/// Nanoseconds since 1970, the precision of outbox facts.
enum WallClock {
    static func nanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
