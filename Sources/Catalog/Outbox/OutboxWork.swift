import Foundation

/// One version of one path, captured when the local fact was recorded (a later change to the file
/// must not alter what a queued row says): the key of its rows in the cloud and what they record.
package struct PathVersion: Codable, Sendable, Equatable {
    /// Library name (the Table PartitionKey) and path relative to its root.
    package var library: String
    package var path: String
    /// Content of the path at the time; nil only for a path that vanished before it was hashed.
    package var sha256: String?
    package var size: Int64
    package var mtimeNs: Int64
    /// When the fact was recorded, in nanoseconds since 1970 (history RowKeys, delete times).
    package var recordedNs: Int64

    /// Makes a version.
    package init(library: String, path: String, sha256: String?, size: Int64, mtimeNs: Int64, recordedNs: Int64) {
        self.library = library
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.mtimeNs = mtimeNs
        self.recordedNs = recordedNs
    }
}

/// A rendition file waiting for its upload.
package struct RenditionFile: Codable, Sendable, Equatable {
    /// Relative to the previews folder.
    package var localPath: String
    /// Encoded bytes (what the bandwidth limit counts).
    package var size: Int64

    /// Makes one.
    package init(localPath: String, size: Int64) {
        self.localPath = localPath
        self.size = size
    }
}

/// One folder of a library, for its `folders` row.
package struct FolderEntry: Codable, Sendable, Equatable {
    package var library: String
    /// The folder's full relative path.
    package var folder: String

    /// Makes one.
    package init(library: String, folder: String) {
        self.library = library
        self.folder = folder
    }
}

/// A library of this device, for its `devices` row.
package struct LibraryEntry: Codable, Sendable, Equatable {
    package var library: String
    /// Its folder on the device.
    package var root: String

    /// Makes one.
    package init(library: String, root: String) {
        self.library = library
        self.root = root
    }
}

/// A master whose immutability policy is to be extended: its content and the version the policy is on (nil:
/// the current version, for a master recorded without one).
package struct ProtectedMaster: Codable, Sendable, Equatable {
    package var sha256: String
    package var versionID: String?

    /// Makes one.
    package init(sha256: String, versionID: String?) {
        self.sha256 = sha256
        self.versionID = versionID
    }
}

/// What an outbox row asks for, with the details its kind needs and no others. Stored as the row's
/// `kind` and a JSON `payload` whose keys are those of the structs above.
package enum OutboxWork: Sendable, Equatable {
    /// Upload the master of `version.sha256`; the version names its first known path in the metadata.
    case master(PathVersion)
    case rendition(RenditionFile)
    /// Write the path's `files` entity (from the catalog's state when it runs).
    case entity(PathVersion)
    case folder(FolderEntry)
    case history(PathVersion)
    /// Send the extract message of a master without renditions.
    case event(PathVersion)
    case delete(PathVersion)
    /// Remove the content of a deleted version once nothing references it.
    case purge(PathVersion)
    /// Record that the version's path references its content (`refs`), before the master is checked.
    case reference(PathVersion)
    case library(LibraryEntry)
    /// Extend the master's immutability policy to now + the configured period (never shortening it).
    case protect(ProtectedMaster)

    /// The row's kind.
    package var kind: OutboxKind {
        switch self {
        case .master: .master
        case .rendition: .rendition
        case .entity: .entity
        case .folder: .folder
        case .history: .history
        case .event: .event
        case .delete: .delete
        case .purge: .purge
        case .reference: .reference
        case .library: .library
        case .protect: .protect
        }
    }

    /// The path version it is about, for kinds that have one.
    package var version: PathVersion? {
        switch self {
        case .master(let version), .entity(let version), .history(let version), .event(let version),
            .delete(let version), .purge(let version), .reference(let version):
            version
        case .rendition, .folder, .library, .protect: nil
        }
    }

    /// The same work with its path version changed by `change` (kinds without one are returned as they are).
    package func updatingVersion(_ change: (inout PathVersion) -> Void) -> OutboxWork {
        guard var version else { return self }
        change(&version)
        switch self {
        case .master: return .master(version)
        case .entity: return .entity(version)
        case .history: return .history(version)
        case .event: return .event(version)
        case .delete: return .delete(version)
        case .purge: return .purge(version)
        case .reference: return .reference(version)
        case .rendition, .folder, .library, .protect: return self
        }
    }

    /// The JSON text stored in `outbox.payload` (sorted keys, so equal work is equal text).
    package func payload() -> String {
        switch self {
        case .master(let value), .entity(let value), .history(let value), .event(let value), .delete(let value),
            .purge(let value), .reference(let value):
            value.payload
        case .rendition(let value): Self.encode(value)
        case .folder(let value): Self.encode(value)
        case .library(let value): Self.encode(value)
        case .protect(let value): Self.encode(value)
        }
    }

    /// Reads a stored row; a kind or payload this version cannot read is an error that names it.
    package static func decode(kind: String, payload: String?) throws -> OutboxWork {
        guard let kind = OutboxKind(rawValue: kind) else { throw OutboxWorkError(kind: kind, payload: payload) }
        let data = Data((payload ?? "").utf8)
        let decoder = JSONDecoder()
        do {
            switch kind {
            case .master: return .master(try PathVersion(payload: payload))
            case .rendition: return .rendition(try decoder.decode(RenditionFile.self, from: data))
            case .entity: return .entity(try PathVersion(payload: payload))
            case .folder: return .folder(try decoder.decode(FolderEntry.self, from: data))
            case .history: return .history(try PathVersion(payload: payload))
            case .event: return .event(try PathVersion(payload: payload))
            case .delete: return .delete(try PathVersion(payload: payload))
            case .purge: return .purge(try PathVersion(payload: payload))
            case .reference: return .reference(try PathVersion(payload: payload))
            case .library: return .library(try decoder.decode(LibraryEntry.self, from: data))
            case .protect: return .protect(try decoder.decode(ProtectedMaster.self, from: data))
            }
        } catch {
            throw OutboxWorkError(kind: kind.rawValue, payload: payload)
        }
    }

    private static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail; an empty object would be refused by `decode`.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// An outbox row this version cannot read (written by a newer version, or damaged by hand).
package struct OutboxWorkError: Error, CustomStringConvertible, Sendable {
    package var kind: String
    package var payload: String?

    package var description: String { "unreadable outbox row: kind \(kind), payload \(payload ?? "none")" }
}
