extension StorageError {
    // Errors of the Queue service, with Azure's codes and messages.

    static func queueNotFound(_ name: String) -> StorageError {
        StorageError(.notFound, "QueueNotFound", "The specified queue does not exist. (\(name))")
    }

    static func queueAlreadyExists(_ name: String) -> StorageError {
        StorageError(.conflict, "QueueAlreadyExists", "The specified queue already exists. (\(name))")
    }

    static func messageNotFound() -> StorageError {
        StorageError(.notFound, "MessageNotFound", "The specified message does not exist.")
    }

    static func outOfRangeQueryParameter(_ name: String, _ value: String, minimum: Int, maximum: Int) -> StorageError {
        StorageError(
            .badRequest, "OutOfRangeQueryParameterValue",
            "One of the query parameters specified in the request URI is outside the permissible range. \(name)=\(value) must be between \(minimum) and \(maximum).",
            details: [
                ("QueryParameterName", name), ("QueryParameterValue", value), ("MinimumAllowed", String(minimum)),
                ("MaximumAllowed", String(maximum)),
            ])
    }

    static func missingQueryParameter(_ name: String) -> StorageError {
        StorageError(
            .badRequest, "MissingRequiredQueryParameter",
            "A query parameter that's mandatory for this request is not specified: \(name).",
            details: [("QueryParameterName", name)])
    }

    static func invalidQueueName(_ name: String) -> StorageError {
        if name.count < 3 || name.count > 63 {
            return StorageError(
                .badRequest, "OutOfRangeInput",
                "The specified resource name length is not within the permissible limits. '\(name)' must be 3 to 63 characters.")
        }
        return StorageError(
            .badRequest, "InvalidResourceName",
            "The specifed resource name contains invalid characters. '\(name)' must be lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")
    }
}
