import Catalog
import Foundation
import GRDB
import Testing

/// The gallery's pages without words: the two-part newest-first order (dated contents by the capture-time
/// index, then undated files) must be exactly `ORDER BY a.taken_at DESC, l.name, f.path`, page by page, each page
/// asked by position (after the last item of the one before, before an item, or through a date); an offset, which
/// would walk every row before the page, is refused.
@Suite("Newest first")
struct NewestFirstTests {
    static func oracle(_ catalog: Catalog, camera: String?) throws -> [Int64] {
        try catalog.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT f.id FROM files f JOIN libraries l ON l.id = f.library_id LEFT JOIN assets a ON a.id = f.asset_id
                    WHERE f.state = 'present' \(camera == nil ? "" : "AND a.camera_model LIKE '%' || ? || '%'")
                    ORDER BY a.taken_at DESC, l.name, f.path
                    """, arguments: camera.map { [$0] } ?? [])
        }
    }

    @Test(arguments: ["", "camera:canon"])
    func pagesByCursorMatchTheOneSort(text: String) throws {
        let catalog = try SearchOrderTests.fixture.get().catalog
        let expected = try Self.oracle(catalog, camera: text.isEmpty ? nil : "Canon")
        let query = try SearchQuery(text)
        #expect(try catalog.search(query, limit: 100_000).map(\.fileId) == expected)
        var byCursor: [Int64] = []
        var first = true
        while byCursor.count < expected.count {
            let page = try catalog.galleryPage(query, offset: 0, limit: 97, after: byCursor.last, counting: first)
            #expect(page.total == (first ? expected.count : nil))
            #expect(page.order == .newest)
            byCursor += page.items.map(\.fileId)
            first = false
            if page.items.isEmpty { break }
        }
        #expect(byCursor == expected)
        #expect(throws: CatalogError.self) { try catalog.galleryPage(query, offset: 97, limit: 97) }
        // Backwards from every 37th item: the items just before it.
        for index in stride(from: 0, to: expected.count, by: 37) {
            let page = try catalog.galleryPage(query, offset: 0, limit: 5, before: expected[index], counting: false)
            #expect(page.items.map(\.fileId) == Array(expected[max(0, index - 5)..<index]), "before \(index)")
        }
        // Past the end: nothing.
        #expect(try catalog.galleryPage(query, offset: 0, limit: 10, after: expected.last).items.isEmpty)
    }
}
