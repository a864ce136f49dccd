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

/// The rights a verified SAS token carries.
public struct SASGrant: Sendable {
    public enum Scope: Sendable, Equatable {
        /// An account SAS: `ss` services and `srt` resource types.
        case account(services: Set<ServiceKind>, resourceTypes: Set<ResourceType>)
        /// A service SAS for one container / queue / table (and everything in it).
        case container(String)
        /// A service SAS for one blob (`sr=b`), or a blob snapshot/version.
        case blob(container: String, blob: String)
        /// A table SAS, optionally limited to a PartitionKey/RowKey range.
        case table(String, range: TableKeyRange?)
    }
    public var account: String
    public var scope: Scope
    /// Permission letters as granted (`r`, `a`, `c`, `w`, `d`, `l`, `p`, `u`, …), after merging a stored policy.
    public var permissions: Set<Character>
    /// Response header overrides a blob SAS may carry (`rscc`, `rscd`, `rsce`, `rscl`, `rsct`).
    public var responseHeaderOverrides: [String: String]

    public init(account: String, scope: Scope, permissions: Set<Character>, responseHeaderOverrides: [String: String] = [:]) {
        self.account = account
        self.scope = scope
        self.permissions = permissions
        self.responseHeaderOverrides = responseHeaderOverrides
    }
}

/// Account SAS resource types (`srt`): service, container (or queue/table), object.
public enum ResourceType: Character, Sendable, Hashable {
    case service = "s", container = "c", object = "o"
}

/// A PartitionKey/RowKey window of a table SAS (`spk`, `srk`, `epk`, `erk`).
public struct TableKeyRange: Sendable, Equatable {
    public var startPartitionKey: String?
    public var startRowKey: String?
    public var endPartitionKey: String?
    public var endRowKey: String?

    public init(startPartitionKey: String? = nil, startRowKey: String? = nil, endPartitionKey: String? = nil, endRowKey: String? = nil) {
        self.startPartitionKey = startPartitionKey
        self.startRowKey = startRowKey
        self.endPartitionKey = endPartitionKey
        self.endRowKey = endRowKey
    }
}

/// What one operation needs, so any credential can be checked against it.
public struct AccessRequirement: Sendable {
    /// The SAS permission letter the operation needs (`r` read, `w` write, `d` delete, `l` list, `a` add,
    /// `c` create, `u` update, `p` process, `t` tags, `x` delete version, `i` set immutability).
    public var permission: Character
    public var resourceType: ResourceType
    /// Container, queue or table name; nil for service-level operations.
    public var container: String?
    /// Blob name; nil for container-level operations.
    public var blob: String?
    /// True when a service SAS (as opposed to an account SAS) may not perform this operation at all
    /// (container ACL, service properties…): Azure requires the account key or an account SAS for those.
    public var needsAccountLevel: Bool

    public init(_ permission: Character, _ resourceType: ResourceType, container: String? = nil, blob: String? = nil, needsAccountLevel: Bool = false) {
        self.permission = permission
        self.resourceType = resourceType
        self.container = container
        self.blob = blob
        self.needsAccountLevel = needsAccountLevel
    }
}

/// A stored access policy (`<SignedIdentifier>`) a service SAS may name with `si=`.
public struct StoredAccessPolicy: Sendable, Equatable, Codable {
    public var id: String
    public var start: Date?
    public var expiry: Date?
    public var permissions: String?

    public init(id: String, start: Date? = nil, expiry: Date? = nil, permissions: String? = nil) {
        self.id = id
        self.start = start
        self.expiry = expiry
        self.permissions = permissions
    }
}

/// Where the authenticator finds stored access policies: the container ACL, queue ACL or table ACL.
public protocol StoredAccessPolicyLookup: Sendable {
    func storedPolicies(account: String, service: ServiceKind, resource: String) async throws -> [StoredAccessPolicy]
}
