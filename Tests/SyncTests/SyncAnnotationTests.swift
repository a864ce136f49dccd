import AzureStorage
import Catalog
import Foundation
import Sync
import Testing

/// Tags and a rating set in the gallery reach the `files` row of every path holding the content, through
/// the outbox, and leave it again when cleared (a present row is replaced whole).
@Suite("Sync annotations")
struct SyncAnnotationTests {
    @Test func tagsAndRatingReachEveryPathsRow() async throws {
        try await SyncBed.with { bed in
            try bed.write("2024/a.jpg", try SyncBed.jpeg(1))
            try bed.write("copy of a.jpg", try SyncBed.jpeg(1))
            try bed.scan()
            _ = try await bed.engine().drain()
            let files = try bed.catalog.files(libraryId: try #require(try bed.catalog.libraries().first?.id))
            let id = try #require(files["2024/a.jpg"]?.id)

            let entities = try bed.outboxCount(.entity)
            try bed.catalog.annotate(fileId: id, addTags: ["rome", "Family"], rating: .some(4))
            #expect(try bed.outboxCount(.entity) == entities + 2)  // one fresh entity per path holding the content
            _ = try await bed.engine().drain()
            var rows = try await bed.storage.tables.queryAll("files")
            for key in ["2024%2Fa.jpg", "copy of a.jpg"] {
                let row = try #require(rows.first { $0.rowKey == key })
                #expect(row["tags"] == .string("Family,rome"))
                #expect(row["rating"] == .int32(4))
            }

            try bed.catalog.annotate(fileId: id, removeTags: ["rome", "family"], rating: .some(nil))
            _ = try await bed.engine().drain()
            rows = try await bed.storage.tables.queryAll("files")
            let row = try #require(rows.first { $0.rowKey == "2024%2Fa.jpg" })
            #expect(row["tags"] == nil && row["rating"] == nil)
        }
    }
}
