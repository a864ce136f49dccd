extension StorageError {
    // Errors of the Table service, with Azure's codes and messages.

    static func tableInvalidInput(_ detail: String) -> StorageError {
        StorageError(.badRequest, "InvalidInput", "One of the request inputs is not valid. \(detail)")
    }

    static func outOfRangeInput(_ detail: String) -> StorageError {
        StorageError(.badRequest, "OutOfRangeInput", "One of the request inputs is out of range. \(detail)")
    }

    static func tableNotFound(_ name: String) -> StorageError {
        StorageError(.notFound, "TableNotFound", "The table specified does not exist. (\(name))")
    }

    static func tableAlreadyExists(_ name: String) -> StorageError {
        StorageError(.conflict, "TableAlreadyExists", "The table specified already exists. (\(name))")
    }

    static func entityAlreadyExists() -> StorageError {
        StorageError(.conflict, "EntityAlreadyExists", "The specified entity already exists.")
    }

    static func entityNotFound() -> StorageError { resourceNotFound() }

    static func updateConditionNotSatisfied() -> StorageError {
        StorageError(
            .preconditionFailed, "UpdateConditionNotSatisfied", "The update condition specified in the request was not satisfied.")
    }

    static func invalidTableName(_ name: String) -> StorageError {
        if name.count < 3 || name.count > 63 {
            return StorageError(
                .badRequest, "OutOfRangeInput",
                "The specified resource name length is not within the permissible limits. '\(name)' must be 3 to 63 characters.")
        }
        return StorageError(
            .badRequest, "InvalidResourceName",
            "The specified resource name contains invalid characters. '\(name)' must be letters and digits, starting with a letter.")
    }

    /// A refused `$filter`, quoting at most its first 200 characters: a hostile one can be tens of kilobytes.
    static func invalidFilter(_ error: ODataFilterError, filter: String) -> StorageError {
        let quoted = filter.count > 200 ? String(filter.prefix(200)) + "…" : filter
        return StorageError(
            .badRequest, "InvalidInput",
            "One of the request inputs is not valid. The $filter '\(quoted)' is malformed: \(error).")
    }
}
