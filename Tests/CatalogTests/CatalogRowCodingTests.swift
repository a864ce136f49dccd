import Catalog
import Foundation
import GRDB
import Testing

/// `files` and `assets` rows are coded column by column (`CatalogRecords+RowCoding.swift`): every property lands in
/// the column of its name, read with SQL that knows nothing of the records, and comes back equal.
@Suite struct CatalogRowCodingTests {
    @Test func everyAssetColumnIsWrittenAndReadBack() throws {
        let scratch = try ScratchCatalog()
        let asset = AssetRecord(
            sha256: String(repeating: "a", count: 64), md5: "bWQ1", size: 1234, kind: .heic, mime: "image/heic", width: 4032,
            height: 3024, orientation: 6, takenAt: "2024-05-06T07:08:09", takenOffset: "+02:00", cameraMake: "Apple",
            cameraModel: "iPhone 15", lens: "main", exposureTime: 0.004, fNumber: 1.8, iso: 50, focalLength: 6.9,
            latitude: 48.1, longitude: 11.5, altitude: 520.5, title: "Title", caption: "Caption", keywords: "[\"k\"]",
            rating: 4, phash: -42, damaged: true, warnings: "w", metadata: "{\"m\":1}", analyzedAt: "2024-05-07T00:00:00Z")
        let stored = try scratch.catalog.write { db -> AssetRecord in
            var record = asset
            try record.insert(db)
            return record
        }
        let columns: [String: DatabaseValue] = [
            "sha256": asset.sha256.databaseValue, "md5": "bWQ1".databaseValue, "size": 1234.databaseValue,
            "kind": "heic".databaseValue, "mime": "image/heic".databaseValue, "width": 4032.databaseValue,
            "height": 3024.databaseValue, "orientation": 6.databaseValue, "taken_at": "2024-05-06T07:08:09".databaseValue,
            "taken_offset": "+02:00".databaseValue, "camera_make": "Apple".databaseValue,
            "camera_model": "iPhone 15".databaseValue, "lens": "main".databaseValue, "exposure_time": 0.004.databaseValue,
            "f_number": 1.8.databaseValue, "iso": 50.databaseValue, "focal_length": 6.9.databaseValue,
            "latitude": 48.1.databaseValue, "longitude": 11.5.databaseValue, "altitude": 520.5.databaseValue,
            "title": "Title".databaseValue, "caption": "Caption".databaseValue, "keywords": "[\"k\"]".databaseValue,
            "rating": 4.databaseValue, "phash": (-42).databaseValue, "damaged": 1.databaseValue,
            "warnings": "w".databaseValue, "metadata": "{\"m\":1}".databaseValue,
            "analyzed_at": "2024-05-07T00:00:00Z".databaseValue, "id": stored.id!.databaseValue,
        ]
        let row = try #require(try scratch.catalog.read { db in try Self.onlyRow(db, "assets") })
        #expect(row == columns)
        #expect(try scratch.catalog.read { db in try AssetRecord.fetchOne(db, key: stored.id) } == stored)
    }

    @Test func everyFileColumnIsWrittenAndReadBack() throws {
        let scratch = try ScratchCatalog()
        let library = try scratch.catalog.library(root: "/photos")
        let stored = try scratch.catalog.write { db -> FileRecord in
            var asset = AssetRecord(sha256: "b", md5: "m", size: 1, kind: .jpeg, mime: "image/jpeg", analyzedAt: "t")
            try asset.insert(db)
            var file = FileRecord(
                libraryId: library.id!, path: "a/b.jpg", size: 77, mtimeNs: 1_700_000_000_123_456_789, inode: 99,
                sha256: "b", state: .missing, assetId: asset.id, firstSeen: "first", lastSeen: "last")
            try file.insert(db)
            return file
        }
        let columns: [String: DatabaseValue] = [
            "id": stored.id!.databaseValue, "library_id": library.id!.databaseValue, "path": "a/b.jpg".databaseValue,
            "size": 77.databaseValue, "mtime_ns": 1_700_000_000_123_456_789.databaseValue, "inode": 99.databaseValue,
            "sha256": "b".databaseValue, "state": "missing".databaseValue, "asset_id": stored.assetId!.databaseValue,
            "first_seen": "first".databaseValue, "last_seen": "last".databaseValue,
        ]
        let row = try #require(try scratch.catalog.read { db in try Self.onlyRow(db, "files") })
        #expect(row == columns)
        #expect(try scratch.catalog.read { db in try FileRecord.fetchOne(db, key: stored.id) } == stored)
    }

    /// The table's one row, column by column.
    private static func onlyRow(_ db: Database, _ table: String) throws -> [String: DatabaseValue]? {
        try Row.fetchOne(db, sql: "SELECT * FROM \(table)").map { row in
            Dictionary(row.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
