/// A parsed `$filter` expression of the subset of OData v3 Azure Tables accepts.
indirect enum ODataFilter: Sendable, Equatable {
    case and(ODataFilter, ODataFilter)
    case or(ODataFilter, ODataFilter)
    case not(ODataFilter)
    case comparison(ODataOperand, ComparisonOperator, ODataOperand)
    /// A bare boolean property or literal used as a condition (`IsActive`, `true`).
    case condition(ODataOperand)

    /// Azure refuses filters with more than this many comparisons.
    static let maximumComparisons = 15

    /// The deepest nesting of parentheses and `not` the parser accepts. Azure documents no limit but refuses
    /// absurd filters with 400 `InvalidInput`; 15 comparisons combined by an SDK's `CombineFilters` nest about
    /// 16 deep, so 64 leaves room for any real filter while keeping the parser's recursion shallow.
    static let maximumNesting = 64

    /// Property names the expression reads, so a scan can skip decoding rows it does not need to.
    var referencedProperties: Set<String> {
        switch self {
        case .and(let a, let b), .or(let a, let b): a.referencedProperties.union(b.referencedProperties)
        case .not(let inner): inner.referencedProperties
        case .comparison(let a, _, let b): Set([a, b].compactMap(\.propertyName))
        case .condition(let operand): Set([operand].compactMap(\.propertyName))
        }
    }
}

/// One side of a comparison.
enum ODataOperand: Sendable, Equatable {
    case property(String)
    case literal(EdmValue)

    var propertyName: String? {
        if case .property(let name) = self { return name }
        return nil
    }
}

/// `eq ne gt ge lt le`.
enum ComparisonOperator: String, Sendable, CaseIterable {
    case eq, ne, gt, ge, lt, le

    /// Applies the operator to the result of `EdmValue.compare`.
    func holds(_ order: Int) -> Bool {
        switch self {
        case .eq: order == 0
        case .ne: order != 0
        case .gt: order > 0
        case .ge: order >= 0
        case .lt: order < 0
        case .le: order <= 0
        }
    }

    /// The operator with its operands swapped (`5 lt Age` is `Age gt 5`).
    var mirrored: ComparisonOperator {
        switch self {
        case .eq, .ne: self
        case .gt: .lt
        case .ge: .le
        case .lt: .gt
        case .le: .ge
        }
    }
}

extension ODataFilter {
    /// Whether an entity (seen through `lookup`, which returns nil for a missing property) matches.
    ///
    /// As in Azure, a comparison involving a missing property, or values of types that cannot be
    /// compared, is false; `ne` is false too, so `not (A eq 1)` and `A ne 1` differ on entities without A.
    func matches(_ lookup: (String) -> EdmValue?) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(lookup) && b.matches(lookup)
        case .or(let a, let b): return a.matches(lookup) || b.matches(lookup)
        case .not(let inner): return !inner.matches(lookup)
        case .comparison(let lhs, let op, let rhs):
            guard let left = Self.resolve(lhs, lookup), let right = Self.resolve(rhs, lookup),
                let order = left.compare(to: right)
            else { return false }
            return op.holds(order)
        case .condition(let operand):
            if case .boolean(true)? = Self.resolve(operand, lookup) { return true }
            return false
        }
    }

    private static func resolve(_ operand: ODataOperand, _ lookup: (String) -> EdmValue?) -> EdmValue? {
        switch operand {
        case .property(let name): lookup(name)
        case .literal(let value): value
        }
    }
}
