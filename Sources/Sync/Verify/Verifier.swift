import AzureStorage
import Catalog
import Foundation

/// Compares the local catalog with the cloud and names what is wrong: masters missing, damaged or
/// (deep) corrupt, renditions missing, this device's `files` rows missing or stale, references (of
/// any device) to masters that are gone, and orphan blobs. A master anything references (a catalog
/// file in any state, any device's `files`, `history` or `refs` row, a queued upload) is never an
/// orphan. Work still queued in the outbox is reported as pending, not as damage.
///
/// ```swift
/// let report = try await Verifier(catalog: catalog, storage: storage, options: VerifyOptions()).run()
/// if !report.isClean { … }
/// ```
package struct Verifier: Sendable {
    let catalog: Catalog
    let storage: StorageClient
    let device: DeviceKeys
    let options: VerifyOptions

    /// A verifier of `catalog`, the catalog of `device`, against the cloud behind `storage`.
    package init(catalog: Catalog, storage: StorageClient, device: DeviceKeys, options: VerifyOptions) {
        self.catalog = catalog
        self.storage = storage
        self.device = device
        self.options = options
    }

    /// Checks everything once; with `repair`, also acts on what it found.
    package func run() async throws -> VerifyReport {
        let local = try catalog.inventory()
        let cloud = try await CloudInventory.read(storage, device: device)
        var report = VerifyReport()
        report.blobsListed = cloud.masters.count + cloud.renditions.count
        var found: [(VerifyFinding, pending: Bool, fileId: Int64?)] = []
        func note(_ finding: VerifyFinding, pending: Bool, fileId: Int64? = nil) {
            found.append((finding, pending, fileId))
        }

        var intact: [CatalogInventory.Content] = []
        for content in local.contents.values.sorted(by: { $0.sha256 < $1.sha256 }) where content.live {
            report.mastersChecked += 1
            let sha = content.sha256
            let uploading = local.pending.contains(OutboxTarget(.master, sha))
            if let blob = cloud.masters[sha] {
                let md5 = blob.contentMD5.map { $0.map { String(format: "%02x", $0) }.joined() }
                if blob.contentLength != content.size || md5 != content.md5 {
                    let detail =
                        "size \(blob.contentLength), Content-MD5 \(md5 ?? "none"); "
                        + "expected size \(content.size), MD5 \(content.md5)"
                    note(VerifyFinding(.masterDamaged, sha, detail: detail), pending: false)
                } else {
                    intact.append(content)
                }
            } else {
                note(
                    VerifyFinding(.masterMissing, sha, detail: "no blob \(CloudKeys.masterContainer)/\(sha)"),
                    pending: uploading)
            }
            for name in content.renditions {
                report.renditionsChecked += 1
                let blob = CloudKeys.renditionBlob(sha256: sha, name: name)
                if !cloud.renditions.contains(blob) {
                    let queued = uploading || local.pending.contains(OutboxTarget(.rendition, blob))
                    note(
                        VerifyFinding(.renditionMissing, blob, detail: "no blob \(CloudKeys.previewContainer)/\(blob)"),
                        pending: queued)
                }
            }
        }
        if options.deep {
            for finding in try await deepCheck(intact) { note(finding, pending: false) }
            report.mastersHashed = intact.count
        }

        for file in local.files {
            let subject = file.library + "/" + file.path
            let row = cloud.rows[CloudInventory.rowKey(device: device, library: file.library, path: file.path)]
            let queued = local.pendingFiles.contains(file.id)
            if file.present { report.rowsChecked += 1 }
            guard let row else {
                if file.present {
                    note(VerifyFinding(.rowMissing, subject, detail: "no files row"), pending: queued, fileId: file.id)
                }
                continue
            }
            var differences: [String] = []
            if file.present {
                if row["sha256"]?.string != file.sha256 {
                    differences.append("sha256 \(row["sha256"]?.string ?? "none"), expected \(file.sha256)")
                }
                if row["size"]?.int64 != file.size {
                    differences.append("size \(row["size"]?.int64.map(String.init) ?? "none"), expected \(file.size)")
                }
            }
            if (row["deleted"]?.bool ?? false) == file.present {
                differences.append("deleted \(row["deleted"]?.bool ?? false), expected \(!file.present)")
            }
            if !differences.isEmpty {
                note(
                    VerifyFinding(.rowStale, subject, detail: differences.joined(separator: "; ")), pending: queued,
                    fileId: file.id)
            }
        }

        var referenced = Set(local.files.map(\.sha256)).union(local.contents.keys).union(cloud.rowContents)
        referenced.formUnion(cloud.references.keys)
        referenced.formUnion(local.pending.filter { $0.kind == .master }.map(\.target))
        for name in cloud.masters.keys.sorted() where !referenced.contains(name) {
            note(
                VerifyFinding(
                    .orphanMaster, name,
                    detail:
                        "no catalog file, queued upload, or any device's files, history or refs row has this content"),
                pending: false)
        }
        for name in cloud.renditions.sorted() {
            let sha = CloudKeys.renditionContent(blob: name)
            if !referenced.contains(sha) {
                note(
                    VerifyFinding(.orphanRendition, name, detail: "rendition of content nothing references"),
                    pending: false)
            }
        }

        // A reference, of any device, to a master that is not there. This device's own are repaired by
        // queueing the upload again (when a present file still holds the content).
        report.referencesChecked = cloud.references.values.reduce(0) { $0 + $1.count }
        for (sha, references) in cloud.references.sorted(by: { $0.key < $1.key }) where cloud.masters[sha] == nil {
            // This device's references to content a present file holds are `masterMissing` already.
            for reference in references.sorted(by: { $0.rowKey < $1.rowKey })
            where !(device.owns(reference.rowKey) && local.contents[sha]?.live == true) {
                let holder =
                    (reference["device"]?.string ?? "?") + ":" + (reference["library"]?.string ?? "?") + "/"
                    + (reference["path"]?.string ?? "?")
                let queued = local.pending.contains(OutboxTarget(.master, sha))
                note(
                    VerifyFinding(
                        .referenceBroken, sha,
                        detail: "\(holder) references it; no blob \(CloudKeys.masterContainer)/\(sha)"),
                    pending: queued)
            }
        }

        for (finding, pending) in try checkProtection(cloud: cloud, local: local, report: &report) {
            note(finding, pending: pending)
        }

        for (finding, pending, fileId) in found {
            if pending {
                report.pending.append(finding)
            } else {
                report.findings.append(options.repair ? try await repair(finding, fileId: fileId) : finding)
            }
        }
        return report
    }

    /// Lists every master's immutability policy in the report and, with immutability configured, flags each
    /// master a path or kept version references whose policy is missing, ended, or about to end with no
    /// extension queued. A master without a policy whose upload or extension is queued is pending.
    private func checkProtection(cloud: CloudInventory, local: CatalogInventory, report: inout VerifyReport) throws
        -> [(VerifyFinding, pending: Bool)]
    {
        let now = options.clock()
        let referenced = try catalog.referencedMasters()
        var found: [(VerifyFinding, pending: Bool)] = []
        for (sha, blob) in cloud.masters.sorted(by: { $0.key < $1.key }) {
            let policy = blob.immutabilityPolicy
            let active = (policy?.until).map { $0 > now } ?? false
            report.protection.append(
                MasterProtectionState(
                    sha256: sha, until: policy.map { OutboxTime.format($0.until) }, mode: policy?.mode.rawValue,
                    active: active, referenced: referenced.contains(sha)))
            guard let immutability = options.immutability, referenced.contains(sha) else { continue }
            let queued =
                local.pending.contains(OutboxTarget(.protect, sha)) || local.pending.contains(OutboxTarget(.master, sha))
            if !active {
                let detail = policy.map { "its immutability policy ended \(OutboxTime.format($0.until))" }
                    ?? "no immutability policy"
                found.append((VerifyFinding(.protectionMissing, sha, detail: detail), queued))
            } else if let until = policy?.until, until.timeIntervalSince(now) < immutability.renewalMargin.seconds / 2 {
                found.append(
                    (
                        VerifyFinding(
                            .protectionLapsing, sha,
                            detail: "its immutability policy ends \(OutboxTime.format(until)) and no extension is queued"),
                        queued
                    ))
            }
        }
        return found
    }

    /// Downloads the masters whose size and MD5 look right and hashes them.
    private func deepCheck(_ contents: [CatalogInventory.Content]) async throws -> [VerifyFinding] {
        let folder = options.scratch + "/ironviper-verify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await withThrowingTaskGroup(of: VerifyFinding?.self) { group in
            var findings: [VerifyFinding] = []
            var next = contents.makeIterator()
            func add() {
                guard let content = next.next() else { return }
                group.addTask { try await self.hash(content, folder: folder) }
            }
            for _ in 0..<max(1, options.concurrency) { add() }
            while let result = try await group.next() {
                if let result { findings.append(result) }
                add()
            }
            return findings.sorted { $0.subject < $1.subject }
        }
    }

    private func hash(_ content: CatalogInventory.Content, folder: String) async throws -> VerifyFinding? {
        let path = folder + "/" + content.sha256
        defer { unlink(path) }
        do {
            try await storage.blobs.download(
                container: CloudKeys.masterContainer, name: content.sha256, to: path, check: .sha256(content.sha256))
            return nil
        } catch let error as AzureStorageError where error.code == .integrity {
            return VerifyFinding(.masterCorrupt, content.sha256, detail: error.detail ?? "\(error)")
        }
    }
}
