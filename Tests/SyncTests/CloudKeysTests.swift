import Catalog
import Foundation
import Sync
import Testing

/// The names other programs read: Table keys, history order, metadata values, and the bandwidth timeline.
@Suite("Cloud keys")
struct CloudKeysTests {
    @Test func keysEncodeWhatTablesForbidAndKeepTheRest() {
        #expect(CloudKeys.encodeKey("a/b\\c#d?e%f") == "a%2Fb%5Cc%23d%3Fe%25f")
        #expect(CloudKeys.encodeKey("tab\there\u{7F}") == "tab%09here%7F")
        #expect(CloudKeys.encodeKey("été 2024 (1).jpg") == "été 2024 (1).jpg")
        // A C1 control is escaped as its two UTF-8 bytes; the characters around it are kept.
        #expect(CloudKeys.encodeKey("é\u{85}日/") == "é%C2%85日%2F")
        #expect(CloudKeys.encodeKey("") == "")
        #expect(CloudKeys.folderPartition(library: "Photos", parent: "") == "Photos")
        #expect(CloudKeys.folderPartition(library: "Photos", parent: "2024/trip") == "Photos%2F2024%2Ftrip")
        #expect(CloudKeys.pathKey(library: "Photos", path: "a/b.jpg") == "Photos%2Fa%2Fb.jpg")
    }

    @Test func invertedTicksSortNewestFirst() {
        let older = CloudKeys.invertedTicks(nanoseconds: 1_700_000_000_000_000_000)
        let newer = CloudKeys.invertedTicks(nanoseconds: 1_700_000_000_000_000_100)
        #expect(older.count == 19 && newer.count == 19)
        #expect(newer < older)
        // 1970-01-01 is .NET tick 621355968000000000.
        #expect(CloudKeys.invertedTicks(nanoseconds: 0) == "2534023007999999999")
    }

    @Test func metadataValuesArePrintableASCII() {
        #expect(CloudKeys.metadataValue("2024/été/a b%.jpg") == "2024/%C3%A9t%C3%A9/a%20b%25.jpg")
        for text in ["2024/été/a b%.jpg", "line\nbreak #1?.jpg", "%41 stays %41", "日本/写真.heic"] {
            #expect(CloudKeys.metadataText(CloudKeys.metadataValue(text)) == text)
        }
    }

    @Test func bandwidthBooksUploadsAtTheRate() async {
        let limiter = BandwidthLimiter(bytesPerSecond: 1000)
        let start = ContinuousClock.now
        let first = await limiter.book(bytes: 500, now: start)
        let second = await limiter.book(bytes: 2000, now: start)
        let third = await limiter.book(bytes: 10, now: start + .seconds(10))
        #expect(first == start)
        #expect(second == start + .milliseconds(500))
        #expect(third == start + .seconds(10))  // idle time is not saved up beyond the present
    }

    @Test func retentionNeverBelowTheTierMinimum() {
        var options = SyncOptions(previewsRoot: "/tmp", device: DeviceKeys(device: "keys"))
        options.mirrorRetention = .seconds(60)
        #expect(options.masterTier == .cold && options.effectiveRetention == .seconds(90 * 86_400))
        options.masterTier = .cool
        #expect(options.effectiveRetention == .seconds(30 * 86_400))
        options.masterTier = .archive
        #expect(options.effectiveRetention == .seconds(180 * 86_400))
        options.masterTier = .hot
        #expect(options.effectiveRetention == .seconds(60))
    }
}
