import AzureStorage
import BackupDaemon
import Catalog
import Foundation
import Testing

/// `ironviper cost`'s arithmetic on known counts and facts, and the built-in price table.
@Suite("Cost report")
struct CostReportTests {
    /// 1000 contents (1 GiB of masters, ten renditions each, 512 MiB), 1200 paths (1.5 GiB), 1500 versions.
    static var library: CostFacts {
        var facts = CostFacts()
        facts.masters = 1000
        facts.masterBytes = 1 << 30
        facts.renditions = 10_000
        facts.renditionBytes = 1 << 29
        facts.presentFiles = 1200
        facts.presentBytes = 3 << 29
        facts.versionsRecorded = 1500
        return facts
    }

    @Test func theBuiltInPriceTableParsesAndAnyKeyMissingIsNamed() throws {
        let prices = PriceTable.defaults
        #expect(prices.storage[.hot]! > prices.storage[.cool]! && prices.storage[.cool]! > prices.storage[.archive]!)
        #expect(prices.minimumDays[.cool] == 30 && prices.minimumDays[.archive] == 180)
        let withoutCoolWrites = PriceTable.defaultText.replacingOccurrences(of: "Cool = 0.10\n", with: "")
        #expect(throws: ConfigurationError.self) { try PriceTable.parse(withoutCoolWrites) }
    }

    @Test func requestsStorageAndTheMirrorArePricedFromTheCatalogsFigures() throws {
        let prices = PriceTable.defaults
        let now = ISO8601DateFormatter().date(from: "2026-12-04T12:00:00Z")!
        let counts = [
            RequestCount(
                day: "2026-11-30", service: "blob", operation: "PutBlob", billingClass: "write", tier: "Cool",
                requests: 10_000),
            RequestCount(
                day: "2026-12-01", service: "blob", operation: "PutBlob", billingClass: "write", tier: "",
                requests: 20_000),
            RequestCount(
                day: "2026-12-02", service: "table", operation: "InsertOrReplaceEntity", billingClass: "table",
                tier: "", requests: 10_000),
        ]
        var facts = Self.library
        facts.pendingPurges = [.init(bytes: 1 << 30, uploadedAt: now.addingTimeInterval(-15 * 86_400))]
        let report = CostReport(counts: counts, facts: facts, prices: prices, masterTier: .cool, now: now)

        #expect(report.total.requests == ["write": 30_000, "table": 10_000])
        #expect(report.thisMonth.requests == ["write": 20_000, "table": 10_000])
        let cool = prices.write[.cool]!
        let hot = prices.write[.hot]!
        #expect(abs(report.total.cost - (cool + 2 * hot + prices.tableTransactions)) < 1e-9)
        let masters = try #require(report.stored.first { $0.container == CloudKeys.masterContainer })
        #expect(masters.tier == "Cool" && abs(masters.monthly - prices.storage[.cool]!) < 1e-9)
        let previews = try #require(report.stored.first { $0.container == CloudKeys.previewContainer })
        #expect(abs(previews.monthly - prices.storage[.hot]! / 2) < 1e-9)
        #expect(abs(report.rcloneHot.monthly - 1.5 * prices.storage[.hot]!) < 1e-9)
        #expect(abs(report.rcloneHot.uploadCost - 0.15 * hot) < 1e-9)
        // Uploaded 15 days ago into Cool (30 days minimum): half a month of its storage is still owed.
        #expect(abs(report.earlyDeletionExposure - prices.storage[.cool]! / 2) < 1e-9)
        #expect(report.writesPerPhoto == 30)
        #expect(report.restoreEverything.reads == 1000)
        #expect(abs(report.restoreEverything.cost - (0.1 * prices.read[.cool]! + prices.retrieval[.cool]!)) < 1e-9)
    }

    @Test func profilesPriceTheSameLibraryStoredOtherWays() throws {
        let prices = PriceTable.defaults
        var facts = Self.library
        facts.contentsWithRenditions = 1000
        facts.leanThumbnailPixels = 1000 * 250 * 166
        facts.leanPreviewPixels = 1000 * 1440 * 960
        facts.renditionBytesPerPixel = 0.25
        let profiles = Dictionary(
            uniqueKeysWithValues: CostProfile.all(facts: facts, prices: prices, masterTier: .cool, previewTier: .cool).map { ($0.name, $0) }
        )
        let lean = try #require(profiles["lean"])
        #expect(lean.writesPerPhoto == 3)
        let leanBytes = Double(1000 * (250 * 166 + 1440 * 960)) * 0.25
        #expect(
            abs(lean.monthly - (prices.storage[.cool]! + leanBytes / Double(1 << 30) * prices.storage[.cool]!)) < 1e-9)
        #expect(abs(lean.monthlyPer10k - lean.monthly * 10) < 1e-9)
        let standard = try #require(profiles["default"])
        #expect(standard.writesPerPhoto == 11)
        #expect(abs(standard.monthly - (prices.storage[.cool]! + prices.storage[.cool]! / 2)) < 1e-9)
        let cold = try #require(profiles["cold-masters"])
        #expect(cold.monthly < standard.monthly && cold.oneTime > standard.oneTime)
        let mirror = try #require(profiles["rclone-hot"])
        #expect(abs(mirror.monthly - 1.5 * prices.storage[.hot]!) < 1e-9 && mirror.writesPerPhoto == 1.5)
    }
}
