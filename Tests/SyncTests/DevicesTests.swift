import AzureStorage
import Catalog
import Foundation
import Sync
import Testing

/// Several machines, one account (issue 19): rows keyed per device, references every device respects,
/// and rows from before devices moved without uploading anything.
@Suite("Devices")
struct DevicesTests {
    static func mirror(_ options: inout SyncOptions) {
        options.deletes = .mirror
        options.masterTier = .hot  // no minimum retention: the purge may run at once
        options.mirrorRetention = .zero
    }

    /// Two machines with the same library name and the same camera file names: neither's rows touch
    /// the other's, each restores its own bytes, and the shared content is stored once with two references.
    @Test func twoDevicesWithTheSameNamesNeverShareARow() async throws {
        try await SyncBed.with { nas in
            let laptop = try nas.sibling(device: "laptop")
            try nas.write("DCIM/IMG_0001.JPG", try SyncBed.jpeg(1))
            try laptop.write("DCIM/IMG_0001.JPG", try SyncBed.jpeg(2))
            try nas.write("shared.jpg", try SyncBed.jpeg(3))
            try laptop.write("copy/shared.jpg", try SyncBed.jpeg(3))
            try nas.scan()
            try laptop.scan()
            #expect(nas.library == laptop.library)
            for bed in [nas, laptop] {
                let report = try await bed.engine().drain()
                #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
            }
            for bed in [nas, laptop] {
                let row = try #require(
                    try await nas.storage.tables.get(
                        partitionKey: bed.filesPartition, rowKey: "DCIM%2FIMG_0001.JPG", from: "files"))
                #expect(row["sha256"] == .string(try bed.asset("DCIM/IMG_0001.JPG").sha256))
                #expect(row["device"] == .string(bed.device.device))
                let items = try await RestorePlanner(storage: nas.storage, device: bed.device).plan(RestoreSelection())
                let camera = try #require(items.first { $0.path == "DCIM/IMG_0001.JPG" })
                #expect(camera.sha256 == (try bed.asset("DCIM/IMG_0001.JPG").sha256))
                #expect(items.count == 2)
            }
            let shared = try nas.asset("shared.jpg").sha256
            let references = try await nas.storage.tables.queryAll("refs", filter: "PartitionKey eq '\(shared)'")
            #expect(
                Set(references.map(\.rowKey)) == [
                    "bed-device%2FPhotos%2Fshared.jpg", "laptop%2FPhotos%2Fcopy%2Fshared.jpg",
                ])
            let listing = try await DeviceDirectory(storage: nas.storage).list()
            #expect(listing.devices.map(\.name) == ["bed-device", "laptop"])
            #expect(listing.devices.allSatisfy { $0.libraries.map(\.name) == ["Photos"] })
            #expect(listing.legacyRows == 0)
            let masters = try await nas.storage.blobs.allBlobs(container: "file-store")
            #expect(masters.count == 3)  // the shared content once
        }
    }

    /// `mirror` on one machine never removes a master another machine references; deleted on both, it goes.
    @Test func aMirrorPurgeKeepsWhatAnotherDeviceReferences() async throws {
        try await SyncBed.with { keeper in
            let mirror = try keeper.sibling(device: "mirror")
            try keeper.write("kept.jpg", try SyncBed.jpeg(10))
            try mirror.write("gone.jpg", try SyncBed.jpeg(10))
            try keeper.scan()
            try mirror.scan()
            try await keeper.engine(Self.mirror).drain()
            try await mirror.engine(Self.mirror).drain()
            let sha = try keeper.asset("kept.jpg").sha256

            try FileManager.default.removeItem(atPath: mirror.photos + "/gone.jpg")
            try mirror.scan()
            var report = try await mirror.engine(Self.mirror).drain()
            #expect(report.depth == 0 && report.parked.isEmpty && report.scheduledPurges == 0, "\(report)")
            #expect(try await keeper.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
            let previews = try await keeper.storage.blobs.allBlobs(container: "pv-store", prefix: sha + "/")
            #expect(previews.count == (try keeper.renditionBlobs(of: sha)) && previews.count > 1)
            var references = try await keeper.storage.tables.queryAll("refs", filter: "PartitionKey eq '\(sha)'")
            #expect(references.map { $0["device"] } == [.string(keeper.device.device)])
            #expect(
                try await keeper.storage.tables.get(
                    partitionKey: mirror.filesPartition, rowKey: "gone.jpg", from: "files") == nil)

            // Deleted on the keeper too (also mirror): no reference is left, so the content goes.
            try FileManager.default.removeItem(atPath: keeper.photos + "/kept.jpg")
            try keeper.scan()
            report = try await keeper.engine(Self.mirror).drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
            #expect(try await keeper.storage.blobs.propertiesIfExists(container: "file-store", name: sha) == nil)
            #expect(try await keeper.storage.blobs.allBlobs(container: "pv-store", prefix: sha + "/").isEmpty)
            references = try await keeper.storage.tables.queryAll("refs", filter: "PartitionKey eq '\(sha)'")
            #expect(references.isEmpty)
        }
    }

    /// A content the first machine backed up, a purge marker of device `purger` on it, and the second
    /// machine holding the same content (scanned, not synced). Returns the content's SHA-256.
    static func markedContent(_ first: SyncBed, _ second: SyncBed, seed: UInt32, purger: String) async throws -> String
    {
        try first.write("a.jpg", try SyncBed.jpeg(seed))
        try first.scan()
        try await first.engine().drain()
        let sha = try first.asset("a.jpg").sha256
        var marker = TableEntity(partitionKey: sha, rowKey: CloudKeys.purgeMarker)
        marker["device"] = .string(purger)
        _ = try await first.storage.tables.upsert(marker, in: "refs")
        try second.write("b.jpg", try SyncBed.jpeg(seed))
        try second.scan()
        return sha
    }

    /// The race: while another device's purge marker is on a content, a device that finds the master
    /// present does not count on it; once the purge is over it finds it absent and uploads it again.
    @Test func aPurgeInProgressMakesAReferencingDeviceWaitThenUploadAgain() async throws {
        try await SyncBed.with { first in
            let second = try first.sibling(device: "second")
            let sha = try await Self.markedContent(first, second, seed: 20, purger: "purger")
            // Rows run until none is due: the master is postponed by a minute (its retry delay), not failed.
            let engine = second.engine { $0.retryDelay = .seconds(60) }
            while try await engine.pass() > 0 {}
            let waiting = try Outbox(catalog: second.catalog).outstanding()
            #expect(waiting.count > 0 && waiting.nextDue != nil)
            let references = try await first.storage.tables.queryAll("refs", filter: "PartitionKey eq '\(sha)'")
            #expect(references.contains { $0["device"] == .string("second") })  // written before it waited

            // The purger finished: master and renditions deleted, then its marker.
            _ = try await first.storage.blobs.delete(container: "file-store", name: sha)
            for blob in try await first.storage.blobs.allBlobs(container: "pv-store", prefix: sha + "/") {
                _ = try await first.storage.blobs.delete(container: "pv-store", name: blob.name)
            }
            _ = try await first.storage.tables.delete(partitionKey: sha, rowKey: CloudKeys.purgeMarker, from: "refs")
            second.clock.advance(days: 1.0 / 1440)  // its minute is up
            let report = try await engine.drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
            #expect(try await first.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
            #expect(
                try await first.storage.blobs.allBlobs(container: "pv-store", prefix: sha + "/").count
                    == (try first.renditionBlobs(of: sha)))
        }
    }

    /// A marker left by a purge that crashed does not hold other devices up past its lifetime.
    @Test func aStaleMarkerIsIgnored() async throws {
        try await SyncBed.with { first in
            let second = try first.sibling(device: "second")
            _ = try await Self.markedContent(first, second, seed: 21, purger: "crashed")
            second.clock.advance(days: 1)  // the marker is a day old on this device's clock
            let report = try await second.engine().drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
        }
    }

    /// Rows written before devices existed move to a device's keys with their references, and a rename
    /// moves them again; no master is uploaded again, restore and verify see the moved rows.
    @Test func legacyRowsAreAdoptedAndADeviceRenamedWithoutUploads() async throws {
        try await SyncBed.with { bed in
            try bed.write("2024/a.jpg", try SyncBed.jpeg(30))
            try bed.write("2024/b.jpg", try SyncBed.jpeg(31))
            try bed.scan()
            try await bed.engine().drain()
            let before = try await bed.storage.blobs.allBlobs(container: "file-store").map { $0.properties.etag }
            // What a version without devices wrote: the same rows under keys without the device.
            for table in ["files", "folders", "history"] {
                for row in try await bed.storage.tables.queryAll(table) {
                    var legacy = TableEntity(
                        partitionKey: String(row.partitionKey.dropFirst(bed.device.prefix.count)), rowKey: row.rowKey,
                        properties: row.properties)
                    legacy["device"] = nil
                    if table == "files" { legacy["library"] = nil }
                    _ = try await bed.storage.tables.upsert(legacy, in: table)
                    _ = try await bed.storage.tables.delete(
                        partitionKey: row.partitionKey, rowKey: row.rowKey, from: table)
                }
            }
            for row in try await bed.storage.tables.queryAll("refs") {
                _ = try await bed.storage.tables.delete(
                    partitionKey: row.partitionKey, rowKey: row.rowKey, from: "refs")
            }
            #expect(try await DeviceDirectory(storage: bed.storage).list().legacyRows == 2)
            #expect(try await RestorePlanner(storage: bed.storage, device: bed.device).plan(RestoreSelection()).isEmpty)

            let migration = KeyMigration(storage: bed.storage)
            // Another machine's library name: not this device's rows, nothing moves.
            var report = try await migration.run(from: .legacy(libraries: ["Camera roll"]), to: bed.device)
            #expect(report == KeyMigration.Report())
            report = try await migration.run(from: .legacy(libraries: [bed.library]), to: bed.device)
            #expect(report.files == 2 && report.folders == 1 && report.history == 2 && report.references == 4)
            report = try await migration.run(from: .legacy(libraries: nil), to: bed.device)  // nothing left
            #expect(report == KeyMigration.Report())
            #expect(
                try await RestorePlanner(storage: bed.storage, device: bed.device).plan(RestoreSelection()).count == 2)
            var options = VerifyOptions()
            options.scratch = bed.folder
            let verified = try await Verifier(
                catalog: bed.catalog, storage: bed.storage, device: bed.device, options: options
            ).run()
            #expect(verified.isClean, "\(verified.findings)")

            let renamed = DeviceKeys(device: "renamed")
            report = try await migration.run(from: .device(bed.device), to: renamed)
            #expect(report.files == 2 && report.folders == 1 && report.history == 2 && report.references == 2)
            #expect(try await RestorePlanner(storage: bed.storage, device: bed.device).plan(RestoreSelection()).isEmpty)
            #expect(try await RestorePlanner(storage: bed.storage, device: renamed).plan(RestoreSelection()).count == 2)
            let references = try await bed.storage.tables.queryAll("refs")
            #expect(references.allSatisfy { renamed.owns($0.rowKey) && $0["device"] == .string("renamed") })
            let after = try await bed.storage.blobs.allBlobs(container: "file-store").map { $0.properties.etag }
            #expect(after == before)  // nothing uploaded again
        }
    }

    /// Verify across devices: a master only another device references is not an orphan; another device's
    /// reference to a master that is gone is reported.
    @Test func verifyRespectsOtherDevicesReferences() async throws {
        try await SyncBed.with { mine in
            let theirs = try mine.sibling(device: "theirs")
            try theirs.write("only-theirs.jpg", try SyncBed.jpeg(40))
            try theirs.write("lost.jpg", try SyncBed.jpeg(41))
            try theirs.scan()
            try await theirs.engine().drain()
            try mine.write("mine.jpg", try SyncBed.jpeg(42))
            try mine.scan()
            try await mine.engine().drain()
            let lost = try theirs.asset("lost.jpg").sha256
            _ = try await mine.storage.blobs.delete(container: "file-store", name: lost)

            var options = VerifyOptions()
            options.scratch = mine.folder
            let report = try await Verifier(
                catalog: mine.catalog, storage: mine.storage, device: mine.device, options: options
            ).run()
            #expect(report.findings.map(\.kind) == [.referenceBroken], "\(report.findings)")
            #expect(report.findings.first?.subject == lost)
            #expect(report.findings.first?.detail.contains("theirs:Photos/lost.jpg") == true)
            #expect(report.referencesChecked == 3)
        }
    }

    /// A path taking up a content while a purge of it is queued or running gets a master row of its own:
    /// that row looks at the blob after the path's reference, and uploads it again if the purge took it.
    @Test func contentTakenUpWhileItsPurgeIsPendingIsQueuedAgain() async throws {
        try await SyncBed.with { bed in
            let waitADay: (inout SyncOptions) -> Void = { options in
                Self.mirror(&options)
                options.mirrorRetention = .seconds(86_400)
            }
            try bed.write("old.bin", Array(repeating: 7, count: 5000))
            try bed.scan()
            try await bed.engine(waitADay).drain()
            let sha = try bed.asset("old.bin").sha256
            try FileManager.default.removeItem(atPath: bed.photos + "/old.bin")
            try bed.scan()
            var report = try await bed.engine(waitADay).drain()
            #expect(report.scheduledPurges == 1, "\(report)")
            let mastersBefore = try bed.outboxCount(.master)
            try bed.write("new.bin", Array(repeating: 7, count: 5000))  // the same content, its purge pending
            try bed.scan()
            #expect(try bed.outboxCount(.master) == mastersBefore + 1)
            bed.clock.advance(days: 2)
            report = try await bed.engine(waitADay).drain()
            #expect(report.depth == 0 && report.parked.isEmpty && report.scheduledPurges == 0, "\(report)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
            let references = try await bed.storage.tables.queryAll("refs", filter: "PartitionKey eq '\(sha)'")
            #expect(references.contains { $0["path"] == .string("new.bin") })
        }
    }

    /// Found by the two-machine chaos: a file took up a content while that content's only upload was
    /// finding no copy (and so ended superseded). The file gets a master row of its own, and the content
    /// goes up.
    @Test func contentTakenUpWhileItsUploadIsSupersededGoesUpAnyway() async throws {
        try await SyncBed.with { bed in
            try bed.write("first.bin", Array(repeating: 9, count: 4000))
            try bed.scan()
            let outbox = Outbox(catalog: bed.catalog)
            // Its reference first (the master waits for it), marked done as if written.
            for row in try outbox.due(limit: 100, excluding: []) where row.kind == .reference { try outbox.done(row) }
            let master = try #require(try outbox.due(limit: 100, excluding: []).first { $0.kind == .master })
            try bed.write("second.bin", Array(repeating: 9, count: 4000))
            try bed.scan()  // the master row is still in flight: no second one is queued
            #expect(try bed.outboxCount(.master) == 1)
            try outbox.done(master, followUps: [.superseded])  // as if it found no copy a moment ago
            #expect(try bed.outboxCount(.master) == 2)
            let report = try await bed.engine().drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
            let sha = try bed.asset("second.bin").sha256
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
        }
    }
}
