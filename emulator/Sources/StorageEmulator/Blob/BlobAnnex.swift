import AzureWire
import Foundation
import GRDB
import HTTPTypes

/// What a blob carries outside its `blobs` row: a pending Archive rehydration and its index tags. Read with the blob
/// for Get Blob, Get Blob Properties and listings, which report both.
struct BlobAnnex: Sendable {
    var rehydration: BlobRehydration?
    var tags = BlobTags()

    /// A rehydration is looked for only on an archived blob: one exists only while the tier stays Archive (its
    /// completion changes the tier and drops it in one transaction), and every Get Blob asked otherwise.
    static func fetch(_ db: Database, blob: BlobRecord?) throws -> BlobAnnex {
        guard let blob, let blobID = blob.id else { return BlobAnnex() }
        let rehydration = blob.tier == BlobService.archive ? try BlobRehydration.fetch(db, blobID: blobID) : nil
        return BlobAnnex(rehydration: rehydration, tags: try BlobTags.fetch(db, blobID: blobID))
    }

    /// `x-ms-tag-count` (Get Blob and Get Blob Properties), and for properties the rehydration's
    /// `x-ms-archive-status` and `x-ms-rehydrate-priority`.
    func write(to headers: inout HTTPFields, includeTier: Bool) {
        if !tags.isEmpty { headers[HTTPField.Name("x-ms-tag-count")!] = String(tags.count) }
        if includeTier, let rehydration {
            headers[HTTPField.Name("x-ms-archive-status")!] = rehydration.archiveStatus
            headers[HTTPField.Name("x-ms-rehydrate-priority")!] = rehydration.priority.rawValue
        }
    }

    /// The listing's `ArchiveStatus`, `RehydratePriority` and `TagCount` properties.
    func writeProperties(to xml: inout XMLWriter) {
        if let rehydration {
            xml.element("ArchiveStatus", rehydration.archiveStatus)
            xml.element("RehydratePriority", rehydration.priority.rawValue)
        }
        if !tags.isEmpty { xml.element("TagCount", String(tags.count)) }
    }
}
