import AzureStorage
import Catalog
import Foundation
import Logging

/// Carries out one outbox row against the cloud. Every step is idempotent: a row run twice (a crash
/// after the call but before `done`, two processes) leaves the cloud as running it once would.
struct OutboxWorker: Sendable {
    let catalog: Catalog
    let storage: StorageClient
    let options: SyncOptions
    let resources: CloudResources
    let limiter: BandwidthLimiter?
    let logger: Logger

    /// References and deletions of content other devices may hold.
    var shared: SharedContent {
        SharedContent(
            storage: storage, device: options.device, markerLifetime: options.purgeMarkerLifetime, clock: options.clock)
    }

    /// Runs `row`: done (with follow-ups) or postponed; a failure is thrown, and the engine records it.
    func run(_ row: OutboxRow) async throws -> OutboxOutcome {
        switch row.work {
        case .master(let version): return try await master(row, version)
        case .rendition(let file): return try await rendition(row, file)
        case .entity: try await entity(row)
        case .folder(let entry): try await folder(row, entry)
        case .history(let version): try await history(row, version)
        case .event(let version): try await event(row, version)
        case .delete(let version): return try await delete(row, version)
        case .purge(let version): return try await purge(row, version)
        case .reference(let version): try await reference(row, version)
        case .library(let entry): try await library(row, entry)
        case .protect(let master): return try await protect(row, master)
        }
        return .done(followUps: [])
    }

    func subject(_ row: OutboxRow) -> String { "\(row.kind.rawValue) \(row.target)" }

    // MARK: blobs

    /// Uploads a master unless the same bytes are already there: Put with Content-MD5, `If-None-Match: *`, the
    /// tier, and metadata naming the first known path so a catalog can be rebuilt from the blobs alone.
    /// Why no Get Properties first: the conditional Put answers 409 when the blob exists, and only then does the
    /// client read its properties to compare MD5s, so a new photo costs one request instead of two and only a
    /// duplicate pays for the look. With no local copy to send, the blob is looked at instead (another device
    /// may have uploaded it; then these paths' references stay valid).
    func master(_ row: OutboxRow, _ version: PathVersion) async throws -> OutboxOutcome {
        let sha = row.target
        guard let asset = try catalog.masterFacts(sha256: sha), let md5 = Self.bytes(hex: asset.md5) else {
            throw SyncError(.badRow, subject(row), detail: "no asset with this content in the catalog", permanent: true)
        }
        try await resources.ensure(container: CloudKeys.masterContainer)
        let local: String
        switch try localCopy(sha256: sha, size: asset.size, preferring: row.fileId) {
        case .found(let path):
            local = path
        case .changedSinceRead:
            if let present = try await existingMaster(row, asset: asset, md5: md5) { return present }
            // The watcher re-ingests the changed files; by the next attempt they hold their new content.
            throw SyncError(
                .noLocalCopy, subject(row),
                detail: "every file holding this content changed on disk since it was read; waiting for its re-ingest",
                permanent: false)
        case .superseded:
            if let present = try await existingMaster(row, asset: asset, md5: md5) { return present }
            // Edited or deleted before its upload: these bytes exist nowhere any more, so there is nothing to
            // send (parking the row would show an error no one can fix). The newer content has rows of its own.
            logger.warning(
                "content replaced before its upload; this version was never backed up",
                metadata: ["sha256": "\(sha)", "path": "\(version.path)"])
            try await withdrawReferences(sha)
            return .done(followUps: [.superseded])
        }
        try await takeTurn(row, bytes: asset.size)
        var upload = uploadOptions(row)
        upload.contentMD5 = md5
        upload.tier = options.masterTier
        upload.contentType = asset.mime
        upload.immutabilityPolicy = options.immutability?.policy(from: options.clock())
        upload.metadata = [
            "sha256": sha, "device": options.device.device, "library": CloudKeys.metadataValue(version.library),
            "path": CloudKeys.metadataValue(version.path),
            "mtime": OutboxTime.format(OutboxTime.date(nanoseconds: version.mtimeNs)),
            "mtimens": String(version.mtimeNs),
        ]
        let result: BlobUploadResult
        do {
            result = try await storage.blobs.uploadFile(
                path: local, container: CloudKeys.masterContainer, name: sha, options: upload)
        } catch let error as AzureStorageError where error.isAlreadyExists {
            // The client's look found other bytes, or none (purged in between): look again to tell which.
            if let present = try await existingMaster(row, asset: asset, md5: md5) { return present }
            throw error
        }
        catch let error as AzureStorageError where error.errorCode == "BlobOperationNotSupported" && upload.immutabilityPolicy != nil {
            throw Self.immutabilityUnavailable(subject(row), error)
        }
        // Already there (another path or device uploaded it), unless a purge is taking it away.
        if result.outcome == .alreadyExists {
            if let waiting = try await waitForPurge(sha) { return waiting }
            return .done(followUps: try await existingProtection(sha))
        }
        return .done(followUps: uploadedProtection(sha, policy: upload.immutabilityPolicy, result: result))
    }

    /// With nothing local to send: done when the cloud already holds these bytes (length and MD5), a conflict
    /// when it holds others under this content's name, nil when it holds nothing.
    private func existingMaster(_ row: OutboxRow, asset: MasterFacts, md5: [UInt8]) async throws -> OutboxOutcome? {
        guard let existing = try await storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: row.target)
        else { return nil }
        guard existing.contentLength == asset.size, existing.contentMD5 == md5 else {
            throw SyncError(
                .conflict, subject(row),
                detail: "blob exists with length \(existing.contentLength) and another MD5 than the content's",
                permanent: true)
        }
        if let waiting = try await waitForPurge(row.target) { return waiting }
        return .done(followUps: try await protectExisting(row.target, existing).map { [.protected($0)] } ?? [])
    }

    /// Uploads one rendition from the local previews folder unless it is already there. Put first, as for a
    /// master: a 409 means present, and renditions of one content never change (another device's encoder may
    /// have made other bytes: present is done all the same), unless it is being purged.
    func rendition(_ row: OutboxRow, _ file: RenditionFile) async throws -> OutboxOutcome {
        let local = options.previewsRoot + "/" + file.localPath
        guard FileManager.default.isReadableFile(atPath: local) else {
            throw SyncError(.noLocalCopy, subject(row), detail: "preview file \(local) is missing", permanent: true)
        }
        try await resources.ensure(container: CloudKeys.previewContainer)
        try await takeTurn(row, bytes: file.size)
        var upload = uploadOptions(row)
        upload.contentType = "image/jpeg"
        upload.tier = options.previewTier
        let present: Bool
        do {
            present =
                try await storage.blobs.uploadFile(
                    path: local, container: CloudKeys.previewContainer, name: row.target, options: upload
                ).outcome == .alreadyExists
        } catch let error as AzureStorageError where error.isAlreadyExists {
            present = true
        }
        guard present else { return .done(followUps: []) }
        return try await waitForPurge(CloudKeys.renditionContent(blob: row.target)) ?? .done(followUps: [])
    }

    /// Waits for the row's turn under the bandwidth limit, telling the engine's listener how long (a
    /// row waiting its turn behind a multi-GB upload is not stuck).
    private func takeTurn(_ row: OutboxRow, bytes: Int64) async throws {
        let activity = options.activity
        try await limiter?.acquire(bytes: bytes) { activity(.rowWaiting(row.id, $0)) }
        activity(.rowProgressed(row.id))
    }

    /// Never overwrite (content-addressed blobs), and report each block staged as progress.
    private func uploadOptions(_ row: OutboxRow) -> BlobUploadOptions {
        let activity = options.activity
        var upload = BlobUploadOptions()
        upload.ifNotExists = true
        upload.progress = { _, _ in activity(.rowProgressed(row.id)) }
        return upload
    }

    /// Not done yet when another device is purging `sha256`: its blobs may be about to go, so look
    /// again once the purge is over (then absent blobs are uploaded again). Nil when no purge runs.
    private func waitForPurge(_ sha256: String) async throws -> OutboxOutcome? {
        guard let device = try await shared.purgeInProgress(sha256) else { return nil }
        logger.info(
            "waiting for a purge of this content on another device",
            metadata: ["sha256": "\(sha256)", "device": "\(device)"])
        return .postponed(until: options.clock().addingTimeInterval(options.retryDelay.seconds))
    }

    /// Puts the extract message for a master without renditions: JSON naming the content and where its master is.
    func event(_ row: OutboxRow, _ version: PathVersion) async throws {
        guard let sha = version.sha256 else {
            throw SyncError(.badRow, subject(row), detail: "payload names no content", permanent: true)
        }
        try await resources.ensure(queue: row.target)
        var message = ExtractMessage(
            sha256: sha, size: try catalog.masterFacts(sha256: sha)?.size, device: options.device.device,
            library: version.library, path: version.path)
        message.profile = options.previewProfile.rawValue
        message.previewTier = options.previewTier?.rawValue
        try await storage.queues.put(queue: row.target, text: message.json())
    }

    /// Where a master's bytes can be read from.
    enum LocalCopy {
        /// A present file holding the content, unchanged on disk since it was read.
        case found(String)
        /// Files hold it in the catalog, but each changed on disk since (a re-ingest is coming).
        case changedSinceRead
        /// No present file holds it any more: edited or deleted before it was uploaded.
        case superseded
    }

    /// A present file holding `sha256` whose size and mtime on disk still match the catalog (the
    /// preferred file first). A file changed since its ingest is not sent under the old content's
    /// name: the watcher re-ingests it as new content.
    func localCopy(sha256: String, size: Int64, preferring fileId: Int64?) throws -> LocalCopy {
        let candidates = try catalog.presentCopies(sha256: sha256, preferring: fileId)
        for candidate in candidates {
            var info = stat()
            guard stat(candidate.path, &info) == 0 else { continue }
            let onDisk = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            if Int64(info.st_size) == size, onDisk == candidate.mtimeNs { return .found(candidate.path) }
        }
        return candidates.isEmpty ? .superseded : .changedSinceRead
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
                return nil
            }
            result.append(byte)
        }
        return result
    }
}
