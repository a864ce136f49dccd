import AzureStorage
import Catalog
import Foundation
import Sync
import Testing

/// The two delete policies: `keep` marks the entity and keeps the master; `mirror` removes content
/// no other file references, and only after the retention period.
@Suite("Sync deletes")
struct SyncDeleteTests {
    @Test func keepMarksTheEntityDeletedAndKeepsTheMaster() async throws {
        try await SyncBed.with { bed in
            try bed.write("a/gone.jpg", try SyncBed.jpeg(20))
            try bed.scan()
            try await bed.engine().drain()
            let sha = try bed.asset("a/gone.jpg").sha256
            try FileManager.default.moveItem(atPath: bed.photos + "/a/gone.jpg", toPath: bed.folder + "/gone.jpg")
            try bed.scan()
            #expect(try bed.outboxCount(.delete) == 1)
            let report = try await bed.engine().drain()
            #expect(report.depth == 0 && report.scheduledPurges == 0, "\(report)")

            let entity = try #require(
                try await bed.storage.tables.get(partitionKey: bed.filesPartition, rowKey: "a%2Fgone.jpg", from: "files"))
            #expect(entity["deleted"] == .bool(true))
            #expect(entity["deletedAt"] != nil)
            #expect(entity["sha256"] == .string(sha))  // the rest of the row stays
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
            #expect(try bed.outboxCount(.purge) == 0)

            // Back unchanged (same inode and mtime, so not even re-read): undeleted in the cloud.
            try FileManager.default.moveItem(atPath: bed.folder + "/gone.jpg", toPath: bed.photos + "/a/gone.jpg")
            try bed.scan()
            #expect(try await bed.engine().drain().depth == 0)
            let back = try #require(
                try await bed.storage.tables.get(partitionKey: bed.filesPartition, rowKey: "a%2Fgone.jpg", from: "files"))
            #expect(back["deleted"] == .bool(false))
        }
    }

    @Test func mirrorRemovesUnreferencedContentAfterTheRetention() async throws {
        try await SyncBed.with { bed in
            try bed.write("only.jpg", try SyncBed.jpeg(30))
            try bed.write("one/dup.jpg", try SyncBed.jpeg(31))
            try bed.write("two/dup.jpg", try SyncBed.jpeg(31))
            try bed.scan()
            let mirror: (inout SyncOptions) -> Void = {
                $0.deletes = .mirror
                $0.masterTier = .cool
                $0.mirrorRetention = .seconds(86_400)  // less than Cool's 30 days: the tier's minimum wins
            }
            try await bed.engine(mirror).drain()
            let only = try bed.asset("only.jpg").sha256
            let dup = try bed.asset("one/dup.jpg").sha256
            try FileManager.default.removeItem(atPath: bed.photos + "/only.jpg")
            try FileManager.default.removeItem(atPath: bed.photos + "/one/dup.jpg")
            try bed.scan()

            var report = try await bed.engine(mirror).drain()
            #expect(report.scheduledPurges == 2 && report.depth == 0, "\(report)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: only) != nil)

            bed.clock.advance(days: 10)  // past the configured day, not past Cool's minimum
            report = try await bed.engine(mirror).drain()
            #expect(report.scheduledPurges == 2, "\(report)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: only) != nil)

            bed.clock.advance(days: 21)
            report = try await bed.engine(mirror).drain()
            #expect(report.scheduledPurges == 0 && report.depth == 0 && report.parked.isEmpty, "\(report)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: only) == nil)
            let previews = try await bed.storage.blobs.allBlobs(container: "pv-store").map(\.name)
            #expect(!previews.contains { $0.hasPrefix(only) })
            #expect(previews.contains { $0.hasPrefix(dup) })
            #expect(try await bed.storage.tables.get(partitionKey: bed.filesPartition, rowKey: "only.jpg", from: "files") == nil)
            // Still referenced by two/dup.jpg: kept, with its entity.
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: dup) != nil)
            #expect(
                try await bed.storage.tables.get(partitionKey: bed.filesPartition, rowKey: "two%2Fdup.jpg", from: "files")?[
                    "deleted"] == .bool(false))

            // The purged content coming back is uploaded again.
            try bed.write("back.jpg", try SyncBed.jpeg(30))
            try bed.scan()
            report = try await bed.engine(mirror).drain()
            #expect(report.parked.isEmpty, "\(report)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: only) != nil)
        }
    }
}
