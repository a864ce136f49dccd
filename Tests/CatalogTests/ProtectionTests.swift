import Catalog
import Foundation
import GRDB
import Ingest
import Logging
import Testing

/// The catalog's side of immutable masters: the protection the service reported is recorded with the upload and
/// never moved earlier, and extensions are queued only for uploaded masters still referenced, once each.
@Suite("Master protection")
struct ProtectionTests {
    let scratch: ScratchCatalog
    let photos: String

    init() throws {
        scratch = try ScratchCatalog()
        photos = try scratch.makeFolder("Photos")
    }

    private func scan() throws {
        _ = try LibraryScanner(catalog: scratch.catalog, previews: scratch.previews, logger: Logger(label: "test.protect"))
            .scan(roots: [photos])
    }

    /// Runs every due row as a successful worker would: masters protected until `until` (none when nil), deletes
    /// followed by the purge `mirror` queues.
    private func work(_ outbox: Outbox, protectedUntil until: Date?) throws {
        while true {
            let due = try outbox.due(limit: 100, excluding: [])
            if due.isEmpty { return }
            for row in due {
                switch row.work {
                case .master, .protect:
                    guard let until else {
                        try outbox.done(row)
                        continue
                    }
                    try outbox.done(
                        row,
                        followUps: [.protected(MasterProtection(sha256: row.target, until: until, mode: "Locked", versionID: "v-\(row.target.prefix(6))"))])
                case .delete(let version):
                    try outbox.done(row, followUps: [.purge(version, notBefore: .distantFuture)])
                default:
                    try outbox.done(row)
                }
            }
        }
    }

    @Test func protectionIsRecordedNeverShortenedAndRenewedOnlyWhileReferenced() throws {
        let catalog = scratch.catalog
        #expect(FileManager.default.createFile(atPath: photos + "/kept.bin", contents: Data("kept".utf8)))
        #expect(FileManager.default.createFile(atPath: photos + "/gone.bin", contents: Data("gone".utf8)))
        try scan()
        let outbox = Outbox(catalog: catalog)
        let now = Date()
        try work(outbox, protectedUntil: now.addingTimeInterval(100))
        let protections = try catalog.protections()
        #expect(protections.count == 2)
        let kept = try #require(protections[shaOf("kept")])
        #expect(abs(kept.until.timeIntervalSince(now.addingTimeInterval(100))) < 0.01)
        #expect(kept.mode == "Locked" && kept.versionID == "v-\(kept.sha256.prefix(6))")

        // Not due yet: nothing queued. Due: one row per master, and not again while it is queued.
        #expect(try catalog.queueProtectionRenewals(renewBefore: now.addingTimeInterval(50), limit: 10) == 0)
        #expect(try catalog.queueProtectionRenewals(renewBefore: now.addingTimeInterval(200), limit: 10) == 2)
        #expect(try catalog.queueProtectionRenewals(renewBefore: now.addingTimeInterval(200), limit: 10) == 0)
        let queued = try outbox.due(limit: 10, excluding: [])
        #expect(Set(queued.map(\.kind)) == [.protect])
        #expect(queued.contains { $0.work == .protect(ProtectedMaster(sha256: kept.sha256, versionID: kept.versionID)) })

        // A late answer with an earlier date never moves the recorded one back.
        try outbox.done(
            queued[0],
            followUps: [.protected(MasterProtection(sha256: queued[0].target, until: now, mode: "Locked", versionID: nil))])
        #expect(try catalog.protection(sha256: queued[0].target)?.until == protections[queued[0].target]?.until)
        try work(outbox, protectedUntil: now.addingTimeInterval(300))  // the other extension is answered
        #expect(try catalog.protection(sha256: queued[1].target)?.until == OutboxTime.parse(OutboxTime.format(now.addingTimeInterval(300))))

        // The gone path's purge releases its master (mirror): only the kept one is extended from now on, and
        // verify's list of masters that must stay protected says the same.
        try FileManager.default.removeItem(atPath: photos + "/gone.bin")
        try scan()
        try work(outbox, protectedUntil: now.addingTimeInterval(300))
        #expect(try catalog.queueProtectionRenewals(renewBefore: now.addingTimeInterval(1000), limit: 10) == 1)
        #expect(try outbox.due(limit: 10, excluding: []).map(\.target) == [kept.sha256])
        #expect(try catalog.referencedMasters() == [kept.sha256])
    }

    @Test func aMasterUploadedBeforeImmutabilityIsQueuedOnceAndVerifyCanRequeueIt() throws {
        let catalog = scratch.catalog
        #expect(FileManager.default.createFile(atPath: photos + "/old.bin", contents: Data("old".utf8)))
        try scan()
        let outbox = Outbox(catalog: catalog)
        try work(outbox, protectedUntil: nil)  // uploaded, no policy
        #expect(try catalog.protections().isEmpty)
        #expect(try catalog.queueProtectionRenewals(renewBefore: Date(), limit: 10) == 1)
        let row = try #require(try outbox.due(limit: 10, excluding: []).first)
        #expect(row.work == .protect(ProtectedMaster(sha256: shaOf("old"), versionID: nil)))
        #expect(try !catalog.requeueProtection(sha256: shaOf("old")))  // one is queued already
        try outbox.done(row)
        #expect(try catalog.requeueProtection(sha256: shaOf("old")))
    }

    private func shaOf(_ text: String) -> String {
        Array(text.utf8).withUnsafeBytes { ContentHasher.digest(of: $0).sha256 }
    }
}
