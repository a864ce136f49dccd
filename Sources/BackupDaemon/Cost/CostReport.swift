import AzureStorage
import Catalog
import Foundation
import Sync

/// What a library costs: requests counted by the client (so far and this month), what is stored by container
/// and tier, the monthly bill, early-deletion exposure, a restore of everything, and beside each the same
/// library kept as a plain rclone mirror in Hot. Every figure comes from the catalog and a price table;
/// `--cloud` adds what the account really holds.
package struct CostReport: Codable, Sendable, Equatable {
    package struct Prices: Codable, Sendable, Equatable {
        package var region: String
        package var redundancy: String
        package var currency: String
        package var taken: String
    }

    /// Requests by billing class (`write`, `read`, `list`, `other`, `delete`, `table`, `queue`) and their price.
    package struct Operations: Codable, Sendable, Equatable {
        package var requests: [String: Int] = [:]
        package var cost: Double = 0
    }

    package struct Stored: Codable, Sendable, Equatable {
        package var container: String
        package var tier: String
        package var blobs: Int
        package var bytes: Int64
        package var monthly: Double
    }

    package struct Restore: Codable, Sendable, Equatable {
        package var reads: Int
        package var retrievedBytes: Int64
        package var cost: Double
    }

    /// The same library as a plain mirror in Hot: every present path stored (duplicates included), every
    /// version of every path uploaded (renames again).
    package struct Mirror: Codable, Sendable, Equatable {
        package var storedBytes: Int64
        package var monthly: Double
        package var uploads: Int
        package var uploadCost: Double
    }

    package var prices: Prices
    package var total: Operations
    package var thisMonth: Operations
    package var stored: [Stored]
    /// Storage per month plus this month's requests so far.
    package var monthlyEstimate: Double
    /// What deleting the masters `mirror` is about to purge costs beyond their storage (tier minimums).
    package var earlyDeletionExposure: Double
    package var restoreEverything: Restore
    package var rcloneHot: Mirror
    /// Billed write requests per master uploaded (all writes, renditions included).
    package var writesPerPhoto: Double?
    /// The same library under each documented profile.
    package var profiles: [CostProfile]

    /// Rows of `tableRows` are priced at this size (an entity of the `files` table is about this large).
    static let bytesPerTableRow: Int64 = 1024

    package init(
        counts: [RequestCount], facts: CostFacts, prices: PriceTable, masterTier: AccessTier,
        previewTier: AccessTier = .hot, now: Date = Date()
    ) {
        self.prices = Prices(
            region: prices.region, redundancy: prices.redundancy, currency: prices.currency, taken: prices.taken)
        let month = String(RequestLedger.day(now).prefix(7))
        total = Self.price(counts, prices)
        thisMonth = Self.price(counts.filter { $0.day.hasPrefix(month) }, prices)
        let gigabyte = Double(1 << 30)
        func monthly(_ bytes: Int64, _ tier: AccessTier) -> Double {
            Double(bytes) / gigabyte * (prices.storage[tier] ?? 0)
        }
        stored = [
            Stored(
                container: CloudKeys.masterContainer, tier: masterTier.rawValue, blobs: facts.masters,
                bytes: facts.masterBytes, monthly: monthly(facts.masterBytes, masterTier)),
            Stored(
                container: CloudKeys.previewContainer, tier: previewTier.rawValue, blobs: facts.renditions,
                bytes: facts.renditionBytes, monthly: monthly(facts.renditionBytes, previewTier)),
            Stored(
                container: "tables", tier: "Table", blobs: facts.tableRows,
                bytes: Int64(facts.tableRows) * Self.bytesPerTableRow,
                monthly: Double(Int64(facts.tableRows) * Self.bytesPerTableRow) / gigabyte * prices.tableStorage),
        ]
        monthlyEstimate = stored.map(\.monthly).reduce(0, +) + thisMonth.cost
        let minimum = prices.minimumDays[masterTier] ?? 0
        earlyDeletionExposure = facts.pendingPurges.map { purge in
            let age = purge.uploadedAt.map { now.timeIntervalSince($0) / 86_400 } ?? 0
            return max(0, minimum - age) / 30 * monthly(purge.bytes, masterTier)
        }.reduce(0, +)
        let restoreReads = facts.masters + Int((Double(facts.tableRows) / 1000).rounded(.up))
        restoreEverything = Restore(
            reads: restoreReads, retrievedBytes: facts.masterBytes,
            cost: Double(facts.masters) / 10_000 * prices.perTenThousand(.read, tier: masterTier)
                + Double(facts.masterBytes) / gigabyte * (prices.retrieval[masterTier] ?? 0)
                + Double(restoreReads - facts.masters) / 10_000 * prices.tableTransactions)
        rcloneHot = Mirror(
            storedBytes: facts.presentBytes, monthly: monthly(facts.presentBytes, .hot),
            uploads: facts.versionsRecorded,
            uploadCost: Double(facts.versionsRecorded) / 10_000 * prices.perTenThousand(.write, tier: .hot))
        let writes = counts.filter { $0.billingClass == BillingClass.write.rawValue }.map(\.requests).reduce(0, +)
        writesPerPhoto = facts.masters > 0 ? Double(writes) / Double(facts.masters) : nil
        profiles = CostProfile.all(facts: facts, prices: prices, masterTier: masterTier, previewTier: previewTier)
    }

    /// Requests by class and what they cost; a request that named no tier is priced at Hot (the account's default).
    static func price(_ counts: [RequestCount], _ prices: PriceTable) -> Operations {
        var operations = Operations()
        for count in counts {
            operations.requests[count.billingClass, default: 0] += count.requests
            let billing = BillingClass(rawValue: count.billingClass) ?? .other
            let tier = AccessTier(rawValue: count.tier) ?? .hot
            operations.cost += Double(count.requests) / 10_000 * prices.perTenThousand(billing, tier: tier)
        }
        return operations
    }
}
