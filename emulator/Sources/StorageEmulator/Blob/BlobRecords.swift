import AzureWire
import Foundation
import GRDB

/// The lease fields shared by containers and blobs, with the state machine's time-dependent view.
struct LeaseFields: Codable, Sendable, Equatable {
    var leaseId: String?
    /// Stored state: `available`, `leased`, `breaking`, `broken`, `expired`.
    var leaseState: String = "available"
    /// Seconds, or -1 for infinite.
    var leaseDuration: Int?
    var leaseExpires: Double?
    var leaseBreakAt: Double?

    /// The state as of `now`: a lease whose time ran out is `expired`, a break whose period ended is `broken`.
    func state(at now: Date) -> String {
        let t = now.timeIntervalSince1970
        switch leaseState {
        case "leased": if let expires = leaseExpires, leaseDuration != -1, t >= expires { return "expired" }
        case "breaking": if let breakAt = leaseBreakAt, t >= breakAt { return "broken" }
        default: break
        }
        return leaseState
    }

    /// The lease that currently locks writes, if any (leased, or breaking but not yet broken).
    func activeLeaseID(at now: Date) -> String? {
        switch state(at: now) {
        case "leased", "breaking": leaseId
        default: nil
        }
    }
}

/// Containers and blobs store a lease in the same five columns.
protocol LeaseColumns {
    var leaseId: String? { get set }
    var leaseState: String { get set }
    var leaseDuration: Int? { get set }
    var leaseExpires: Double? { get set }
    var leaseBreakAt: Double? { get set }
}

extension LeaseColumns {
    /// The lease as one value, for the state machine.
    var lease: LeaseFields {
        get { LeaseFields(leaseId: leaseId, leaseState: leaseState, leaseDuration: leaseDuration, leaseExpires: leaseExpires, leaseBreakAt: leaseBreakAt) }
        set {
            leaseId = newValue.leaseId
            leaseState = newValue.leaseState
            leaseDuration = newValue.leaseDuration
            leaseExpires = newValue.leaseExpires
            leaseBreakAt = newValue.leaseBreakAt
        }
    }
}

/// A row of `containers`.
struct ContainerRecord: Codable, Sendable, FetchableRecord, PersistableRecord, LeaseColumns {
    static let databaseTableName = "containers"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var account: String
    var name: String
    var etag: String
    var created: Double
    var lastModified: Double
    var metadata: String = "{}"
    var publicAccess: String?
    var acl: String = "[]"
    var leaseId: String?
    var leaseState: String = "available"
    var leaseDuration: Int?
    var leaseExpires: Double?
    var leaseBreakAt: Double?
    var versionImmutability = false
    var deletedTime: Double?
    var deletedName: String?
    var deletedVersion: String?
    var purgeAfter: Double?
}

/// A row of `blobs`: a base blob (`snapshot == ""`) or one of its snapshots.
struct BlobRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord, LeaseColumns {
    static let databaseTableName = "blobs"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var account: String
    var container: String
    var name: String
    var snapshot: String = ""
    var blobType: String = "BlockBlob"
    var etag: String
    var created: Double
    var lastModified: Double
    var contentLength: Int64
    var contentType: String?
    var contentEncoding: String?
    var contentLanguage: String?
    var contentMd5: Data?
    var contentDisposition: String?
    var cacheControl: String?
    var metadata: String = "{}"
    var tier: String?
    var tierChanged: Double?
    var leaseId: String?
    var leaseState: String = "available"
    var leaseDuration: Int?
    var leaseExpires: Double?
    var leaseBreakAt: Double?
    var copyId: String?
    var copySource: String?
    var copyStatus: String?
    var copyProgress: String?
    var copyCompleted: Double?
    var versionId: String?
    var retired = ""
    var deletedTime: Double?
    var purgeAfter: Double?
    var immutabilityUntil: Double?
    var immutabilityMode: String?
    var legalHold = false
    /// A page blob's sequence number (`x-ms-blob-sequence-number`); 0 for other types.
    var sequenceNumber: Int64 = 0
    /// An append blob that Seal made read-only.
    var sealed: Bool = false

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The content headers a client sets together with Set Blob Properties or an upload.
    var contentHeaders: ContentHeaders {
        get {
            ContentHeaders(
                contentType: contentType, contentEncoding: contentEncoding, contentLanguage: contentLanguage,
                contentMd5: contentMd5, contentDisposition: contentDisposition, cacheControl: cacheControl)
        }
        set {
            contentType = newValue.contentType
            contentEncoding = newValue.contentEncoding
            contentLanguage = newValue.contentLanguage
            contentMd5 = newValue.contentMd5
            contentDisposition = newValue.contentDisposition
            cacheControl = newValue.cacheControl
        }
    }
}

/// The standard HTTP content headers a blob stores.
struct ContentHeaders: Sendable, Equatable {
    var contentType: String?
    var contentEncoding: String?
    var contentLanguage: String?
    var contentMd5: Data?
    var contentDisposition: String?
    var cacheControl: String?
}

/// One piece of a blob's content: a committed block (or the whole body of a Put Blob) and where its bytes are.
struct BlobExtent: Sendable {
    var blockID: String?
    var length: Int64
    var inline: Data?
    var file: String?
    /// Where the extent starts within its chunk: a page blob's page range may use the middle of a chunk.
    var offset: Int64 = 0

    /// Pages of a page blob never written (or cleared): read as zeros, stored nowhere.
    static func zeros(_ length: Int64) -> BlobExtent { BlobExtent(blockID: nil, length: length, inline: nil, file: nil) }
}

/// Blob and container metadata (`x-ms-meta-*`) as stored: one JSON object, names in the case they arrived and
/// sorted, a later duplicate winning. Through
/// AzureWire's JSON rather than JSONSerialization, which built a dictionary of NSStrings for every Get Blob
/// (1.5 % of a small GET's CPU, most blobs having none).
enum MetadataCoding {
    static func encode(_ metadata: [(String, String)]) -> String {
        guard !metadata.isEmpty else { return "{}" }
        var object: [String: String] = [:]
        for (name, value) in metadata { object[name] = value }
        return JSONValue.object(object.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).serialized()
    }

    static func decode(_ text: String) -> [(String, String)] {
        guard text != "{}", case .object(let members)? = try? JSONValue.parse(Array(text.utf8)) else { return [] }
        var object: [String: String] = [:]
        for (name, value) in members { if let text = value.stringValue { object[name] = text } }
        return object.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
