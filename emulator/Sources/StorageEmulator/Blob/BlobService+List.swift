import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// List Blobs, flat or hierarchical, in ordinal (byte) order of names.
extension BlobService {
    /// What `include=` asks for.
    struct ListInclude: Sendable {
        var metadata = false, snapshots = false, uncommitted = false, copy = false, tags = false
        var versions = false, deleted = false, immutabilityPolicy = false, legalHold = false

        init(_ text: String?) throws {
            for item in (text ?? "").split(separator: ",") {
                switch item.trimmingCharacters(in: .whitespaces).lowercased() {
                case "metadata": metadata = true
                case "snapshots": snapshots = true
                case "uncommittedblobs": uncommitted = true
                case "copy": copy = true
                case "versions": versions = true
                case "deleted": deleted = true
                case "immutabilitypolicy": immutabilityPolicy = true
                case "legalhold": legalHold = true
                case "tags": tags = true
                case "deletedwithversions", "permissions": break
                default: throw StorageError.invalidQueryParameter("include", String(item), "Unknown include option.")
                }
            }
        }
    }

    /// One row of a listing: a committed blob (or snapshot), or a name that has only uncommitted blocks.
    struct ListedBlob: Sendable {
        var record: BlobRecord
        var uncommittedOnly: Bool
        var annex = BlobAnnex()
    }

    func listBlobs(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        _ = try await authorizeContainerRead(target, "l", context)
        let prefix = request.query("prefix") ?? ""
        let delimiter = request.query("delimiter").flatMap { $0.isEmpty ? nil : $0 }
        let marker = request.query("marker") ?? ""
        let limit = try Self.maxResults(request)
        let include = try ListInclude(request.query("include"))
        let start = ListMarker(marker)
        let page = try await blobs.read { db in
            try Self.listPage(db, target, prefix: prefix, delimiter: delimiter, start: start, limit: limit, include: include)
        }
        let now = Date()
        var xml = XMLWriter()
        xml.open(
            "EnumerationResults",
            attributes: [("ServiceEndpoint", Self.serviceEndpoint(request)), ("ContainerName", target.container)])
        if !prefix.isEmpty { xml.element("Prefix", prefix) }
        if !marker.isEmpty { xml.element("Marker", marker) }
        if request.query("maxresults") != nil { xml.element("MaxResults", String(limit)) }
        if let delimiter { xml.element("Delimiter", delimiter) }
        xml.open("Blobs")
        for entry in page.entries {
            switch entry {
            case .prefix(let name):
                xml.open("BlobPrefix")
                xml.element("Name", name)
                xml.close("BlobPrefix")
            case .blob(let listed):
                Self.writeBlobXML(listed, include: include, now: now, to: &xml)
            }
        }
        xml.close("Blobs")
        xml.element("NextMarker", page.next?.encoded)
        xml.close("EnumerationResults")
        return Self.xmlResponse(xml)
    }

    enum ListEntry: Sendable {
        case blob(ListedBlob)
        case prefix(String)
    }

    /// Walks names from the marker in byte order, folding names that share a delimiter-terminated prefix.
    static func listPage(
        _ db: Database, _ target: BlobTarget, prefix: String, delimiter: String?, start: ListMarker, limit: Int,
        include: ListInclude
    ) throws -> (entries: [ListEntry], next: ListMarker?) {
        var entries: [ListEntry] = []
        var cursor = start.name < prefix ? ListMarker(name: prefix, snapshotKey: "", inclusive: true) : start
        let batchSize = 1000
        while true {
            let rows = try fetchListRows(db, target, from: cursor, batch: batchSize, include: include)
            if rows.isEmpty { return (entries, nil) }
            for listed in rows {
                let name = listed.record.name
                guard name.hasPrefix(prefix) else { return (entries, nil) }
                let position = ListMarker(name: name, snapshotKey: Self.listKey(listed.record), inclusive: true)
                if entries.count == limit { return (entries, position) }
                let rest = name.utf8.dropFirst(prefix.utf8.count)
                if let delimiter, let found = String(Substring(rest)).range(of: delimiter) {
                    let folded = prefix + String(String(Substring(rest))[..<found.upperBound])
                    entries.append(.prefix(folded))
                    // Skip every name under this prefix: resume after the highest name that can start with it.
                    cursor = ListMarker(name: folded + "\u{10FFFF}", snapshotKey: "~", inclusive: false)
                    break
                }
                var listed = listed
                listed.annex = try BlobAnnex.fetch(db, blob: listed.record)
                entries.append(.blob(listed))
                cursor = ListMarker(name: name, snapshotKey: position.snapshotKey, inclusive: false)
            }
        }
    }

    /// Up to `batch` committed blobs (and, when asked, snapshots and uncommitted names) from a marker on.
    static func fetchListRows(_ db: Database, _ target: BlobTarget, from marker: ListMarker, batch: Int, include: ListInclude) throws -> [ListedBlob] {
        let comparison = marker.inclusive ? ">=" : ">"
        var listed = try BlobRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM blobs WHERE account = ? AND container = ? \(listFilterSQL(include))
                AND (name > ? OR (name = ? AND (\(listKeySQL)) \(comparison) ?))
                ORDER BY name, \(listKeySQL) LIMIT ?
                """,
            arguments: [target.account, target.container, marker.name, marker.name, marker.snapshotKey, batch]
        ).map { ListedBlob(record: $0, uncommittedOnly: false) }
        guard include.uncommitted else { return listed }
        // Names with staged blocks but no committed blob yet sort like a base blob ("~").
        let upper = listed.count == batch ? listed.last!.record.name : nil
        let names = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT DISTINCT s.blob FROM staged_blocks s WHERE s.account = ? AND s.container = ? AND s.blob >= ?
                    AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.account = s.account AND b.container = s.container AND b.name = s.blob AND b.snapshot = '' AND b.retired = '')
                    ORDER BY s.blob LIMIT ?
                    """), arguments: [target.account, target.container, marker.name, batch])
        for name in names where upper.map({ name <= $0 }) ?? true {
            if name == marker.name && !(marker.inclusive ? "~" >= marker.snapshotKey : "~" > marker.snapshotKey) { continue }
            listed.append(ListedBlob(
                record: BlobRecord(account: target.account, container: target.container, name: name, etag: "", created: 0, lastModified: 0, contentLength: 0),
                uncommittedOnly: true))
        }
        listed.sort { ($0.record.name, Self.listKey($0.record)) < ($1.record.name, Self.listKey($1.record)) }
        return Array(listed.prefix(batch))
    }

    static func writeBlobXML(_ listed: ListedBlob, include: ListInclude, now: Date, to xml: inout XMLWriter) {
        let blob = listed.record
        xml.open("Blob")
        xml.element("Name", blob.name)
        if !blob.snapshot.isEmpty { xml.element("Snapshot", blob.snapshot) }
        Self.writeVersionXML(blob, include: include, to: &xml)
        xml.open("Properties")
        if !listed.uncommittedOnly {
            xml.element("Creation-Time", HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.created)))
            xml.element("Last-Modified", HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.lastModified)))
            xml.element("Etag", blob.etag)
        }
        xml.element("Content-Length", String(blob.contentLength))
        xml.element("Content-Type", blob.contentType ?? (listed.uncommittedOnly ? nil : "application/octet-stream"))
        xml.element("Content-Encoding", blob.contentEncoding)
        xml.element("Content-Language", blob.contentLanguage)
        xml.element("Content-MD5", blob.contentMd5?.base64EncodedString())
        xml.element("Content-Disposition", blob.contentDisposition)
        xml.element("Cache-Control", blob.cacheControl)
        xml.element("BlobType", blob.blobType)
        writeTypeProperties(blob, to: &xml)
        if !listed.uncommittedOnly {
            xml.element("AccessTier", blob.tier ?? "Hot")
            if blob.tier == nil { xml.element("AccessTierInferred", "true") }
            if let changed = blob.tierChanged { xml.element("AccessTierChangeTime", HTTPDate.rfc1123(Date(timeIntervalSince1970: changed))) }
            listed.annex.writeProperties(to: &xml)
            writeLeaseXML(blob.lease, now: now, to: &xml)
            xml.element("ServerEncrypted", "true")
        }
        if include.copy, let copyID = blob.copyId {
            xml.element("CopyId", copyID)
            xml.optional("CopySource", blob.copySource)
            xml.optional("CopyStatus", blob.copyStatus)
            xml.optional("CopyProgress", blob.copyProgress)
            xml.optional("CopyCompletionTime", blob.copyCompleted.map { HTTPDate.rfc1123(Date(timeIntervalSince1970: $0)) })
        }
        writeRetentionXML(blob, include: include, now: now, to: &xml)
        xml.close("Properties")
        if include.metadata {
            xml.open("Metadata")
            for (name, value) in MetadataCoding.decode(blob.metadata) { xml.element(name, value) }
            xml.close("Metadata")
        }
        if include.tags && !listed.annex.tags.isEmpty { listed.annex.tags.write(to: &xml) }
        xml.close("Blob")
    }
}

/// The position a listing resumes from: a name, a snapshot key, and whether that position itself is
/// included. Opaque to clients (base64 of the three, tab-separated).
struct ListMarker: Sendable, Equatable {
    var name: String
    /// `""` for "from the first row of this name", or a row's `BlobService.listKey` (`~` for the base blob, which sorts
    /// after its snapshots and versions).
    var snapshotKey: String
    var inclusive: Bool

    init(name: String, snapshotKey: String, inclusive: Bool) {
        self.name = name
        self.snapshotKey = snapshotKey
        self.inclusive = inclusive
    }

    /// Decodes a client's marker; an empty or foreign one is taken as a name to start from.
    init(_ marker: String) {
        // Base64 has no spaces: one is a `+` a client left unencoded, which the query decoder read as a space.
        if let data = Data(base64Encoded: marker.replacingOccurrences(of: " ", with: "+")),
            let text = String(data: data, encoding: .utf8)
        {
            // Split from the end: a blob name may itself contain a tab.
            let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count >= 3 {
                let name = fields.dropLast(2).joined(separator: "\t")
                self.init(name: name, snapshotKey: String(fields[fields.count - 2]), inclusive: fields.last == "1")
                return
            }
        }
        self.init(name: marker, snapshotKey: "", inclusive: true)
    }

    var encoded: String { Data((name + "\t" + snapshotKey + "\t" + (inclusive ? "1" : "0")).utf8).base64EncodedString() }
}
