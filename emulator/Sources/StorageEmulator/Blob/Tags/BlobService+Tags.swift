import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Blob index tags: Get and Set Blob Tags, Find Blobs by Tags (account and container), and `x-ms-if-tags`.
extension BlobService {
    /// The operations Azure lets `x-ms-if-tags` condition ("Conditional headers for blob index tags").
    static let tagConditionedOperations: Set<BlobOperation> = [
        .getBlob, .getBlobProperties, .getBlobMetadata, .setBlobProperties, .setBlobMetadata, .deleteBlob, .putBlob,
        .putBlockList, .getBlockList, .copyBlob, .snapshotBlob, .leaseBlob, .setBlobTier, .getBlobTags, .setBlobTags,
    ]

    /// Tags change no ETag and no Last-Modified: they describe the blob, they are not part of it (Azure: "Set Blob
    /// Tags … does not modify the blob's ETag or last-modified time"). A leased blob needs its lease ID.
    func setBlobTags(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("t", .object, container: target.container, blob: target.blob))
        let tags = try BlobTags.parse(try XMLTree.parseBody(try await Self.collectXML(request, limit: 64 * 1024)))
        let snapshot = request.query("snapshot") ?? ""
        let version = request.query("versionid")
        try await blobs.write { db, _ in
            try Self.requireContainer(db, target)
            guard let blob = try Self.fetchBlob(db, target, snapshot: snapshot, version: version) else { throw Self.blobNotFound() }
            // A previous version has no lease. Immutability does not guard tags: they describe a version and are not
            // part of its data (Azure lets Set Blob Tags change a WORM-protected version, as its ETag stays too).
            if blob.retired.isEmpty { try LeaseAction.checkWrite(blob.lease, request: request, now: Date()) }
            try tags.replace(db, blobID: blob.id!)
        }
        return Self.emptyResponse(.noContent)
    }

    func getBlobTags(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("t", .object, container: target.container, blob: target.blob))
        let snapshot = request.query("snapshot") ?? ""
        let version = request.query("versionid")
        let tags = try await blobs.read { db -> BlobTags in
            try Self.requireContainer(db, target)
            guard let blob = try Self.fetchBlob(db, target, snapshot: snapshot, version: version) else { throw Self.blobNotFound() }
            if blob.retired.isEmpty { try LeaseAction.checkRead(blob.lease, request: request, now: Date()) }
            return try BlobTags.fetch(db, blobID: blob.id!)
        }
        var xml = XMLWriter()
        tags.write(to: &xml)
        return Self.xmlResponse(xml)
    }

    /// Find Blobs by Tags, across the account (`GET /?comp=blobs`) or in one container
    /// (`restype=container&comp=blobs`): base blobs whose tags satisfy `where`, by container and name, each with
    /// the tags the expression names.
    func findBlobsByTags(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let accountWide = target.container.isEmpty
        if accountWide {
            try context.authorize(AccessRequirement("f", .service, needsAccountLevel: true))
        } else {
            try context.authorize(AccessRequirement("f", .container, container: target.container))
        }
        guard let text = request.query("where") else {
            throw StorageError(
                .badRequest, "MissingRequiredQueryParameter", "A query parameter that's mandatory for this request is not specified: where.",
                details: [("QueryParameterName", "where")])
        }
        let filter = try TagFilter(text, mode: .find(accountWide: accountWide))
        let limit = try Self.maxResults(request)
        let marker = request.query("marker").flatMap { FindMarker($0) }
        let account = target.account
        let found = try await blobs.read { db -> (matches: [(String, String, BlobTags)], next: FindMarker?) in
            if !accountWide { try Self.requireContainer(db, target) }
            return try Self.findTagged(
                db, account: account, container: accountWide ? filter.container : target.container, filter: filter,
                after: marker, limit: limit)
        }
        let keys = filter.keys
        var xml = XMLWriter()
        xml.open("EnumerationResults", attributes: [("ServiceEndpoint", Self.serviceEndpoint(request))])
        xml.element("Where", text)
        xml.open("Blobs")
        for (container, name, tags) in found.matches {
            xml.open("Blob")
            xml.element("Name", name)
            xml.element("ContainerName", container)
            BlobTags(tags.pairs.filter { keys.contains($0.key) }).write(to: &xml)
            xml.close("Blob")
        }
        xml.close("Blobs")
        xml.element("NextMarker", found.next?.encoded)
        xml.close("EnumerationResults")
        return Self.xmlResponse(xml)
    }

    /// Walks the blobs holding one of the expression's keys, in (container, name) order after the marker. Only
    /// current blobs: previous versions, soft-deleted blobs and the blobs of a soft-deleted container (parked under
    /// another name) keep their tags but are not in Azure's index.
    static func findTagged(
        _ db: Database, account: String, container: String?, filter: TagFilter, after marker: FindMarker?, limit: Int
    ) throws -> (matches: [(String, String, BlobTags)], next: FindMarker?) {
        // Every comparison joined by AND needs its key, so any key of an AND-only expression narrows the scan.
        guard let key = filter.keys.sorted().first else { return ([], nil) }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT b.id, b.container, b.name FROM blobs b JOIN blob_tags t ON t.blob_id = b.id AND t.key = ?
                JOIN containers c ON c.account = b.account AND c.name = b.container AND c.deleted_time IS NULL
                WHERE b.account = ? AND b.snapshot = '' AND b.retired = '' AND (? IS NULL OR b.container = ?)
                AND (b.container > ? OR (b.container = ? AND b.name > ?))
                ORDER BY b.container, b.name
                """,
            arguments: [
                key, account, container, container, marker?.container ?? "", marker?.container ?? "", marker?.name ?? "",
            ])
        var matches: [(String, String, BlobTags)] = []
        while let row = try rows.next() {
            let (id, containerName, name): (Int64, String, String) = (row[0], row[1], row[2])
            let tags = try BlobTags.fetch(db, blobID: id)
            guard filter.matches(tags, container: containerName) else { continue }
            if matches.count == limit {
                let last = matches[limit - 1]
                return (matches, FindMarker(container: last.0, name: last.1))
            }
            matches.append((containerName, name, tags))
        }
        return (matches, nil)
    }

    /// Evaluates `x-ms-if-tags` against the blob's tags before the operation runs: 412 `ConditionNotMet` when they do
    /// not satisfy it (a blob that does not exist has no tags). The caller must first be allowed the operation, so a
    /// condition never tells a stranger what a blob's tags are. Evaluated in its own read, just before the operation:
    /// a tag change racing the request can fall between the two, where Azure evaluates both at once.
    func checkTagCondition(
        _ operation: BlobOperation, _ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext
    ) async throws {
        guard let text = request.header("x-ms-if-tags"), Self.tagConditionedOperations.contains(operation) else { return }
        let filter = try TagFilter(text, mode: .condition)
        try context.authorize(operation.route.access, container: target.container, blob: target.blob)
        let snapshot = request.query("snapshot") ?? ""
        let tags = try await blobs.read { db in
            try Self.fetchBlob(db, target, snapshot: snapshot, version: request.query("versionid"))
                .map { try BlobTags.fetch(db, blobID: $0.id!) } ?? BlobTags()
        }
        guard filter.matches(tags) else { throw StorageError.conditionNotMet() }
    }
}

/// Where Find Blobs by Tags resumes: after this container and blob name. Opaque to clients.
struct FindMarker: Sendable {
    var container: String
    var name: String

    init(container: String, name: String) {
        self.container = container
        self.name = name
    }

    init?(_ marker: String) {
        guard !marker.isEmpty else { return nil }
        guard let data = Data(base64Encoded: marker), let text = String(data: data, encoding: .utf8),
            let tab = text.firstIndex(of: "\t")
        else { return nil }
        container = String(text[..<tab])
        name = String(text[text.index(after: tab)...])
    }

    var encoded: String { Data((container + "\t" + name).utf8).base64EncodedString() }
}
