import Catalog
import Ingest
import Testing

@Suite("Search query parsing")
struct SearchQueryTests {
    @Test func wordsPhrasesExclusionsAndFacets() throws {
        let query = try SearchQuery(#"sunset "old town" -blurry camera:fuji taken:2019-07..2019-08 type:raw has:gps"#)
        #expect(query.terms == ["sunset", "old town"])
        #expect(query.excluded == ["blurry"])
        #expect(
            query.facets == [
                .camera("fuji"), .taken(from: "2019-07", to: "2019-09"), .type("raw"), .has("gps"),
            ])
    }

    @Test(arguments: [
        ("taken:2019", "2019", "2020"), ("taken:2019-12", "2019-12", "2020-01"),
        ("taken:2019-07-14", "2019-07-14", "2019-07-14U"), ("taken:2018..2019", "2018", "2020"),
    ])
    func dateRanges(text: String, from: String, to: String) throws {
        #expect(try SearchQuery(text).facets == [.taken(from: from, to: to)])
    }

    @Test(arguments: ["taken:yesterday", "taken:2019-13", "has:wings", "dup:maybe", "rating:9", "is:pretty", "camera:"])
    func badFacetsAreReported(text: String) throws {
        let error = try #require(throws: CatalogError.self) { try SearchQuery(text) }
        #expect(error.code == .badQuery)
        #expect(error.subject == text)
    }

    @Test func unknownPrefixesAreWords() throws {
        #expect(try SearchQuery("http://example 12:30").terms == ["http://example", "12:30"])
        #expect(
            try SearchQuery("dup:exact dup:near folder:2019/rome").facets == [
                .duplicateExact, .duplicateNear, .folder("2019/rome"),
            ])
    }
}
