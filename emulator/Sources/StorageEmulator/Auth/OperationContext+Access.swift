extension OperationContext {
    /// Authorizes an operation by its route-table declaration alone, for the operations whose rule depends on no
    /// stored state: the ones the emulator answers 501, Abort Copy Blob and Get Account Information (any caller,
    /// anonymous or holding a SAS for something else, used to get the 501 or 409 meant for an authorized one, or
    /// the account's details), and the container, queue and table ACLs (account key only).
    func authorize(_ access: OperationAccess, container: String?, blob: String?) throws {
        guard case .sharedAccessSignature(let grant) = credential else {
            let requirement = AccessRequirement("r", access.resourceType ?? .service, container: container, blob: blob)
            return try authorize(requirement, publicRead: access.anonymous == .hidden ? false : nil)
        }
        var resourceType = access.resourceType ?? .container
        let letters: OperationAccess.Letters?
        if case .account(_, let types) = grant.scope {
            letters = access.account
            if access.resourceType == nil, let any = types.first { resourceType = any }
        } else {
            letters = access.service
        }
        guard let letters else {
            // Checked after the service, as Azure orders its checks: a SAS for another service says so first.
            try grant.allows(AccessRequirement("-", resourceType, container: container, blob: blob, alternatives: grant.permissions))
            throw StorageError.authorizationFailure("Only the account key may perform this operation.")
        }
        let anyOf = letters.anyOf.isEmpty ? grant.permissions : Set(letters.anyOf)
        try grant.allows(
            AccessRequirement(
                anyOf.sorted().first ?? "-", resourceType, container: container, blob: blob,
                needsAccountLevel: access.service == nil, alternatives: anyOf, alsoRequires: Set(letters.allOf)))
    }
}
