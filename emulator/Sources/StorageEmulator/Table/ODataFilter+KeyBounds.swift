/// A condition on a key column that a filter implies, for narrowing the SQL scan before the
/// filter itself is evaluated on each row (which still decides; the bounds only skip rows).
struct KeyBound: Sendable, Equatable {
    enum Column: String, Sendable { case partitionKey = "partition_key", rowKey = "row_key" }
    var column: Column
    var op: ComparisonOperator
    var value: String

    /// The SQL condition, for example `partition_key >= ?`.
    var sql: String {
        let symbol =
            switch op {
            case .eq: "="
            case .ne: "<>"
            case .gt: ">"
            case .ge: ">="
            case .lt: "<"
            case .le: "<="
            }
        return "\(column.rawValue) \(symbol) ?"
    }
}

extension ODataFilter {
    /// Key conditions every matching entity must satisfy: the string comparisons on PartitionKey and
    /// RowKey found among the top-level `and` terms. (`ne` is left out: it cannot narrow an index scan.)
    var keyBounds: [KeyBound] {
        var bounds: [KeyBound] = []
        collectBounds(into: &bounds)
        return bounds
    }

    private func collectBounds(into bounds: inout [KeyBound]) {
        switch self {
        case .and(let a, let b):
            a.collectBounds(into: &bounds)
            b.collectBounds(into: &bounds)
        case .comparison(.property(let name), let op, .literal(.string(let value))):
            Self.addBound(name, op, value, into: &bounds)
        case .comparison(.literal(.string(let value)), let op, .property(let name)):
            Self.addBound(name, op.mirrored, value, into: &bounds)
        default:
            break
        }
    }

    private static func addBound(_ name: String, _ op: ComparisonOperator, _ value: String, into bounds: inout [KeyBound]) {
        guard op != .ne else { return }
        switch name {
        case "PartitionKey": bounds.append(KeyBound(column: .partitionKey, op: op, value: value))
        case "RowKey": bounds.append(KeyBound(column: .rowKey, op: op, value: value))
        default: break
        }
    }
}
