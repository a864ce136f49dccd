import AzureStorage
import TOMLKit

/// What Azure charges, per region: storage per GB-month, requests per 10,000 by billing class and tier,
/// retrieval per GB, minimum days before an early-deletion charge, tables and queues. Read from TOML
/// (`defaultText`, or a file given with `--prices`); every key is required so a typo cannot price at zero.
package struct PriceTable: Sendable, Equatable {
    package var region: String
    package var redundancy: String
    package var currency: String
    /// When the prices were taken (free text: a date, and how sure).
    package var taken: String
    package var storage: [AccessTier: Double]
    package var write: [AccessTier: Double]
    package var read: [AccessTier: Double]
    package var retrieval: [AccessTier: Double]
    package var list: [AccessTier: Double]
    package var other: [AccessTier: Double]
    package var minimumDays: [AccessTier: Double]
    package var tableTransactions: Double
    package var tableStorage: Double
    package var queueOperations: Double

    package static var defaults: PriceTable {
        // The built-in text is checked by the tests; failing here would be a build that ships broken text.
        try! parse(defaultText)
    }

    package static func load(file: String) throws -> PriceTable {
        try TOMLDocument.load(file: file, parse)
    }

    package static func parse(_ text: String) throws -> PriceTable {
        let root = try TOMLDocument.table(text)
        func string(_ key: String) throws -> String {
            guard let value = root[key]?.string else { throw ConfigurationError(key: key, "a string is required") }
            return value
        }
        func number(_ table: String, _ key: String) throws -> Double {
            guard let value = root[table]?.table?[key], let number = value.double ?? value.int.map(Double.init),
                number >= 0
            else { throw ConfigurationError(key: "\(table).\(key)", "a price of 0 or more is required") }
            return number
        }
        func tiers(_ table: String) throws -> [AccessTier: Double] {
            var prices: [AccessTier: Double] = [:]
            for tier in AccessTier.allCases { prices[tier] = try number(table, tier.rawValue) }
            return prices
        }
        return PriceTable(
            region: try string("region"), redundancy: try string("redundancy"), currency: try string("currency"),
            taken: try string("taken"), storage: try tiers("storage"), write: try tiers("write"),
            read: try tiers("read"),
            retrieval: try tiers("retrieval"), list: try tiers("list"), other: try tiers("other"),
            minimumDays: try tiers("minimum_days"), tableTransactions: try number("table", "transactions"),
            tableStorage: try number("table", "storage"), queueOperations: try number("queue", "operations"))
    }

    /// The price of 10,000 requests of `billingClass` on blobs of `tier` (deletes are free in v2 accounts).
    package func perTenThousand(_ billingClass: BillingClass, tier: AccessTier) -> Double {
        switch billingClass {
        case .write: write[tier] ?? 0
        case .read: read[tier] ?? 0
        case .listCreate: list[tier] ?? 0
        case .other: other[tier] ?? 0
        case .delete: 0
        case .table: tableTransactions
        case .queue: queueOperations
        }
    }
}
