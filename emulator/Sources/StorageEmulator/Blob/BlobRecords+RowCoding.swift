import Foundation
import GRDB

// Rows of `containers` and `blobs` are read and written column by column rather than through
// Codable: GRDB's Codable bridge builds a keyed decoder and converts every column name from
// snake case on each row, which was a tenth of a small Get Blob's CPU time.

extension ContainerRecord {
    init(row: Row) {
        account = row["account"]
        name = row["name"]
        etag = row["etag"]
        created = row["created"]
        lastModified = row["last_modified"]
        metadata = row["metadata"]
        publicAccess = row["public_access"]
        acl = row["acl"]
        leaseId = row["lease_id"]
        leaseState = row["lease_state"]
        leaseDuration = row["lease_duration"]
        leaseExpires = row["lease_expires"]
        leaseBreakAt = row["lease_break_at"]
        versionImmutability = row["version_immutability"]
        deletedTime = row["deleted_time"]
        deletedName = row["deleted_name"]
        deletedVersion = row["deleted_version"]
        purgeAfter = row["purge_after"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["account"] = account
        container["name"] = name
        container["etag"] = etag
        container["created"] = created
        container["last_modified"] = lastModified
        container["metadata"] = metadata
        container["public_access"] = publicAccess
        container["acl"] = acl
        container["lease_id"] = leaseId
        container["lease_state"] = leaseState
        container["lease_duration"] = leaseDuration
        container["lease_expires"] = leaseExpires
        container["lease_break_at"] = leaseBreakAt
        container["version_immutability"] = versionImmutability
        container["deleted_time"] = deletedTime
        container["deleted_name"] = deletedName
        container["deleted_version"] = deletedVersion
        container["purge_after"] = purgeAfter
    }

    /// The container `account/name`, through a statement compiled once per connection (the hot path
    /// of every blob request).
    static func find(_ db: Database, account: String, name: String) throws -> ContainerRecord? {
        try fetchOne(
            db.cachedStatement(sql: "SELECT * FROM containers WHERE account = ? AND name = ?"),
            arguments: [account, name])
    }
}

extension BlobRecord {
    init(row: Row) {
        id = row["id"]
        account = row["account"]
        container = row["container"]
        name = row["name"]
        snapshot = row["snapshot"]
        blobType = row["blob_type"]
        etag = row["etag"]
        created = row["created"]
        lastModified = row["last_modified"]
        contentLength = row["content_length"]
        contentType = row["content_type"]
        contentEncoding = row["content_encoding"]
        contentLanguage = row["content_language"]
        contentMd5 = row["content_md5"]
        contentDisposition = row["content_disposition"]
        cacheControl = row["cache_control"]
        metadata = row["metadata"]
        tier = row["tier"]
        tierChanged = row["tier_changed"]
        leaseId = row["lease_id"]
        leaseState = row["lease_state"]
        leaseDuration = row["lease_duration"]
        leaseExpires = row["lease_expires"]
        leaseBreakAt = row["lease_break_at"]
        copyId = row["copy_id"]
        copySource = row["copy_source"]
        copyStatus = row["copy_status"]
        copyProgress = row["copy_progress"]
        copyCompleted = row["copy_completed"]
        versionId = row["version_id"]
        retired = row["retired"]
        deletedTime = row["deleted_time"]
        purgeAfter = row["purge_after"]
        immutabilityUntil = row["immutability_until"]
        immutabilityMode = row["immutability_mode"]
        legalHold = row["legal_hold"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["account"] = account
        container["container"] = self.container
        container["name"] = name
        container["snapshot"] = snapshot
        container["blob_type"] = blobType
        container["etag"] = etag
        container["created"] = created
        container["last_modified"] = lastModified
        container["content_length"] = contentLength
        container["content_type"] = contentType
        container["content_encoding"] = contentEncoding
        container["content_language"] = contentLanguage
        container["content_md5"] = contentMd5
        container["content_disposition"] = contentDisposition
        container["cache_control"] = cacheControl
        container["metadata"] = metadata
        container["tier"] = tier
        container["tier_changed"] = tierChanged
        container["lease_id"] = leaseId
        container["lease_state"] = leaseState
        container["lease_duration"] = leaseDuration
        container["lease_expires"] = leaseExpires
        container["lease_break_at"] = leaseBreakAt
        container["copy_id"] = copyId
        container["copy_source"] = copySource
        container["copy_status"] = copyStatus
        container["copy_progress"] = copyProgress
        container["copy_completed"] = copyCompleted
        container["version_id"] = versionId
        container["retired"] = retired
        container["deleted_time"] = deletedTime
        container["purge_after"] = purgeAfter
        container["immutability_until"] = immutabilityUntil
        container["immutability_mode"] = immutabilityMode
        container["legal_hold"] = legalHold
    }
}
