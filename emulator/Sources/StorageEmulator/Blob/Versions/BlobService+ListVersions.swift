import AzureWire
import Foundation

/// What versions, soft delete and immutability add to List Blobs: which rows a listing shows, the order they come in
/// within a name, and the elements that describe them.
extension BlobService {
    /// A row's place among the rows of its name: snapshots by ID, then previous versions by version ID (and
    /// soft-deleted blobs), then the current blob (`~`). SQL and Swift compute the same key, which markers carry.
    static let listKeySQL = "CASE WHEN snapshot != '' THEN snapshot || retired WHEN retired != '' THEN '}' || retired ELSE '~' END"

    static func listKey(_ blob: BlobRecord) -> String {
        if !blob.snapshot.isEmpty { return blob.snapshot + blob.retired }
        return blob.retired.isEmpty ? "~" : "}" + blob.retired
    }

    /// The rows `include=` asks for: live ones always (snapshots with `snapshots`), previous versions with
    /// `versions`, soft-deleted ones with `deleted`.
    static func listFilterSQL(_ include: ListInclude) -> String {
        var kinds = ["(retired = '')"]
        if include.versions { kinds.append("(retired != '' AND deleted_time IS NULL)") }
        if include.deleted { kinds.append("(deleted_time IS NOT NULL)") }
        return "AND (" + kinds.joined(separator: " OR ") + ")" + (include.snapshots ? "" : " AND snapshot = ''")
    }

    /// `Deleted`, `VersionId` and `IsCurrentVersion`, after a listed blob's name.
    static func writeVersionXML(_ blob: BlobRecord, include: ListInclude, to xml: inout XMLWriter) {
        if blob.deletedTime != nil { xml.element("Deleted", "true") }
        guard blob.snapshot.isEmpty, let versionID = blob.versionId else { return }
        xml.element("VersionId", versionID)
        if include.versions && blob.retired.isEmpty { xml.element("IsCurrentVersion", "true") }
    }

    /// Soft-delete and immutability properties of a listed blob.
    static func writeRetentionXML(_ blob: BlobRecord, include: ListInclude, now: Date, to xml: inout XMLWriter) {
        if let deleted = blob.deletedTime {
            xml.element("DeletedTime", HTTPDate.rfc1123(Date(timeIntervalSince1970: deleted)))
            xml.element("RemainingRetentionDays", remainingRetentionDays(purgeAfter: blob.purgeAfter, now: now))
        }
        if include.immutabilityPolicy, let until = blob.immutabilityUntil, let mode = blob.immutabilityMode {
            xml.element("ImmutabilityPolicyUntilDate", HTTPDate.rfc1123(Date(timeIntervalSince1970: until)))
            xml.element("ImmutabilityPolicyMode", mode)
        }
        if include.legalHold { xml.element("LegalHold", blob.legalHold ? "true" : "false") }
    }
}
