import AzureWire
import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Block blobs built from blocks: Put Block, Put Block List, Get Block List.
extension BlobService {
    /// Azure's limits: 4000 MiB per block, 50,000 blocks per blob, 100,000 uncommitted blocks per blob name,
    /// block IDs of at most 64 bytes.
    static let maxBlockSize = 4000 * 1024 * 1024
    static let maxBlockCount = 50_000
    static let maxUncommittedBlockCount = 100_000

    func putBlock(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try authorizeWrite(target, context)
        try Self.validateBlobName(target.blob)
        let blockID = try Self.blockID(request.query("blockid"))
        let checksum = try TransactionalChecksum(request)
        try request.refuseDeclaredBody(over: Self.maxBlockSize)
        let staged = try await blobs.chunks.receive(request.body, limit: Self.maxBlockSize, crc64: checksum.wantsCRC64)
        do {
            try checksum.check(staged)
            try await blobs.write { db, orphans in
                try Self.requireContainer(db, target)
                if let blob = try Self.fetchBlob(db, target) {
                    try Self.requireBlockBlob(blob)
                    try LeaseAction.checkWrite(blob.lease, request: request, now: Date())
                }
                try Self.checkBlockIDLength(db, target, blockID)
                let previous = try Int64.fetchOne(
                    db.cachedStatement(
                        sql:
                            "SELECT chunk_id FROM staged_blocks WHERE account = ? AND container = ? AND blob = ? AND block_id = ?"
                    ),
                    arguments: [target.account, target.container, target.blob, blockID])
                if let previous {
                    orphans.candidates.insert(previous)
                    try db.executeCached(
                        sql: "DELETE FROM staged_blocks WHERE account = ? AND container = ? AND blob = ? AND block_id = ?",
                        arguments: [target.account, target.container, target.blob, blockID])
                } else {
                    try Self.checkUncommittedBlockCount(db, target)
                }
                let chunk = try BlobStore.insertChunk(db, staged)
                try db.executeCached(
                    sql: """
                        INSERT INTO staged_blocks (account, container, blob, block_id, chunk_id, length, staged)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [target.account, target.container, target.blob, blockID, chunk, staged.length, Date().timeIntervalSince1970])
            }
        } catch {
            if let file = staged.file { blobs.chunks.remove(files: [file]) }
            throw error
        }
        var headers = HTTPFields()
        checksum.answer(staged, into: &headers)
        headers[HTTPField.Name("x-ms-request-server-encrypted")!] = "true"
        return Self.emptyResponse(.created, headers: headers)
    }

    func putBlockList(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let createOnly = try authorizeWrite(target, context)
        try Self.validateBlobName(target.blob)
        let body = try await Self.collectXML(request)
        try BlobHeaders.checkMD5(try BlobHeaders.transactionalMD5(request), computed: Array(Insecure.MD5.hash(data: body)))
        let document = try XMLTree.parseBody(body)
        guard document.name == "BlockList" else {
            throw StorageError(.badRequest, "InvalidXmlDocument", "The root element must be BlockList, not \(document.name).")
        }
        let wanted = try document.children.map { entry -> (source: String, id: String) in
            guard ["Latest", "Committed", "Uncommitted"].contains(entry.name) else {
                throw StorageError(.badRequest, "InvalidXmlDocument", "Unexpected element \(entry.name) in BlockList.")
            }
            return (entry.name, try Self.blockID(entry.text))
        }
        guard wanted.count <= Self.maxBlockCount else {
            // 409, as Azure's Blob error codes list it (and Azurite answers).
            throw StorageError(
                .conflict, "BlockCountExceedsLimit",
                "The committed block count cannot exceed the maximum limit of 50,000 blocks.")
        }
        let content = try BlobHeaders.contentHeaders(request, plainFallback: false)
        let metadata = MetadataCoding.encode(try BlobHeaders.metadata(request))
        let tier = try Self.accessTier(request)
        let tags = try BlobTags.header(request)
        let conditions = try BlobConditions(request)
        let features = blobFeatures(target)
        let record = try await blobs.write { db, orphans -> BlobRecord in
            var blob = try Self.prepareOverwrite(
                db, target, request: request, conditions: conditions, createOnly: createOnly, features: features)
            try Self.requireBlockBlob(blob)
            var committed: [String: (Int64, Int64)] = [:]
            if let id = blob.id {
                for row in try Row.fetchAll(
                    db.cachedStatement(
                        sql:
                            "SELECT block_id, chunk_id, length FROM blob_blocks WHERE blob_id = ? AND block_id IS NOT NULL"
                    ),
                    arguments: [id])
                {
                    committed[row[0]] = (row[1], row[2])
                }
            }
            var staged: [String: (Int64, Int64)] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT block_id, chunk_id, length FROM staged_blocks WHERE account = ? AND container = ? AND blob = ?"
                ),
                arguments: [target.account, target.container, target.blob])
            {
                staged[row[0]] = (row[1], row[2])
            }
            var blocks: [(blockID: String?, chunkID: Int64, length: Int64)] = []
            for (source, id) in wanted {
                let found: (Int64, Int64)? =
                    switch source {
                    case "Committed": committed[id]
                    case "Uncommitted": staged[id]
                    default: staged[id] ?? committed[id]
                    }
                guard let (chunk, length) = found else {
                    throw StorageError(.badRequest, "InvalidBlockList", "The specified block list is invalid: block \(id) (\(source)) is not there.")
                }
                blocks.append((id, chunk, length))
            }
            blob.contentHeaders = content
            blob.metadata = metadata
            blob.contentLength = blocks.reduce(0) { $0 + $1.length }
            blob.tier = tier
            blob.tierChanged = tier == nil ? nil : blob.lastModified
            blob.clearCopy()
            try blob.save(db)
            try BlobStore.setBlocks(db, blobID: blob.id!, blocks: blocks, orphans: &orphans)
            try BlobStore.dropStagedBlocks(db, account: target.account, container: target.container, blob: target.blob, orphans: &orphans)
            try (tags ?? BlobTags()).replace(db, blobID: blob.id!)
            return blob
        }
        return Self.emptyResponse(.created, headers: Self.writeHeaders(record))
    }

    func getBlockList(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let snapshot = request.query("snapshot") ?? ""
        let listType = (request.query("blocklisttype") ?? "committed").lowercased()
        guard ["committed", "uncommitted", "all"].contains(listType) else {
            throw StorageError.invalidQueryParameter("blocklisttype", listType, "Expected committed, uncommitted or all.")
        }
        let found = try await blobs.read { db -> (ContainerRecord?, BlobRecord?, [BlockEntry], [BlockEntry]) in
            let container = try ContainerRecord.find(db, account: target.account, name: target.container)
            let blob = try Self.fetchBlob(db, target, snapshot: snapshot)
            let committed = try blob.map {
                try BlockEntry.fetchAll(
                    db.cachedStatement(
                        sql:
                            "SELECT block_id, length FROM blob_blocks WHERE blob_id = ? AND block_id IS NOT NULL ORDER BY ordinal"
                    ),
                    arguments: [$0.id!])
            } ?? []
            let uncommitted = try BlockEntry.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT block_id, length FROM staged_blocks WHERE account = ? AND container = ? AND blob = ? ORDER BY staged, block_id"
                ),
                arguments: [target.account, target.container, target.blob])
            return (container, blob, committed, uncommitted)
        }
        try context.authorize(
            AccessRequirement("r", .object, container: target.container, blob: target.blob), publicRead: found.0?.publicAccess != nil)
        guard found.0 != nil else { throw Self.containerNotFound() }
        guard found.1 != nil || !found.3.isEmpty else { throw Self.blobNotFound() }
        try Self.requireBlockBlob(found.1)
        if let blob = found.1 { try LeaseAction.checkRead(blob.lease, request: request, now: Date()) }
        var xml = XMLWriter()
        xml.open("BlockList")
        func write(_ name: String, _ entries: [BlockEntry]) {
            xml.open(name)
            for entry in entries {
                xml.open("Block")
                xml.element("Name", entry.id)
                xml.element("Size", String(entry.length))
                xml.close("Block")
            }
            xml.close(name)
        }
        if listType != "uncommitted" { write("CommittedBlocks", found.2) }
        if listType != "committed" { write("UncommittedBlocks", found.3) }
        xml.close("BlockList")
        var headers = HTTPFields()
        if let blob = found.1 {
            headers = Self.writeHeaders(blob)
            headers[HTTPField.Name("x-ms-blob-content-length")!] = String(blob.contentLength)
        }
        return Self.xmlResponse(xml, headers: headers)
    }

    /// Block IDs are base64 strings whose decoded form is at most 64 bytes.
    /// All block IDs of a blob have one length (Put Block's documentation): one of another length than the blob's
    /// uncommitted blocks is 400 `InvalidBlobOrBlock`, as Azure (and Azurite) answer it. IDs compare decoded.
    /// A new block id past 100,000 uncommitted ones is refused as Azure refuses it. The count is kept by triggers
    /// (`staged_block_counts`, migration `blob-staged-count`), so the check costs one row, not a count of 100,000.
    static func checkUncommittedBlockCount(_ db: Database, _ target: BlobTarget) throws {
        let count =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT count FROM staged_block_counts WHERE account = ? AND container = ? AND blob = ?"),
                arguments: [target.account, target.container, target.blob]) ?? 0
        guard count >= maxUncommittedBlockCount else { return }
        throw StorageError(
            .conflict, "BlockCountExceedsLimit",
            "The uncommitted block count cannot exceed the maximum limit of 100,000 blocks.")
    }

    static func checkBlockIDLength(_ db: Database, _ target: BlobTarget, _ blockID: String) throws {
        guard
            let staged = try String.fetchOne(
                db.cachedStatement(
                    sql: "SELECT block_id FROM staged_blocks WHERE account = ? AND container = ? AND blob = ? LIMIT 1"),
                arguments: [target.account, target.container, target.blob]),
            Data(base64Encoded: staged)?.count != Data(base64Encoded: blockID)?.count
        else { return }
        throw StorageError(
            .badRequest, "InvalidBlobOrBlock",
            "The specified blob or block content is invalid: block IDs of one blob must all have the same length.")
    }

    static func blockID(_ value: String?) throws -> String {
        guard let value, !value.isEmpty else {
            throw StorageError(.badRequest, "InvalidQueryParameterValue", "The block ID (blockid) is missing.")
        }
        guard let decoded = Data(base64Encoded: value), decoded.count <= 64 else {
            throw StorageError(.badRequest, "InvalidBlockId", "The specified block ID is invalid. It must be base64 and at most 64 bytes: \(value).")
        }
        return value
    }
}

/// A block as Get Block List reports it.
struct BlockEntry: Sendable, FetchableRecord {
    var id: String
    var length: Int64
    init(row: Row) throws {
        id = row[0]
        length = row[1]
    }
}
