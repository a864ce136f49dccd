import GRDB

/// Requests counted on one UTC day for one operation, billing class and tier: a row of `cloud_requests`.
/// The classes are AzureStorage's `BillingClass` names; the catalog only stores them.
package struct RequestCount: Sendable, Equatable, Hashable, Codable {
    package var day: String
    package var service: String
    package var operation: String
    package var billingClass: String
    /// The tier the request named, or "" for the account's default.
    package var tier: String
    package var requests: Int

    package init(day: String, service: String, operation: String, billingClass: String, tier: String, requests: Int) {
        self.day = day
        self.service = service
        self.operation = operation
        self.billingClass = billingClass
        self.tier = tier
        self.requests = requests
    }
}

extension Catalog {
    /// Adds counts to their days' rows, all in one transaction (the ledger gathers what arrived while it wrote).
    package func addRequestCounts(_ counts: [RequestCount]) throws {
        guard !counts.isEmpty else { return }
        try write { db in
            for count in counts {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO cloud_requests (day, service, operation, class, tier, requests)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (day, service, operation, class, tier) DO UPDATE SET requests = requests + excluded.requests
                        """
                ).execute(
                    arguments: [
                        count.day, count.service, count.operation, count.billingClass, count.tier, count.requests,
                    ])
            }
        }
    }

    /// Every counted row from `day` on (the whole history when nil), oldest day first.
    package func requestCounts(since day: String? = nil) throws -> [RequestCount] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT day, service, operation, class, tier, requests FROM cloud_requests
                    WHERE day >= ? ORDER BY day, service, operation, class, tier
                    """, arguments: [day ?? ""]
            ).map {
                RequestCount(
                    day: $0[0], service: $0[1], operation: $0[2], billingClass: $0[3], tier: $0[4], requests: $0[5])
            }
        }
    }
}
