import Crypto

extension BlobClient {
    /// Uploads a file as a block blob. Up to `singleUploadLimit` it is one Put Blob; above, blocks
    /// are read one after another and sent several at a time, each with its MD5, then committed with
    /// the whole file's MD5 (when the caller declares one, the bytes read must match it, or nothing is
    /// committed). An upload interrupted by a crash or a cancellation resumes: blocks Azure
    /// already holds (Get Block List) are not sent again. Memory use stays at a few blocks.
    @discardableResult
    package func uploadFile(
        path: String, container: String, name: String, options: BlobUploadOptions = BlobUploadOptions()
    ) async throws -> BlobUploadResult {
        let operation = "UploadFile \(container)/\(name)"
        let file = try await transport.runBlocking { try LocalFile.openForReading(path, operation: operation) }
        let size = try await transport.runBlocking { try file.size(operation: operation) }
        if size <= Int64(self.options.singleUploadLimit) {
            let bytes = try await transport.runBlocking {
                try file.read(offset: 0, count: Int(size), operation: operation)
            }
            return try await putBlob(container: container, name: name, bytes: bytes, options: options)
        }
        return try await uploadBlocks(file: file, size: size, container: container, name: name, options: options)
    }

    /// The block size for a file: the configured one, doubled until the file fits in Azure's 50,000 blocks.
    func blockSize(for size: Int64) -> Int64 {
        var blockSize = Int64(options.blockSize)
        while (size + blockSize - 1) / blockSize > 50_000 { blockSize *= 2 }
        return blockSize
    }

    func uploadBlocks(file: LocalFile, size: Int64, container: String, name: String, options: BlobUploadOptions)
        async throws -> BlobUploadResult
    {
        let operation = "UploadFile \(container)/\(name)"
        let blockSize = blockSize(for: size)
        let count = Int((size + blockSize - 1) / blockSize)
        let listing = try await blockList(container: container, name: name)
        if options.ifNotExists, !listing.committed.isEmpty, let known = options.contentMD5,
            let existing = try await propertiesIfExists(container: container, name: name), existing.contentMD5 == known
        {
            return BlobUploadResult(
                outcome: .alreadyExists, etag: existing.etag, versionID: existing.versionID, contentMD5: known)
        }
        var staged: [String: Int64] = [:]
        for block in listing.uncommitted { staged[block.id] = block.size }
        let alreadyStaged = staged

        var whole = Insecure.MD5()
        var ids = [String](repeating: "", count: count)
        var uploaded = 0
        var reused = 0
        let limit = max(1, self.options.maxConcurrentBlocks)
        try await withThrowingTaskGroup(of: (index: Int, id: String, sent: Bool).self) { group in
            func record(_ result: (index: Int, id: String, sent: Bool)) {
                ids[result.index] = result.id
                if result.sent { uploaded += 1 } else { reused += 1 }
                options.progress?(uploaded + reused, count)
            }
            var inFlight = 0
            for index in 0..<count {
                if inFlight >= limit, let finished = try await group.next() {
                    record(finished)
                    inFlight -= 1
                }
                let offset = Int64(index) * blockSize
                let length = Int(min(blockSize, size - offset))
                let bytes = try await transport.runBlocking {
                    try file.read(offset: offset, count: length, operation: operation)
                }
                whole.update(data: bytes)
                group.addTask {
                    let md5 = Array(Insecure.MD5.hash(data: bytes))
                    let id = BlockID.make(index: index, md5: md5)
                    if alreadyStaged[id] == Int64(bytes.count) { return (index, id, false) }
                    try await putBlock(container: container, name: name, blockID: id, bytes: bytes, md5: md5)
                    return (index, id, true)
                }
                inFlight += 1
            }
            for try await finished in group { record(finished) }
        }
        // Azure stores a block list's Content-MD5 without checking it: a file that changed while its
        // blocks were read must not be committed under the hash (and the name) of its old content.
        let md5 = Array(whole.finalize())
        if let declared = options.contentMD5, declared != md5 {
            throw AzureStorageError(
                .integrity, operation: operation,
                detail: "the file's bytes no longer match the Content-MD5 given (\(Base64.encode(declared)), read \(Base64.encode(md5))): it changed during the upload; nothing was committed")
        }
        var result = try await putBlockList(
            container: container, name: name, blockIDs: ids, contentMD5: md5, options: options)
        result.blocksUploaded = uploaded
        result.blocksReused = reused
        return result
    }
}
