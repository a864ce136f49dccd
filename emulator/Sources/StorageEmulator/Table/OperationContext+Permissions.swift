extension OperationContext {
    /// Authorizes an operation whose SAS permission letter depends on the kind of SAS: a service SAS
    /// (queue or table) uses `service` letters, an account SAS uses `account` letters. Any one of the
    /// listed letters is enough. An empty `service` means a service SAS may not do this at all.
    func authorize(
        service: String, account: String, _ resourceType: ResourceType, resource: String?
    ) throws {
        var letters = account
        var accountLevelOnly = service.isEmpty
        if case .sharedAccessSignature(let grant) = credential {
            if case .account = grant.scope {
                letters = account
            } else {
                letters = service
            }
            let letter = letters.first { grant.permissions.contains($0) } ?? letters.first ?? "-"
            if letters.isEmpty { accountLevelOnly = true }
            try authorize(AccessRequirement(letter, resourceType, container: resource, needsAccountLevel: accountLevelOnly))
            return
        }
        try authorize(
            AccessRequirement(letters.first ?? "r", resourceType, container: resource, needsAccountLevel: accountLevelOnly))
    }

    /// The PartitionKey/RowKey window of a table SAS, if the request carries one.
    var tableKeyRange: TableKeyRange? {
        if case .sharedAccessSignature(let grant) = credential, case .table(_, let range) = grant.scope { return range }
        return nil
    }
}
