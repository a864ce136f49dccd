import AzureWire
import Foundation
import GRDB

extension BlobService {
    /// How long a deleted blob, snapshot or version of `account` is kept: the account config's retention, else the
    /// `DeleteRetentionPolicy` of its Blob service properties (Azure lets a client switch blob soft delete on with Set
    /// Blob Service Properties, as the SDKs' `set_service_properties(delete_retention_policy=…)` does). Nil: deletes
    /// are permanent. What is already soft-deleted keeps the retention it was deleted with, as in Azure.
    static func deleteRetention(_ db: Database, account: String, features: BlobFeatures) throws -> TimeInterval? {
        if let configured = features.deleteRetention { return configured }
        guard
            let xml = try String.fetchOne(
                db.cachedStatement(sql: "SELECT xml FROM service_properties WHERE account = ? AND service = 'blob'"),
                arguments: [account]),
            let policy = try? XMLTree.parseBody(Array(xml.utf8)).child("DeleteRetentionPolicy"),
            policy.value("Enabled")?.lowercased() == "true",
            let days = policy.value("Days").flatMap(Double.init), days > 0
        else { return nil }
        return days * 86_400
    }
}

extension BlobService {
    /// The Blob service properties as Get Blob Service Properties reports them: a retention the account config sets
    /// shows as the `DeleteRetentionPolicy` in force (in whole days, at least one, as Azure counts them).
    static func reportingConfiguredRetention(_ xml: String, features: BlobFeatures) -> String {
        guard let retention = features.deleteRetention, let stored = try? XMLTree.parseBody(Array(xml.utf8)) else { return xml }
        let days = max(1, Int((retention / 86_400).rounded(.up)))
        let policy = "<StorageServiceProperties><DeleteRetentionPolicy><Enabled>true</Enabled><Days>\(days)</Days>"
            + "</DeleteRetentionPolicy></StorageServiceProperties>"
        guard let update = try? XMLTree.parseBody(Array(policy.utf8)) else { return xml }
        return ServicePropertiesMerge.merge(update, into: stored)
    }
}
