import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Writing blobs: Put Blob, Set Blob Properties, Set Blob Metadata, Delete Blob.
extension BlobService {
    /// Azure's largest single Put Blob (5000 MiB).
    static let maxPutBlobSize = 5000 * 1024 * 1024

    func putBlob(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let createOnly = try authorizeWrite(target, context)
        switch request.header("x-ms-blob-type") ?? Self.blockBlobType {
        case Self.blockBlobType: break
        case let type where type == AppendBlobs.blobType || type == PageStore.blobType:
            return try await createTypedBlob(type, target, request, createOnly: createOnly)
        case let type: throw StorageError.invalidHeader("x-ms-blob-type", type, "Expected BlockBlob, AppendBlob or PageBlob.")
        }
        try Self.validateBlobName(target.blob)
        var content = try BlobHeaders.contentHeaders(request, plainFallback: true)
        let metadata = MetadataCoding.encode(try BlobHeaders.metadata(request))
        let tier = try Self.accessTier(request)
        let tags = try BlobTags.header(request)
        let checksum = try TransactionalChecksum(request)
        let conditions = try BlobConditions(request)
        let features = blobFeatures(target)
        try request.refuseDeclaredBody(over: Self.maxPutBlobSize)
        let staged = try await blobs.chunks.receive(request.body, limit: Self.maxPutBlobSize, crc64: checksum.wantsCRC64)
        do {
            try checksum.check(staged)
            try BlobHeaders.checkMD5(content.contentMd5, computed: staged.md5)
            content.contentMd5 = content.contentMd5 ?? Data(staged.md5)
            let stored = content
            let record = try await blobs.write { db, orphans -> BlobRecord in
                var blob = try Self.prepareOverwrite(
                    db, target, request: request, conditions: conditions, createOnly: createOnly, features: features)
                blob.become(Self.blockBlobType)
                blob.contentHeaders = stored
                blob.metadata = metadata
                blob.contentLength = Int64(staged.length)
                blob.tier = tier
                blob.tierChanged = tier == nil ? nil : blob.lastModified
                blob.clearCopy()
                try blob.save(db)
                let chunk = try BlobStore.insertChunk(db, staged)
                try BlobStore.setBlocks(db, blobID: blob.id!, blocks: [(nil, chunk, Int64(staged.length))], orphans: &orphans)
                try BlobStore.dropStagedBlocks(db, account: target.account, container: target.container, blob: target.blob, orphans: &orphans)
                try (tags ?? BlobTags()).replace(db, blobID: blob.id!)
                return blob
            }
            var headers = Self.writeHeaders(record)
            checksum.answer(staged, into: &headers)
            return Self.emptyResponse(.created, headers: headers)
        } catch {
            if let file = staged.file { blobs.chunks.remove(files: [file]) }
            throw error
        }
    }

    func setBlobProperties(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .object, container: target.container, blob: target.blob))
        if let change = try PageBlobPropertyChange(request) { return try await setPageBlobProperties(target, request, change) }
        let content = try BlobHeaders.contentHeaders(request, plainFallback: false)
        let conditions = try BlobConditions(request)
        let record = try await updateBlob(target, request, conditions) { blob in
            blob.contentHeaders = content
        }
        return Self.emptyResponse(.ok, headers: Self.writeHeaders(record))
    }

    func setBlobMetadata(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .object, container: target.container, blob: target.blob))
        let metadata = MetadataCoding.encode(try BlobHeaders.metadata(request))
        let conditions = try BlobConditions(request)
        let record = try await updateBlob(target, request, conditions, newVersion: true) { blob in
            blob.metadata = metadata
        }
        return Self.emptyResponse(.ok, headers: Self.writeHeaders(record))
    }

    func deleteBlob(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        // Deleting a version takes `x` ("Delete version" in Azure's SAS permission tables), the rest `d`.
        let letter: Character = request.query("versionid") == nil ? "d" : "x"
        try context.authorize(AccessRequirement(letter, .object, container: target.container, blob: target.blob))
        let snapshot = request.query("snapshot") ?? ""
        let option = request.header("x-ms-delete-snapshots")
        guard option == nil || option == "include" || option == "only" else {
            throw StorageError.invalidHeader("x-ms-delete-snapshots", option ?? "", "Expected include or only.")
        }
        let conditions = try BlobConditions(request)
        let features = blobFeatures(target)
        let permanent = try await blobs.write { db, orphans in
            try Self.removeBlob(
                db, target, request, snapshot: snapshot, option: option, conditions: conditions, features: features,
                orphans: &orphans)
        }
        return Self.emptyResponse(.accepted, headers: [HTTPField.Name("x-ms-delete-type-permanent")!: permanent ? "true" : "false"])
    }

    // MARK: helpers

    /// Write needs `w`; a SAS with only `c` may still create a blob that does not exist yet, but not overwrite one
    /// (Azure's account SAS page: "may not overwrite existing blobs"). Returns true when only `c` allowed the
    /// write: `prepareOverwrite` then refuses an existing blob.
    @discardableResult
    func authorizeWrite(_ target: BlobTarget, _ context: OperationContext) throws -> Bool {
        do {
            try context.authorize(AccessRequirement("w", .object, container: target.container, blob: target.blob))
            return false
        } catch {
            try context.authorize(AccessRequirement("c", .object, container: target.container, blob: target.blob))
            return true
        }
    }

    /// The row an upload replaces (or a fresh one), after the container, conditions and lease allow it.
    /// With versioning the replaced state is kept as a previous version (`BlobVersions.beginWrite`), and the new
    /// one gets the immutability policy and legal hold the request asks for.
    static func prepareOverwrite(
        _ db: Database, _ target: BlobTarget, request: StorageRequest, conditions: BlobConditions, createOnly: Bool,
        features: BlobFeatures
    ) throws -> BlobRecord {
        try requireContainer(db, target)
        let now = Date()
        let existing = try fetchBlob(db, target)
        if let existing {
            if createOnly {
                throw StorageError.authorizationPermissionMismatch("A SAS with 'c' and not 'w' cannot overwrite a blob.")
            }
            if conditions.ifNoneMatch == "*" {
                throw StorageError(.conflict, "BlobAlreadyExists", "The specified blob already exists.")
            }
            try conditions.checkWrite(etag: existing.etag, lastModified: existing.lastModified)
            try LeaseAction.checkWrite(existing.lease, request: request, now: now)
            try BlobRehydration.cancel(db, blobID: existing.id!)
        } else {
            try conditions.checkWrite(etag: nil, lastModified: nil)
            if request.header("x-ms-lease-id") != nil {
                throw StorageError(.preconditionFailed, "LeaseNotPresentWithBlobOperation", "There is currently no lease on the blob.")
            }
        }
        var blob = existing ?? BlobRecord(
            account: target.account, container: target.container, name: target.blob, etag: "", created: now.timeIntervalSince1970,
            lastModified: 0, contentLength: 0)
        try BlobVersions.beginWrite(
            db, target, &blob, versioning: BlobVersions.isOn(db, target, features),
            overwriteRetention: deleteRetention(db, account: target.account, features: features))
        try BlobImmutability.Request(request).apply(to: &blob, enabled: BlobImmutability.isEnabled(db, target, features))
        blob.touch(now)
        return blob
    }

    /// Applies a change to an existing base blob under its conditions and lease.
    /// `newVersion`: the change makes a new version (Set Blob Metadata does, Set Blob Properties does not), which a
    /// protected version refuses.
    func updateBlob(
        _ target: BlobTarget, _ request: StorageRequest, _ conditions: BlobConditions, newVersion: Bool = false,
        _ change: @escaping @Sendable (inout BlobRecord) throws -> Void
    ) async throws -> BlobRecord {
        let features = blobFeatures(target)
        return try await blobs.write { db, _ in
            try Self.requireContainer(db, target)
            guard var blob = try Self.fetchBlob(db, target) else { throw Self.blobNotFound() }
            try conditions.checkWrite(etag: blob.etag, lastModified: blob.lastModified)
            try LeaseAction.checkWrite(blob.lease, request: request, now: Date())
            if newVersion {
                try BlobImmutability.checkUnprotected(blob)
                try BlobVersions.beginWrite(db, target, &blob, versioning: BlobVersions.isOn(db, target, features))
            }
            try change(&blob)
            blob.touch(Date())
            try blob.update(db)
            return blob
        }
    }

    static func requireContainer(_ db: Database, _ target: BlobTarget) throws {
        guard try ContainerRecord.find(db, account: target.account, name: target.container) != nil else {
            throw containerNotFound()
        }
    }

    static func writeHeaders(_ blob: BlobRecord) -> HTTPFields {
        var headers = HTTPFields()
        headers[.eTag] = blob.etag
        headers[.lastModified] = HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.lastModified))
        headers[HTTPField.Name("x-ms-request-server-encrypted")!] = "true"
        if let versionID = blob.versionId { headers[HTTPField.Name("x-ms-version-id")!] = versionID }
        return headers
    }

    /// Blob names are 1 to 1024 characters.
    static func validateBlobName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 1024 else {
            throw StorageError(.badRequest, "InvalidResourceName", "Blob names must be 1 to 1024 characters long.")
        }
    }

    /// `x-ms-access-tier`, normalised to Azure's spelling; nil when absent.
    static func accessTier(_ request: StorageRequest) throws -> String? {
        guard let value = request.header("x-ms-access-tier") else { return nil }
        guard let tier = ["Hot", "Cool", "Cold", "Archive"].first(where: { $0.lowercased() == value.lowercased() }) else {
            throw StorageError.invalidHeader("x-ms-access-tier", value, "Expected Hot, Cool, Cold or Archive.")
        }
        return tier
    }
}

extension BlobRecord {
    /// A write: a new ETag and Last-Modified.
    mutating func touch(_ now: Date) {
        etag = BlobHeaders.newETag()
        lastModified = now.timeIntervalSince1970
    }

    mutating func clearCopy() {
        copyId = nil
        copySource = nil
        copyStatus = nil
        copyProgress = nil
        copyCompleted = nil
    }
}
