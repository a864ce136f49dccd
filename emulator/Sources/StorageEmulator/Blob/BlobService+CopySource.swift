import Foundation
import HTTPTypes

/// Whether a Copy Blob may read its source. The destination's credential only covers the destination: Azure reads
/// the source as a client of its own would, so the source must be in a public container, be in the same account as a
/// SharedKey-signed request, or carry in its URL a SAS granting read. Anything else could copy, then read, a private
/// blob of another container or account with a token that never granted it.
extension BlobService {
    func authorizeCopySource(
        _ source: BlobTarget, url: URLComponents, _ context: OperationContext
    ) async throws {
        let read = AccessRequirement("r", .object, container: source.container, blob: source.blob)
        if url.queryItems?.contains(where: { $0.name.lowercased() == "sig" }) == true {
            try await Self.verifySourceSignature(url, read, context)
            return
        }
        if case .sharedKey(let account) = context.credential, account == source.account { return }
        let container = try await blobs.read { db in
            try ContainerRecord.find(db, account: source.account, name: source.container)
        }
        if container?.publicAccess != nil { return }
        // What Azure answers when its anonymous read of the source fails; a missing blob answers the same,
        // so the refusal does not tell whether a private blob exists.
        throw StorageError(
            .notFound, "CannotVerifyCopySource",
            "The specified resource does not exist. The copy source \(source) is private: it needs a SAS granting "
                + "read in its URL, a public container, or a SharedKey-signed request in account \(source.account).")
    }

    /// Verifies the SAS of the source URL as Azure's copy engine would present it, against the source account's keys.
    private static func verifySourceSignature(
        _ url: URLComponents, _ read: AccessRequirement, _ context: OperationContext
    ) async throws {
        let target = url.percentEncodedPath + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
        do {
            let request = try StorageRequest(service: .blob, method: .get, target: target, headers: [:])
            // Azure checks a source `sip` against its copy engine's address; the emulator has none to check.
            let credential = try await context.authenticator.authenticate(request, clientAddress: nil)
            try context.authenticator.authorize(credential, read)
        } catch let error as StorageError {
            throw StorageError.cannotVerifyCopySource(error)
        }
    }
}

extension StorageError {
    /// The source refused the copy's read: Azure answers with the source's status and says why in
    /// `x-ms-copy-source-status-code` / `x-ms-copy-source-error-code` and the body.
    static func cannotVerifyCopySource(_ source: StorageError) -> StorageError {
        var headers = HTTPFields()
        headers[HTTPField.Name("x-ms-copy-source-status-code")!] = String(source.status.code)
        headers[HTTPField.Name("x-ms-copy-source-error-code")!] = source.code
        return StorageError(
            source.status, "CannotVerifyCopySource", "Could not verify the copy source. \(source.message)",
            details: [
                ("CopySourceStatusCode", String(source.status.code)), ("CopySourceErrorCode", source.code),
                ("CopySourceErrorMessage", source.message),
            ] + source.details,
            headers: headers)
    }
}
