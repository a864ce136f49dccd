import AzureStorage
import Catalog
import Foundation
import GRDB
import StorageEmulator
import Sync
import Testing

/// Immutable masters through the real engine and the in-process emulator with version-level immutability on:
/// uploaded under a Locked policy recorded in the catalog, extended once less than a third of the period is left
/// while a path references them, no longer once their path is gone, and a purge waits for the policy's end (the
/// catalog's date, or the date the blob carries when another device protected it) instead of being refused.
@Suite struct SyncProtectionTests {
    static let worm = ["devstoreaccount1": AccountFeatures(blob: BlobFeatures(versioning: true, versionLevelImmutability: true))]

    private func purgeNotBefore(_ bed: SyncBed, _ sha: String) throws -> (notBefore: Date?, attempts: Int, parked: Bool)? {
        try bed.catalog.read { db in
            try Row.fetchOne(
                db, sql: "SELECT not_before, attempts, parked_at FROM outbox WHERE kind = 'purge' AND target = ? AND done_at IS NULL",
                arguments: [sha]
            ).map { (OutboxTime.parse($0["not_before"]), $0["attempts"], ($0["parked_at"] as String?) != nil) }
        }
    }

    @Test func mastersAreProtectedExtendedWhileReferencedAndTheirPurgeWaitsForThePolicy() async throws {
        try await SyncBed.with(features: Self.worm) { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(1))
            try bed.write("b.jpg", try SyncBed.jpeg(2))
            try bed.scan()
            let engine = bed.engine {
                $0.immutability = MasterImmutability(period: .seconds(3600))
                $0.deletes = .mirror
                $0.masterTier = .hot
                $0.mirrorRetention = .zero
            }
            try await engine.drain()
            let a = try bed.asset("a.jpg").sha256
            let b = try bed.asset("b.jpg").sha256
            let first = try bed.catalog.protections()
            for sha in [a, b] {
                let recorded = try #require(first[sha])
                let blob = try await bed.storage.blobs.properties(container: CloudKeys.masterContainer, name: sha)
                #expect(blob.immutabilityPolicy == ImmutabilityPolicy(until: recorded.until, mode: .locked))
                #expect(recorded.versionID != nil && recorded.versionID == blob.versionID)
                #expect(abs(recorded.until.timeIntervalSince(bed.clock.now().addingTimeInterval(3600))) < 120)
            }

            // Two thirds of the period later less than a third is left: the next pass extends both, never shorter.
            bed.clock.advance(days: 2500.0 / 86_400)
            try await engine.drain()
            let second = try bed.catalog.protections()
            for sha in [a, b] {
                let until = try #require(second[sha]?.until)
                #expect(until > first[sha]!.until.addingTimeInterval(2000))
                let blob = try await bed.storage.blobs.properties(container: CloudKeys.masterContainer, name: sha)
                #expect(blob.immutabilityPolicy?.until == until && blob.immutabilityPolicy?.mode == .locked)
            }

            // b's path goes: its purge waits for the policy's end (not refused, not parked), and b is no longer
            // extended while a still is.
            try FileManager.default.removeItem(atPath: bed.photos + "/b.jpg")
            try bed.scan()
            try await engine.drain()
            let waiting = try #require(try purgeNotBefore(bed, b))
            #expect(waiting.notBefore == second[b]!.until.addingTimeInterval(1))
            #expect(waiting.attempts == 0 && !waiting.parked)
            #expect(try await bed.storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: b) != nil)
            bed.clock.advance(days: 2500.0 / 86_400)
            try await engine.drain()
            let third = try bed.catalog.protections()
            #expect(third[a]!.until > second[a]!.until)
            #expect(third[b]!.until == second[b]!.until)
        }
    }

    @Test func aPurgeOfAMasterAnotherDeviceProtectedWaitsForTheBlobsOwnDate() async throws {
        try await SyncBed.with(features: Self.worm) { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(3))
            try bed.scan()
            let engine = bed.engine {
                $0.deletes = .mirror
                $0.masterTier = .hot
                $0.mirrorRetention = .zero
            }
            try await engine.drain()
            let a = try bed.asset("a.jpg").sha256
            #expect(try bed.catalog.protection(sha256: a) == nil)  // this device does not protect
            let theirs = ImmutabilityPolicy(until: Date().addingTimeInterval(3600), mode: .locked)
            try await bed.storage.blobs.setImmutabilityPolicy(
                container: CloudKeys.masterContainer, name: a, policy: theirs)
            try FileManager.default.removeItem(atPath: bed.photos + "/a.jpg")
            try bed.scan()
            try await engine.drain()
            let waiting = try #require(try purgeNotBefore(bed, a))
            #expect(waiting.notBefore == theirs.until.addingTimeInterval(1))
            #expect(waiting.attempts == 0 && !waiting.parked)
            #expect(try await bed.storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: a) != nil)
        }
    }

    @Test func verifyListsEachMastersProtectionAndFlagsAMissingOrLapsingOne() async throws {
        try await SyncBed.with(features: Self.worm) { bed in
            try bed.write("old.jpg", try SyncBed.jpeg(4))
            try bed.write("new.jpg", try SyncBed.jpeg(5))
            try bed.scan()
            try await bed.engine { $0.masterTier = .hot }.drain()  // uploaded before immutability was switched on
            let old = try bed.asset("old.jpg").sha256
            let new = try bed.asset("new.jpg").sha256
            let policy = ImmutabilityPolicy(until: Date().addingTimeInterval(3600), mode: .locked)
            try await bed.storage.blobs.setImmutabilityPolicy(container: CloudKeys.masterContainer, name: new, policy: policy)

            func verify(at now: Date, repair: Bool = false) async throws -> VerifyReport {
                var options = VerifyOptions()
                options.immutability = MasterImmutability(period: .seconds(3600))
                options.clock = { now }
                options.repair = repair
                return try await Verifier(catalog: bed.catalog, storage: bed.storage, device: bed.device, options: options)
                    .run()
            }
            let report = try await verify(at: Date())
            let listed = Dictionary(uniqueKeysWithValues: report.protection.map { ($0.sha256, $0) })
            #expect(listed[new]?.active == true && listed[new]?.mode == "Locked" && listed[new]?.referenced == true)
            #expect(listed[new]?.until == OutboxTime.format(policy.until))
            #expect(listed[old]?.active == false && listed[old]?.until == nil)
            #expect(report.findings.map(\.kind) == [.protectionMissing])
            #expect(report.findings.first?.subject == old)

            // Less than half the renewal margin (a sixth of the period) left and nothing queued: about to lapse.
            let late = try await verify(at: policy.until.addingTimeInterval(-500), repair: true)
            #expect(Set(late.findings.map(\.kind)) == [.protectionMissing, .protectionLapsing])
            #expect(late.findings.allSatisfy { $0.repair == "extension queued" })
            let queued = try Outbox(catalog: bed.catalog).due(limit: 10, excluding: []).filter { $0.kind == .protect }
            #expect(Set(queued.map(\.target)) == [old, new])
            // With the extensions queued, the same look lists them as pending, not as problems.
            let pending = try await verify(at: policy.until.addingTimeInterval(-500))
            #expect(pending.findings.isEmpty && pending.pending.count == 2)
        }
    }

    @Test func withoutImmutabilityOnTheAccountAProtectedUploadIsParkedWithWhatToDo() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(6))
            try bed.scan()
            let status = try await bed.engine { $0.immutability = MasterImmutability(period: .seconds(3600)) }.drain()
            let parked = try #require(status.parked.first { $0.kind == OutboxKind.master.rawValue })
            #expect(parked.attempts == 1)  // permanent: parked at once, not retried eight times
            #expect(parked.lastError?.contains("BlobOperationNotSupported") == true)
            #expect(parked.lastError?.contains("no version-level immutability") == true)
        }
    }
}
