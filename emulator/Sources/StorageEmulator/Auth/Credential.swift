import Foundation

/// Who a request proved to be, once its signature checked out.
public enum Credential: Sendable {
    /// Signed with an account key (SharedKey or SharedKeyLite): full access to that account.
    case sharedKey(account: String)
    /// A shared access signature: access limited to what the grant allows.
    case sharedAccessSignature(SASGrant)
    /// No credentials: only public containers can be read.
    case anonymous
}

/// Account SAS resource types (`srt`): service, container (or queue/table), object.
public enum ResourceType: Character, Sendable, Hashable {
    case service = "s"
    case container = "c"
    case object = "o"
}

/// A PartitionKey/RowKey window of a table SAS (`spk`, `srk`, `epk`, `erk`); both ends are inclusive.
public struct TableKeyRange: Sendable, Equatable {
    /// `spk`: the first partition the SAS opens.
    public var startPartitionKey: String?
    /// `srk`: the first row of the first partition.
    public var startRowKey: String?
    /// `epk`: the last partition the SAS opens.
    public var endPartitionKey: String?
    /// `erk`: the last row of the last partition.
    public var endRowKey: String?

    /// A window; nil bounds are open.
    public init(
        startPartitionKey: String? = nil, startRowKey: String? = nil, endPartitionKey: String? = nil,
        endRowKey: String? = nil
    ) {
        self.startPartitionKey = startPartitionKey
        self.startRowKey = startRowKey
        self.endPartitionKey = endPartitionKey
        self.endRowKey = endRowKey
    }

    /// Whether an entity's keys fall inside the window. Keys compare ordinally (by UTF-8 bytes), as the
    /// service orders them; a row key bound only applies within its own partition.
    public func contains(partitionKey: String, rowKey: String) -> Bool {
        if let start = startPartitionKey {
            if Self.ordinal(partitionKey, start) < 0 { return false }
            if partitionKey == start, let startRow = startRowKey, Self.ordinal(rowKey, startRow) < 0 { return false }
        }
        if let end = endPartitionKey {
            if Self.ordinal(partitionKey, end) > 0 { return false }
            if partitionKey == end, let endRow = endRowKey, Self.ordinal(rowKey, endRow) > 0 { return false }
        }
        return true
    }

    private static func ordinal(_ lhs: String, _ rhs: String) -> Int {
        if lhs == rhs { return 0 }
        return lhs.utf8.lexicographicallyPrecedes(rhs.utf8) ? -1 : 1
    }
}

/// What one operation needs, so any credential can be checked against it.
public struct AccessRequirement: Sendable {
    /// The SAS permission letter the operation needs (`r` read, `w` write, `d` delete, `l` list, `a` add,
    /// `c` create, `u` update, `p` process, `t` tags, `x` delete version, `i` set immutability).
    public var permission: Character
    /// Letters that satisfy the requirement in place of `permission` (Put Blob of a new blob takes `c` or `w`).
    public var alternatives: Set<Character>
    /// Letters needed on top of `permission` (Insert Or Replace Entity needs both `a` and `u`).
    public var alsoRequires: Set<Character>
    /// The account SAS resource type (`srt`) the operation works on.
    public var resourceType: ResourceType
    /// Container, queue or table name; nil for service-level operations.
    public var container: String?
    /// Blob name; nil for container-level operations.
    public var blob: String?
    /// The entity's PartitionKey, for table operations on one entity: a table SAS may limit it to a range.
    public var partitionKey: String?
    /// The entity's RowKey, with `partitionKey`.
    public var rowKey: String?
    /// True when a service SAS (as opposed to an account SAS) may not perform this operation at all
    /// (container ACL, service properties…): Azure requires the account key or an account SAS for those.
    public var needsAccountLevel: Bool

    /// A requirement; by default one permission letter, nothing more.
    public init(
        _ permission: Character, _ resourceType: ResourceType, container: String? = nil, blob: String? = nil,
        needsAccountLevel: Bool = false, alternatives: Set<Character> = [], alsoRequires: Set<Character> = [],
        partitionKey: String? = nil, rowKey: String? = nil
    ) {
        self.permission = permission
        self.resourceType = resourceType
        self.container = container
        self.blob = blob
        self.needsAccountLevel = needsAccountLevel
        self.alternatives = alternatives
        self.alsoRequires = alsoRequires
        self.partitionKey = partitionKey
        self.rowKey = rowKey
    }
}

/// A stored access policy (`<SignedIdentifier>`) a service SAS may name with `si=`.
public struct StoredAccessPolicy: Sendable, Equatable, Codable {
    /// The identifier a SAS names with `si=`.
    public var id: String
    /// When SAS tokens naming the policy start to work (nil: the token must say, or from now).
    public var start: Date?
    /// When they stop working (nil: the token must say).
    public var expiry: Date?
    /// The permission letters they grant (nil: the token must say).
    public var permissions: String?

    /// A policy as the ACL stores it.
    public init(id: String, start: Date? = nil, expiry: Date? = nil, permissions: String? = nil) {
        self.id = id
        self.start = start
        self.expiry = expiry
        self.permissions = permissions
    }
}

/// Where the authenticator finds stored access policies: the container ACL, queue ACL or table ACL.
///
/// `resource` is the container or queue name from the URL, or a table SAS's `tn` as the client wrote it
/// (table names compare case-insensitively, so a table lookup should too).
public protocol StoredAccessPolicyLookup: Sendable {
    func storedPolicies(account: String, service: ServiceKind, resource: String) async throws -> [StoredAccessPolicy]
}
