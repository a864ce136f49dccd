import Catalog
import Ingest
import Foundation
import Testing

/// Facets and full-text queries on a catalog of thousands of synthetic rows, each expectation
/// computed from the same generator that filled the catalog.
@Suite("Search")
struct SearchTests {
    struct Row: Sendable {
        var path: String
        var sha: String
        var make: String
        var model: String
        var takenAt: String
        var kind: String
        var gps: Bool
        var keywords: [String]
        var phash: UInt64
    }

    static let cameras = [
        ("FUJIFILM", "X-T3"), ("Canon", "Canon EOS R5"), ("SONY", "ILCE-7M3"), ("Apple", "iPhone 13 Pro"),
    ]
    static let places = ["rome", "paris", "home"]
    static let count = 3000

    static func rows() -> [Row] {
        var generator = SplitMix(state: 7)
        var rows: [Row] = []
        for i in 0..<count {
            let year = 2017 + i % 5
            let month = 1 + i % 12
            let day = 1 + i % 28
            let camera = cameras[i % 4]
            var keywords: [String] = []
            if i % 7 == 0 { keywords += ["sunset", "beach"] }
            if i % 11 == 0 { keywords.append("cat") }
            var phash = generator.next()
            if i == 101 { phash = rows[100].phash ^ 0b101 }  // a near duplicate of #100: 2 bits apart
            let sha = String(format: "%064x", i)
            rows.append(
                Row(
                    path: "\(year)/\(places[i % 3])/IMG_\(String(format: "%04d", i)).\(i % 10 == 0 ? "nef" : "jpg")",
                    sha: sha, make: camera.0, model: camera.1,
                    takenAt: String(format: "%04d-%02d-%02dT12:00:00", year, month, day),
                    kind: i % 10 == 0 ? "raw" : "jpeg",
                    gps: i % 3 == 0, keywords: keywords, phash: phash))
        }
        return rows
    }

    /// One catalog for the suite (the tests only read it): built once, a few thousand inserts in
    /// one transaction. Its scratch folder lives until the test process ends.
    static let fixture = Result { try makeCatalog() }

    /// Every file row: the generated ones, then copies of the first ten under `copies/`.
    static func files(_ rows: [Row]) -> [Row] {
        rows
            + rows.prefix(10).map { row in
                var copy = row
                copy.path = "copies/" + (row.path as NSString).lastPathComponent
                return copy
            }
    }

    static func makeCatalog() throws -> (ScratchCatalog, [Row]) {
        let scratch = try ScratchCatalog()
        let library = try scratch.catalog.library(root: "/photos")
        let rows = rows()
        var ingests: [IngestRecord] = []
        for (i, row) in rows.enumerated() {
            let keywords =
                row.keywords.isEmpty ? nil : "[" + row.keywords.map { "\"\($0)\"" }.joined(separator: ",") + "]"
            let asset = AssetRecord(
                id: nil, sha256: row.sha, md5: String(repeating: "0", count: 32), size: 1000, kind: AssetKind(rawValue: row.kind) ?? .other,
                mime: "image/jpeg", width: 6000, height: 4000, orientation: 1, takenAt: row.takenAt, takenOffset: nil,
                cameraMake: row.make, cameraModel: row.model, lens: i % 2 == 0 ? "XF35mmF1.4 R" : nil,
                exposureTime: nil, fNumber: nil, iso: nil, focalLength: nil, latitude: row.gps ? 41.9 : nil,
                longitude: row.gps ? 12.5 : nil, altitude: nil, title: i == 42 ? "Colosseum at dusk" : nil,
                caption: i == 43 ? "Dinner with the Müllers" : nil, keywords: keywords, rating: i % 6,
                phash: Int64(bitPattern: row.phash), damaged: i == 44, warnings: nil, metadata: "{}", analyzedAt: "now")
            ingests.append(
                IngestRecord(file: file(library.id!, row.path, row.sha), asset: asset, renditions: [], errors: []))
        }
        // Exact duplicates: the first ten contents copied under copies/.
        for row in rows.prefix(10) {
            ingests.append(
                IngestRecord(
                    file: file(library.id!, "copies/" + (row.path as NSString).lastPathComponent, row.sha),
                    asset: nil, renditions: [], errors: []))
        }
        try scratch.catalog.recordAll(ingests)
        return (scratch, rows)
    }

    static func file(_ library: Int64, _ path: String, _ sha: String) -> FileRecord {
        FileRecord(
            id: nil, libraryId: library, path: path, size: 1000, mtimeNs: 0, inode: 0, sha256: sha, state: .present,
            assetId: nil, firstSeen: "now", lastSeen: "now")
    }

    private func search(_ catalog: Catalog, _ text: String) throws -> [SearchHit] {
        try catalog.search(SearchQuery(text), limit: 100_000)
    }

    @Test func facetsMatchTheGenerator() throws {
        let (scratch, rows) = try Self.fixture.get()
        let catalog = scratch.catalog
        let files = Self.files(rows)
        #expect(try catalog.counts().files == Self.count + 10)
        #expect(try search(catalog, "camera:fuji").count == files.filter { $0.make == "FUJIFILM" }.count)
        #expect(try search(catalog, "camera:eos").count == files.filter { $0.model.contains("EOS") }.count)
        // Across the space between make and model (`FUJIFILM X-T3`), and with `_` standing for that space: the
        // joined name is matched; a word alone is matched in each column (SearchConditions).
        let fujiXT3 = files.filter { $0.make == "FUJIFILM" && $0.model == "X-T3" }.count
        #expect(fujiXT3 > 0)
        #expect(try search(catalog, #"camera:"fujifilm x-t3""#).count == fujiXT3)
        #expect(try search(catalog, "camera:fujifilm_x-t3").count == fujiXT3)
        #expect(try search(catalog, "camera:x-t3").count == fujiXT3)
        #expect(try search(catalog, "taken:2019").count == files.filter { $0.takenAt.hasPrefix("2019") }.count)
        let summer = files.filter { $0.takenAt >= "2019-07" && $0.takenAt < "2019-09" }.count
        #expect(summer > 0)
        #expect(try search(catalog, "taken:2019-07..2019-08").count == summer)
        #expect(
            try search(catalog, "taken:2017-01-01").count == files.filter { $0.takenAt.hasPrefix("2017-01-01") }.count)
        #expect(try search(catalog, "type:raw").count == files.filter { $0.kind == "raw" }.count)
        #expect(try search(catalog, "has:gps").count == files.filter(\.gps).count)
        #expect(try search(catalog, "folder:2018/rome").count == files.filter { $0.path.hasPrefix("2018/rome/") }.count)
        #expect(try search(catalog, "folder:/photos/2018").count == files.filter { $0.path.hasPrefix("2018/") }.count)
        #expect(try search(catalog, "is:damaged").map(\.path) == [rows[44].path])
        let fiveStars = Set(rows.indices.filter { $0 % 6 == 5 }.map { rows[$0].sha })
        #expect(try search(catalog, "rating:5").count == files.filter { fiveStars.contains($0.sha) }.count)
        #expect(
            try search(catalog, "camera:fuji type:raw has:gps").count
                == files.filter { $0.make == "FUJIFILM" && $0.kind == "raw" && $0.gps }.count)
    }

    @Test func fullTextOverPathKeywordsTitleCaptionCameraLens() throws {
        let (scratch, rows) = try Self.fixture.get()
        let catalog = scratch.catalog
        let files = Self.files(rows)
        let sunsets = files.filter { $0.keywords.contains("sunset") }.count
        #expect(sunsets > 0)
        #expect(try search(catalog, "sunset").count == sunsets)
        #expect(try search(catalog, "sun").count == sunsets)  // prefix match
        #expect(try search(catalog, "colosseum").map(\.path) == [rows[42].path])
        #expect(try search(catalog, "\"at dusk\"").map(\.path) == [rows[42].path])
        #expect(try search(catalog, "mullers").map(\.path) == [rows[43].path])  // diacritics folded
        #expect(try search(catalog, "IMG_0042").map(\.path) == [rows[42].path])
        #expect(try search(catalog, "paris").count == files.filter { $0.path.contains("/paris/") }.count)
        #expect(try search(catalog, "iphone").count == files.filter { $0.make == "Apple" }.count)
        let lensShas = Set(rows.indices.filter { $0 % 2 == 0 }.map { rows[$0].sha })
        #expect(try search(catalog, "xf35mmf1").count == files.filter { lensShas.contains($0.sha) }.count)
        let sunsetNotRome = files.filter { $0.keywords.contains("sunset") && !$0.path.contains("/rome/") }.count
        #expect(try search(catalog, "sunset -rome").count == sunsetNotRome)
        let combined = try search(catalog, "sunset cat camera:canon taken:2018")
        #expect(
            combined.count
                == files.filter {
                    $0.keywords.contains("sunset") && $0.keywords.contains("cat") && $0.make == "Canon"
                        && $0.takenAt.hasPrefix("2018")
                }.count)
    }

    @Test func duplicates() throws {
        let (scratch, rows) = try Self.fixture.get()
        let catalog = scratch.catalog
        let exact = try catalog.exactDuplicateGroups()
        #expect(exact.count == 10)
        #expect(exact.allSatisfy { $0.count == 1 && $0[0].paths.count == 2 })
        #expect(try search(catalog, "dup:exact").count == 20)
        let near = try catalog.nearDuplicateGroups(maxDistance: 10)
        #expect(near.count == 1)
        #expect(Set(near.first?.map(\.sha256) ?? []) == [rows[100].sha, rows[101].sha])
        #expect(near.first?.last?.distance == 2)
        #expect(Set(try search(catalog, "dup:near").map(\.path)) == [rows[100].path, rows[101].path])
        #expect(try catalog.nearDuplicateGroups(maxDistance: 1).isEmpty)
    }

    @Test func showByPathOrHash() throws {
        let (scratch, rows) = try Self.fixture.get()
        let catalog = scratch.catalog
        let byPath = try catalog.detail(for: "/photos/" + rows[3].path)
        #expect(byPath.asset?.sha256 == rows[3].sha)
        #expect(byPath.files.count == 2)  // the original and its copy
        #expect(try catalog.detail(for: rows[500].sha).files.map(\.path) == [rows[500].path])
        #expect(try catalog.detail(for: "photos/" + rows[500].path).asset?.sha256 == rows[500].sha)
        let missing = try #require(throws: CatalogError.self) { try catalog.detail(for: "/nowhere.jpg") }
        #expect(missing.code == .notFound)
    }

    @Test func cameraNameDoesNotRepeatTheMake() {
        #expect(Catalog.cameraName(make: "FUJIFILM", model: "X-T3") == "FUJIFILM X-T3")
        #expect(Catalog.cameraName(make: "Canon", model: "Canon EOS R5") == "Canon EOS R5")
        #expect(Catalog.cameraName(make: "NIKON CORPORATION", model: "NIKON Z 6") == "NIKON Z 6")
        #expect(Catalog.cameraName(make: nil, model: "X100V") == "X100V")
        #expect(Catalog.cameraName(make: nil, model: nil) == nil)
    }
}
