import Testing

@testable import StorageEmulator

/// The blob index tag expression grammar: what `where=` and `x-ms-if-tags` accept, and how they compare.
@Suite struct TagFilterTests {
    let tags = BlobTags([("Project", "ironviper"), ("n", "10"), ("empty", "")])

    @Test func comparesAsStringsAndJoinsWithAnd() throws {
        let cases: [(String, Bool)] = [
            ("\"Project\" = 'ironviper'", true),
            ("Project = 'ironviper' AND \"n\" > '1'", true),
            ("\"n\" < '9'", true),  // strings: "10" sorts before "9"
            ("\"n\" >= '10' AND \"n\" <= '10'", true),
            ("\"empty\" = ''", true),
            ("\"project\" = 'ironviper'", false),  // keys are case-sensitive
            ("\"missing\" < 'z'", false),  // a missing key satisfies nothing
            ("\"Project\" = 'ironviper' and \"n\" = '10'", true),
        ]
        for (text, expected) in cases {
            #expect(try TagFilter(text, mode: .find(accountWide: false)).matches(tags) == expected, "\(text)")
        }
    }

    @Test func conditionsAlsoTakeOrNotEqualAndParentheses() throws {
        let condition = try TagFilter("(\"n\" <> '10' OR \"Project\" = 'ironviper') AND \"empty\" = ''", mode: .condition)
        #expect(condition.matches(tags))
        #expect(try !TagFilter("\"n\" <> '10' OR \"Project\" = 'x'", mode: .condition).matches(tags))
        for text in ["\"n\" <> '10'", "\"n\" = '1' OR \"n\" = '2'", "(\"n\" = '1')"] {
            #expect(throws: StorageError.self, "\(text)") { try TagFilter(text, mode: .find(accountWide: true)) }
        }
    }

    @Test func nestingIsBounded() throws {
        let nested = { (depth: Int) in String(repeating: "(", count: depth) + "\"n\" = '10'" + String(repeating: ")", count: depth) }
        #expect(try TagFilter(nested(TagFilter.maximumNesting), mode: .condition).matches(tags))
        #expect(throws: StorageError.self) { try TagFilter(nested(TagFilter.maximumNesting + 1), mode: .condition) }
        #expect(throws: StorageError.self) { try TagFilter(nested(4000), mode: .condition) }
    }

    @Test func containerScopesOnlyAnAccountWideSearch() throws {
        let filter = try TagFilter("@container = 'photos' AND \"n\" = '10'", mode: .find(accountWide: true))
        #expect(filter.matches(tags, container: "photos") && !filter.matches(tags, container: "other"))
        #expect(filter.keys == ["n"])
        #expect(throws: StorageError.self) { try TagFilter("@container = 'photos'", mode: .find(accountWide: false)) }
        #expect(throws: StorageError.self) { try TagFilter("@container = 'photos'", mode: .condition) }
    }

    @Test func malformedExpressionsAreRefusedWithTheRightCode() {
        let malformed = ["", "\"n\" = ", "\"n\" == '1'", "\"n\" = '1", "n = 1", "\"n\" = '1' AND", "\"n\" = '1' extra"]
        for text in malformed {
            #expect(throws: StorageError.self, "\(text)") { try TagFilter(text, mode: .find(accountWide: false)) }
            do {
                _ = try TagFilter(text, mode: .condition)
                Issue.record("accepted \(text)")
            } catch let error as StorageError {
                #expect(error.code == "InvalidHeaderValue")
            } catch {
                Issue.record("\(error)")
            }
        }
        let eleven = (0..<11).map { "\"k\($0)\" = 'v'" }.joined(separator: " AND ")
        do {
            _ = try TagFilter(eleven, mode: .find(accountWide: false))
            Issue.record("eleven keys accepted")
        } catch let error as StorageError {
            #expect(error.code == "InvalidQueryParameterValue")
        } catch {
            Issue.record("\(error)")
        }
    }
}
