import Catalog
import Synchronization

/// The total and the facets of a query, kept until the catalog changes (`Catalog.changeStamp`): counting a
/// whole library's facets reads every row, while a person scrolling, paging and going back asks the same
/// question again and again. At most `capacity` queries are kept; the oldest entry goes first.
final class ResultSummaries: Sendable {
    struct Summary: Sendable {
        var total: Int
        var facets: FacetCounts
    }

    let catalog: Catalog
    let capacity = 256
    private let entries = Mutex<[String: (stamp: Int64, order: Int, summary: Summary)]>([:])
    private let counter = Atomic<Int>(0)

    init(catalog: Catalog) { self.catalog = catalog }

    func summary(of query: SearchQuery, text: String) throws -> Summary {
        let stamp = try catalog.changeStamp()
        if let entry = entries.withLock({ $0[text] }), entry.stamp == stamp { return entry.summary }
        let counted = try catalog.facetCountsAndTotal(query)
        let summary = Summary(total: counted.total, facets: counted.facets)
        let order = counter.add(1, ordering: .relaxed).newValue
        entries.withLock { entries in
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.order < $1.value.order })?.key {
                entries[oldest] = nil
            }
            entries[text] = (stamp, order, summary)
        }
        return summary
    }
}
