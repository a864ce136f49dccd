import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Set Blob Immutability Policy, Delete Blob Immutability Policy, Set Blob Legal Hold: on the current version, or on
/// the version or snapshot the query names. None of them changes the blob's ETag (Azure's pages say so).
extension BlobService {
    func setImmutabilityPolicy(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("i", .object, container: target.container, blob: target.blob))
        let asked = try BlobImmutability.Request(request, untilRequired: true)
        let conditions = try BlobConditions(request)
        let blob = try await changeProtection(target, request) { blob in
            try conditions.checkWrite(etag: blob.etag, lastModified: blob.lastModified)
            if blob.immutabilityMode == "Locked", let current = blob.immutabilityUntil {
                guard asked.mode == "Locked", let until = asked.until, until >= current else {
                    throw StorageError(
                        .conflict, "BlobImmutableDueToPolicy",
                        "This operation is not permitted as the blob is immutable due to a policy: a Locked policy can "
                            + "only be extended (until \(HTTPDate.rfc1123(Date(timeIntervalSince1970: current))) or later).")
                }
            }
            blob.immutabilityUntil = asked.until
            blob.immutabilityMode = asked.mode
        }
        var headers = HTTPFields()
        BlobImmutability.writeProperties(blob, to: &headers)
        headers[HTTPField.Name("x-ms-legal-hold")!] = nil
        return Self.emptyResponse(.ok, headers: headers)
    }

    func deleteImmutabilityPolicy(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("i", .object, container: target.container, blob: target.blob))
        _ = try await changeProtection(target, request) { blob in
            if blob.immutabilityMode == "Locked" {
                throw StorageError(
                    .conflict, "ImmutabilityPolicyDeleteOnLockedPolicy",
                    "This operation is not permitted as the immutability policy is locked.")
            }
            blob.immutabilityUntil = nil
            blob.immutabilityMode = nil
        }
        return Self.emptyResponse(.ok)
    }

    func setLegalHold(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("i", .object, container: target.container, blob: target.blob))
        guard let hold = try BlobImmutability.Request(request).legalHold else { throw StorageError.missingHeader("x-ms-legal-hold") }
        _ = try await changeProtection(target, request) { blob in blob.legalHold = hold }
        return Self.emptyResponse(.ok, headers: [HTTPField.Name("x-ms-legal-hold")!: hold ? "true" : "false"])
    }

    /// Changes the protection of the version or snapshot a request names, in a container that supports it.
    private func changeProtection(
        _ target: BlobTarget, _ request: StorageRequest, _ change: @escaping @Sendable (inout BlobRecord) throws -> Void
    ) async throws -> BlobRecord {
        let features = blobFeatures(target)
        return try await blobs.write { db, _ in
            try Self.requireContainer(db, target)
            guard
                var blob = try Self.fetchBlob(
                    db, target, snapshot: request.query("snapshot") ?? "", version: request.query("versionid"))
            else { throw Self.blobNotFound() }
            guard try BlobImmutability.isEnabled(db, target, features) else { throw BlobImmutability.notEnabled() }
            try change(&blob)
            try blob.update(db)
            return blob
        }
    }

    /// The blob features of the account a request is for.
    func blobFeatures(_ target: BlobTarget) -> BlobFeatures { blobFeatures(target.account) }

    func blobFeatures(_ account: String) -> BlobFeatures { features[account]?.blob ?? BlobFeatures() }
}
