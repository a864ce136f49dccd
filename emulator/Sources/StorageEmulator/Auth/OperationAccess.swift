/// What an operation asks of a credential, as the route table declares it: the SAS permission letters for an
/// account SAS and for a service SAS, the account SAS resource type (`srt`), and what an anonymous caller gets.
///
/// The services authorize with `AccessRequirement`s of their own (some depend on the resource's state: Put Blob of a
/// new blob accepts `c`); the authorization matrix test checks over the wire that they agree with this declaration.
struct OperationAccess: Sendable {
    /// Permission letters, as a SAS needs them.
    struct Letters: Sendable {
        /// One of these letters suffices; empty: any permission does (the operation only needs a valid SAS).
        var anyOf: String
        /// Letters needed on top of one of `anyOf` (Insert Or Replace Entity needs `a` and `u`).
        var allOf: String = ""
    }

    /// How an anonymous request for the operation is refused when the resource is private.
    enum Anonymous: Sendable {
        /// 403 AuthenticationFailed: the operation is never open to anonymous callers.
        case refused
        /// 404 ResourceNotFound: a public container would open this read to anyone, so Azure answers an anonymous
        /// read of a private one as if it did not exist, telling a stranger nothing about what is stored.
        case hidden
    }

    /// The account SAS resource type (`srt`) the operation works on; nil: any type will do.
    var resourceType: ResourceType?
    /// Letters an account SAS needs; nil: no account SAS may perform it (the account key only).
    var account: Letters?
    /// Letters a service SAS (container, blob, queue or table SAS) needs; nil: no service SAS may perform it.
    var service: Letters?
    var anonymous: Anonymous = .refused

    /// An operation whose account SAS and service SAS both need `letters`.
    static func both(_ resourceType: ResourceType, _ letters: String, anonymous: Anonymous = .refused) -> Self {
        OperationAccess(
            resourceType: resourceType, account: Letters(anyOf: letters), service: Letters(anyOf: letters),
            anonymous: anonymous)
    }

    /// An operation only an account SAS with `letters` (or the account key) may perform.
    static func accountOnly(_ resourceType: ResourceType, _ letters: String) -> Self {
        OperationAccess(resourceType: resourceType, account: Letters(anyOf: letters), service: nil)
    }

    /// An operation only the account key may perform: every SAS is refused.
    static func accountKeyOnly(_ resourceType: ResourceType) -> Self {
        OperationAccess(resourceType: resourceType, account: nil, service: nil)
    }
}
