extension StorageError {
    // The SAS authorization errors Azure has answered since version 2015-04-05 (all 403).

    static func authorizationServiceMismatch(_ detail: String = "") -> StorageError {
        StorageError(
            .forbidden, "AuthorizationServiceMismatch",
            "This request is not authorized to perform this operation using this service. \(detail)")
    }

    static func authorizationResourceTypeMismatch(_ detail: String = "") -> StorageError {
        StorageError(
            .forbidden, "AuthorizationResourceTypeMismatch",
            "This request is not authorized to perform this operation using this resource type. \(detail)")
    }

    static func authorizationSourceIPMismatch(_ address: String, allowed: SASIPRange) -> StorageError {
        StorageError(
            .forbidden, "AuthorizationSourceIPMismatch",
            "This request is not authorized to perform this operation using this source IP \(address). "
                + "The SAS allows only \(allowed).")
    }

    static func authorizationProtocolMismatch() -> StorageError {
        StorageError(
            .forbidden, "AuthorizationProtocolMismatch",
            "This request is not authorized to perform this operation using this protocol. "
                + "The SAS allows only https and the emulator serves http."
        )
    }
}
