import AzureWire
import Crypto

extension BlobClient {
    /// Put Blob from memory, with Content-MD5 so Azure verifies and stores it.
    @discardableResult
    package func putBlob(
        container: String, name: String, bytes: [UInt8], options: BlobUploadOptions = BlobUploadOptions()
    )
        async throws -> BlobUploadResult
    {
        let md5 = options.contentMD5 ?? Array(Insecure.MD5.hash(data: bytes))
        var call = try call("PutBlob", "PUT", container: container, blob: name)
        call.headers.set("x-ms-blob-type", "BlockBlob")
        call.headers.set("content-md5", Base64.encode(md5))
        try applyBlobHeaders(&call, options: options, operation: "PutBlob \(container)/\(name)")
        call.body = .bytes(bytes)
        return try await commit(call, container: container, name: name, md5: md5, ifNotExists: options.ifNotExists)
    }

    /// Put Block: stages one block with its MD5 (Azure refuses it if the bytes arrive damaged).
    /// Idempotent: the same id with the same bytes can be staged again.
    package func putBlock(container: String, name: String, blockID: String, bytes: [UInt8], md5: [UInt8]? = nil)
        async throws
    {
        var call = try call("PutBlock", "PUT", container: container, blob: name)
        call.url = call.url.adding("comp", "block").adding("blockid", blockID)
        call.headers.set("content-md5", Base64.encode(md5 ?? Array(Insecure.MD5.hash(data: bytes))))
        call.body = .bytes(bytes)
        _ = try await pipeline.send(call)
    }

    /// Put Block List: commits staged blocks, in order, as the blob's content.
    @discardableResult
    package func putBlockList(
        container: String, name: String, blockIDs: [String], contentMD5: [UInt8],
        options: BlobUploadOptions = BlobUploadOptions()
    ) async throws -> BlobUploadResult {
        var call = try call("PutBlockList", "PUT", container: container, blob: name)
        call.url = call.url.adding("comp", "blocklist")
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>"
        for id in blockIDs { xml += "<Latest>\(XMLText.escape(id))</Latest>" }
        xml += "</BlockList>"
        let body = Array(xml.utf8)
        call.headers.set("content-type", "application/xml; charset=utf-8")
        call.headers.set("content-md5", Base64.encode(Array(Insecure.MD5.hash(data: body))))
        call.headers.set("x-ms-blob-content-md5", Base64.encode(contentMD5))
        try applyBlobHeaders(&call, options: options, operation: "PutBlockList \(container)/\(name)")
        call.body = .bytes(body)
        return try await commit(
            call, container: container, name: name, md5: contentMD5, ifNotExists: options.ifNotExists)
    }

    /// Get Block List: what is committed and what is staged, so an interrupted upload can resume.
    /// A blob with neither yields an empty listing, not an error.
    package func blockList(container: String, name: String) async throws -> BlockListing {
        var call = try call("GetBlockList", "GET", container: container, blob: name)
        call.url = call.url.adding("comp", "blocklist").adding("blocklisttype", "all")
        let response: TransportResponse
        do {
            response = try await pipeline.send(call)
        } catch let error as AzureStorageError where error.isNotFound {
            return BlockListing(committed: [], uncommitted: [])
        }
        guard let root = try? XMLTree.parse(response.body), root.name == "BlockList" else {
            throw AzureStorageError(
                .invalidResponse, operation: "GetBlockList \(container)/\(name)", status: response.status,
                requestID: response.headers["x-ms-request-id"], detail: "the body is not a <BlockList> document")
        }
        func blocks(_ section: String) -> [BlockListing.Block] {
            (root.child(section)?.children("Block") ?? []).map {
                BlockListing.Block(id: $0.value("Name") ?? "", size: Int64($0.value("Size") ?? "") ?? -1)
            }
        }
        return BlockListing(committed: blocks("CommittedBlocks"), uncommitted: blocks("UncommittedBlocks"))
    }

    /// Sends a write that creates the blob. With `ifNotExists`, a blob already there with the same MD5
    /// is success: a retried commit whose first answer was lost, or a duplicate of content-addressed data.
    func commit(_ call: StorageCall, container: String, name: String, md5: [UInt8], ifNotExists: Bool) async throws
        -> BlobUploadResult
    {
        do {
            let response = try await pipeline.send(call)
            return BlobUploadResult(
                outcome: .uploaded, etag: response.headers["etag"], versionID: response.headers["x-ms-version-id"],
                contentMD5: md5)
        } catch let error as AzureStorageError
            where ifNotExists && (error.status == 409 || error.status == 412)
        {
            guard let existing = try await propertiesIfExists(container: container, name: name),
                existing.contentMD5 == md5
            else { throw error }
            return BlobUploadResult(
                outcome: .alreadyExists, etag: existing.etag, versionID: existing.versionID, contentMD5: md5)
        }
    }

    /// Content type, metadata, tier, immutability policy and the overwrite guard, shared by Put Blob and Put Block
    /// List (a block upload's policy goes on the commit, which creates the version).
    func applyBlobHeaders(_ call: inout StorageCall, options: BlobUploadOptions, operation: String)
        throws(AzureStorageError)
    {
        if let type = options.contentType { call.headers.set("x-ms-blob-content-type", type) }
        if let cache = options.cacheControl { call.headers.set("x-ms-blob-cache-control", cache) }
        if let disposition = options.contentDisposition {
            call.headers.set("x-ms-blob-content-disposition", disposition)
        }
        if let tier = options.tier { call.headers.set("x-ms-access-tier", tier.rawValue) }
        if options.ifNotExists { call.headers.set("if-none-match", "*") }
        options.immutabilityPolicy?.apply(to: &call.headers)
        for (key, value) in try Metadata.validated(options.metadata, operation: operation) {
            call.headers.set("x-ms-meta-\(key)", value)
        }
    }
}
