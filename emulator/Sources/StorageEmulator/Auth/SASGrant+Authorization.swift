extension SASGrant {
    /// Throws the 403 Azure answers when the grant does not cover the requirement: the service, the
    /// resource type, the resource itself, then the permission letters, in that order.
    func allows(_ requirement: AccessRequirement) throws {
        switch scope {
        case .account(let services, let resourceTypes):
            guard services.contains(service) else {
                throw StorageError.authorizationServiceMismatch(
                    "The account SAS does not cover the \(service) service.")
            }
            guard resourceTypes.contains(requirement.resourceType) else {
                throw StorageError.authorizationResourceTypeMismatch(
                    "The account SAS does not cover resource type '\(requirement.resourceType.rawValue)'.")
            }
        case .container(let name):
            guard !requirement.needsAccountLevel, requirement.resourceType != .service, requirement.container == name
            else {
                throw StorageError.authorizationFailure("The SAS is for \(name) only.")
            }
        case .blob(let container, let blob):
            guard !requirement.needsAccountLevel, requirement.container == container, requirement.blob == blob else {
                throw StorageError.authorizationFailure("The SAS is for blob \(container)/\(blob) only.")
            }
        case .table(let name, let range):
            guard !requirement.needsAccountLevel, requirement.resourceType != .service,
                requirement.container?.lowercased() == name.lowercased()
            else {
                throw StorageError.authorizationFailure("The SAS is for table \(name) only.")
            }
            if let range, let partitionKey = requirement.partitionKey, let rowKey = requirement.rowKey,
                !range.contains(partitionKey: partitionKey, rowKey: rowKey)
            {
                throw StorageError.authorizationFailure("The entity's keys are outside the SAS's key range.")
            }
        }
        let primary =
            permissions.contains(requirement.permission) || !permissions.isDisjoint(with: requirement.alternatives)
        guard primary, requirement.alsoRequires.isSubset(of: permissions) else {
            let needed = ([requirement.permission] + requirement.alternatives.sorted()).map(String.init).joined(
                separator: "' or '")
            let extra = requirement.alsoRequires.isEmpty ? "" : " and '\(String(requirement.alsoRequires.sorted()))'"
            throw StorageError.authorizationPermissionMismatch("Needs permission '\(needed)'\(extra).")
        }
    }
}
