import Catalog
import Foundation
import GRDB
import Testing

/// The facets of a result, counted in one grouped pass plus one over the tags table, against plain per-facet
/// counts of the same rows: with words (the match only tested inside the tags walk), with a library condition
/// (the libraries joined only then), with tags on some contents and ratings overriding the embedded ones.
@Suite("Facet counts")
struct FacetCountTests {
    static let fixture = Result { try makeTaggedCatalog() }

    static func makeTaggedCatalog() throws -> ScratchCatalog {
        let scratch = try SearchOrderTests.makeCatalog()
        let ids = try scratch.catalog.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM files WHERE sha256 IS NOT NULL ORDER BY id")
        }
        for (index, id) in ids.enumerated() where index % 7 == 0 {
            try scratch.catalog.annotate(
                fileId: id, addTags: index % 2 == 0 ? ["family"] : ["trip", "best"], rating: index % 3 == 0 ? 4 : nil)
        }
        return scratch
    }

    /// What each facet should say, counted one facet at a time over the files `filter` (SQL over `f`, `l`, `a`)
    /// selects, present ones only.
    static func expected(_ catalog: Catalog, filter: String) throws
        -> (total: Int, gps: Int, tags: [String: Int], fourStars: Int, years: [String: Int])
    {
        try catalog.read { db in
            let from = """
                FROM files f JOIN libraries l ON l.id = f.library_id LEFT JOIN assets a ON a.id = f.asset_id
                WHERE f.state = 'present' AND \(filter)
                """
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)") ?? 0
            let gps = try Int.fetchOne(db, sql: "SELECT count(*) \(from) AND a.latitude IS NOT NULL") ?? 0
            let fourStars =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) \(from)
                        AND coalesce((SELECT r.rating FROM ratings r WHERE r.sha256 = f.sha256), a.rating) >= 4
                        """) ?? 0
            var tags: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT t.tag, count(*) FROM tags t JOIN files f2 ON f2.sha256 = t.sha256 WHERE f2.id IN (SELECT f.id \(from)) GROUP BY t.tag")
            {
                tags[row[0]] = row[1]
            }
            var years: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT substr(a.taken_at, 1, 4), count(*) \(from) AND a.taken_at IS NOT NULL GROUP BY 1") {
                years[row[0]] = row[1]
            }
            return (total, gps, tags, fourStars, years)
        }
    }

    @Test(arguments: [
        ("", "1"),
        ("sunset", "f.id IN (SELECT rowid FROM search WHERE search MATCH '\"sunset\"*')"),
        ("dog -cat", "f.id IN (SELECT rowid FROM search WHERE search MATCH '(\"dog\"*) NOT \"cat\"*')"),
        ("beach library:archive", "f.id IN (SELECT rowid FROM search WHERE search MATCH '\"beach\"*') AND l.name = 'archive'"),
        ("tag:family", "f.sha256 IN (SELECT sha256 FROM tags WHERE tag = 'family')"),
    ])
    func facetsAreThePerFacetCounts(query: String, filter: String) throws {
        let catalog = try Self.fixture.get().catalog
        let want = try Self.expected(catalog, filter: filter)
        let (facets, total) = try catalog.facetCountsAndTotal(SearchQuery(query))
        #expect(want.total > 0 && !want.tags.isEmpty, "\(query): the fixture must give every facet something")
        #expect(total == want.total, "\(query)")
        #expect((facets.gps.first?.count ?? 0) == want.gps, "\(query)")  // a facet without files is left out
        #expect(Dictionary(uniqueKeysWithValues: facets.tags.map { ($0.value, $0.count) }) == want.tags, "\(query)")
        #expect((facets.rating.first { $0.token == "rating:4" }?.count ?? 0) == want.fourStars, "\(query)")
        #expect(Dictionary(uniqueKeysWithValues: facets.year.map { ($0.value, $0.count) }) == want.years, "\(query)")
    }

    /// A large catalog is counted in ranges of file ids at once: the ranges must cover every file exactly once,
    /// so the facets of any split are those of one pass.
    @Test(arguments: ["", "sunset", "dog -cat", "beach library:archive", "tag:family", "has:gps rating:4"])
    func passesOverRangesAddUpToOnePass(query: String) throws {
        let catalog = try Self.fixture.get().catalog
        let one = try catalog.facetCountsAndTotal(SearchQuery(query), passes: FacetPasses(cores: 1, splitFrom: 1))
        #expect(one.total > 0, "\(query): the fixture must match something")
        for cores in [2, 3, 7] {
            let split = try catalog.facetCountsAndTotal(
                SearchQuery(query), passes: FacetPasses(cores: cores, splitFrom: 1))
            #expect(split.total == one.total, "\(query), \(cores) passes")
            #expect(split.facets == one.facets, "\(query), \(cores) passes")
        }
    }
}
