import AzureWire
import Testing

@testable import StorageEmulator

@Suite struct ODataFilterTests {
    /// One entity with a property of every Edm type; each filter below is evaluated against it.
    static let entity = TableEntity(
        partitionKey: "p1", rowKey: "r1", timestamp: EdmDateTime(parsing: "2026-01-01T00:00:00Z")!,
        properties: [
            EntityProperty(name: "Age", value: .int32(30)),
            EntityProperty(name: "Big", value: .int64(5_000_000_000)),
            EntityProperty(name: "Price", value: .double(9.5)),
            EntityProperty(name: "Active", value: .boolean(true)),
            EntityProperty(name: "Name", value: .string("O'Brien")),
            EntityProperty(name: "Born", value: .dateTime(EdmDateTime(parsing: "2000-01-01T00:00:00Z")!)),
            EntityProperty(name: "Id", value: .guid("c9da6455-213d-42c9-9a79-3e9149a57833")),
            EntityProperty(name: "Blob", value: .binary([0x0A, 0xFF])),
        ])

    static let matching: [(String, Bool)] = [
        ("PartitionKey eq 'p1'", true),
        ("PartitionKey ne 'p1'", false),
        ("RowKey gt 'r0' and RowKey lt 'r2'", true),
        ("Age eq 30", true),
        ("Age ge 31", false),
        ("Age lt 30.5", true),
        ("Age eq 30L", true),
        ("Big eq 5000000000L", true),
        ("Big gt 4999999999L", true),
        ("Price gt 9.4 and Price lt 9.6", true),
        ("Price eq 9.5", true),
        ("Price eq 9.5d", true),
        ("Active eq true", true),
        ("Active eq false", false),
        ("Active", true),
        ("not Active", false),
        ("Name eq 'O''Brien'", true),
        ("Name gt 'N' and Name lt 'P'", true),
        ("Born eq datetime'2000-01-01T00:00:00Z'", true),
        ("Born eq datetime'2000-01-01T01:00:00+01:00'", true),
        ("Born lt datetime'2000-01-01T00:00:00.0000001Z'", true),
        ("Id eq guid'C9DA6455-213D-42C9-9A79-3E9149A57833'", true),
        ("Blob eq X'0aff'", true),
        ("Blob eq binary'0AFF'", true),
        ("Blob eq X'0afe'", false),
        ("Missing eq 1", false),
        ("Missing ne 1", false),
        ("not (Missing eq 1)", true),
        ("Age eq '30'", false),
        ("Name eq 30", false),
        ("(Age eq 30 or Age eq 40) and PartitionKey eq 'p1'", true),
        ("Age eq 30 or Name eq 'x' and Active eq false", true),
        ("(Age eq 30 or Name eq 'x') and Active eq false", false),
        ("not Age eq 31", true),
        ("Timestamp lt datetime'2100-01-01T00:00:00Z'", true),
        ("Timestamp gt datetime'2026-01-01T00:00:00Z'", false),
        ("30 eq Age", true),
        ("31 gt Age", true),
        ("(Age) eq 30", true),
        ("AGE eq 30", false),
        ("Age EQ 30 AND Active", true),
        ("Age eq -5", false),
        ("Price gt -1.5e2", true),
    ]

    @Test(arguments: matching)
    func evaluates(_ filter: String, _ expected: Bool) throws {
        let parsed = try ODataFilterParser.parse(filter)
        #expect(parsed.matches { Self.entity.value(of: $0) } == expected, "\(filter)")
    }

    static let malformed: [String] = [
        "",
        "Age eq",
        "Age eq eq 3",
        "(Age eq 30",
        "Age eq 30)",
        "Name eq 'unterminated",
        "Age equals 30",
        "Born eq datetime'yesterday'",
        "Id eq guid'xyz'",
        "Blob eq X'0'",
        "Age eq 3000000000",
        "and Age eq 1",
        "Age eq 1 and",
        "startswith(Name, 'a')",
        "Age eq 30 Name",
        "Age eq @x",
        "Age eq 1 or Age eq 2 or Age eq 3 or Age eq 4 or Age eq 5 or Age eq 6 or Age eq 7 or Age eq 8 or Age eq 9 or Age eq 10 or Age eq 11 or Age eq 12 or Age eq 13 or Age eq 14 or Age eq 15 or Age eq 16",
        "Age eq 12abc",
        "Age eq -",
        "()",
    ]

    @Test(arguments: malformed)
    func refusesMalformed(_ filter: String) {
        #expect(throws: ODataFilterError.self, "\(filter)") { try ODataFilterParser.parse(filter) }
    }

    /// A fuzzer's filters: without the limits each made the parser (or the release of its tree) recurse once
    /// per parenthesis, `not` or term, and 25,000 of them overflowed the stack.
    static let hostile: [(String, String)] = [
        (String(repeating: "(", count: 25_000) + "Age eq 30" + String(repeating: ")", count: 25_000), "nests"),
        ("Age eq " + String(repeating: "(", count: 25_000) + "30" + String(repeating: ")", count: 25_000), "nests"),
        (String(repeating: "not ", count: 25_000) + "Active", "nests"),
        (Array(repeating: "Age eq 30", count: 50_000).joined(separator: " and "), "more than 15 comparisons"),
        (Array(repeating: "Active", count: 50_000).joined(separator: " or "), "more than 15 comparisons"),
    ]

    @Test(arguments: hostile)
    func refusesHostileFiltersWithoutRecursingIntoThem(_ filter: String, _ reason: String) throws {
        let error = try #require(throws: ODataFilterError.self) { try ODataFilterParser.parse(filter) }
        #expect(error.reason.contains(reason), "\(error.reason)")
    }

    @Test func acceptsTheNestingOfFifteenCombinedFilters() throws {
        // What an SDK's CombineFilters builds from 15 conditions: each step wraps both sides in parentheses.
        var filter = "(Age eq 30)"
        for _ in 1..<ODataFilter.maximumComparisons { filter = "(\(filter)) and (Age eq 30)" }
        #expect(try ODataFilterParser.parse(filter).matches { Self.entity.value(of: $0) })
        let nested = String(repeating: "(", count: ODataFilter.maximumNesting) + "Age eq 30"
            + String(repeating: ")", count: ODataFilter.maximumNesting)
        #expect(try ODataFilterParser.parse(nested).matches { Self.entity.value(of: $0) })
        let deeper = "(" + nested + ")"
        #expect(throws: ODataFilterError.self) { try ODataFilterParser.parse(deeper) }
    }

    @Test func errorNamesThePosition() throws {
        let error = try #require(throws: ODataFilterError.self) { try ODataFilterParser.parse("Age eq 30 and Name xx 'a'") }
        #expect(error.offset == 19)
        #expect(error.description.contains("'xx'"))
    }

    @Test func andBindsTighterThanOr() throws {
        let parsed = try ODataFilterParser.parse("A eq 1 or B eq 2 and C eq 3")
        guard case .or(_, .and) = parsed else {
            Issue.record("expected or(_, and(_, _)), got \(parsed)")
            return
        }
    }

    @Test func derivesKeyBoundsFromTopLevelConjunctions() throws {
        let parsed = try ODataFilterParser.parse("PartitionKey eq 'a' and ('r5' le RowKey and Age gt 3) and RowKey ne 'x'")
        #expect(
            parsed.keyBounds == [
                KeyBound(column: .partitionKey, op: .eq, value: "a"), KeyBound(column: .rowKey, op: .ge, value: "r5"),
            ])
        #expect(try ODataFilterParser.parse("PartitionKey eq 'a' or PartitionKey eq 'b'").keyBounds.isEmpty)
    }

    @Test func stringsCompareOrdinallyNotByUnicodeEquivalence() throws {
        // "é" precomposed and decomposed are equal to Swift's `==` but distinct to Azure.
        let composed = TableEntity(
            partitionKey: "\u{E9}", rowKey: "r", timestamp: EdmDateTime(ticks: 0), properties: [])
        #expect(!(try ODataFilterParser.parse("PartitionKey eq 'e\u{301}'")).matches { composed.value(of: $0) })
        #expect((try ODataFilterParser.parse("PartitionKey eq '\u{E9}'")).matches { composed.value(of: $0) })
    }
}
