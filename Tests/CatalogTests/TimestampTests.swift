import Catalog
import Ingest
import Foundation
import Testing

/// The catalog's one time format, written by hand for speed, is still what `ISO8601DateFormatter`
/// writes (rows made before and after the change sort and compare together).
@Suite struct TimestampTests {
    @Test func nowIsWhatTheISO8601FormatterWrites() {
        let formatter = ISO8601DateFormatter()
        let before = formatter.string(from: Date())
        let now = Timestamp.now()
        let after = formatter.string(from: Date())
        #expect(now == before || now == after, "\(now) not \(before)")
        #expect(now.count == 20 && now.hasSuffix("Z"))
    }
}
