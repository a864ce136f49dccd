import Foundation
import Logging

/// The Blob service: containers, block blobs uploaded whole or in resumable blocks, streamed and
/// parallel downloads with MD5 checks, listing, tiers, copies and SAS links.
package struct BlobClient: Sendable {
    let pipeline: StoragePipeline
    let options: BlobTransferOptions

    init(pipeline: StoragePipeline, options: BlobTransferOptions) {
        self.pipeline = pipeline
        self.options = options
    }

    var transport: HTTPTransport { pipeline.transport }

    func endpoint() throws(AzureStorageError) -> String { try pipeline.connection.endpoint(.blob) }

    func blobURL(_ container: String, _ name: String) throws(AzureStorageError) -> ResourceURL {
        ResourceURL(endpoint: try endpoint(), container: container, blob: name)
    }

    func call(_ operation: String, _ method: String, container: String, blob: String? = nil) throws(AzureStorageError)
        -> StorageCall
    {
        let url = ResourceURL(endpoint: try endpoint(), container: container, blob: blob)
        return StorageCall(
            operation, target: blob.map { "\(container)/\($0)" } ?? container, method: method, url: url, service: .blob)
    }

    // MARK: containers

    /// Creates a container; returns false when it already existed.
    @discardableResult
    package func createContainer(_ name: String) async throws -> Bool {
        var call = try call("CreateContainer", "PUT", container: name)
        call.url = call.url.adding("restype", "container")
        return try await pipeline.sendUnless(.alreadyExists, call)
    }

    /// Deletes a container and everything in it; returns false when there was none.
    @discardableResult
    package func deleteContainer(_ name: String) async throws -> Bool {
        var call = try call("DeleteContainer", "DELETE", container: name)
        call.url = call.url.adding("restype", "container")
        return try await pipeline.sendUnless(.notFound, call)
    }

    // MARK: single-request blob operations

    /// Get Blob Properties (of the current version, or of `versionID`); throws a 404 `AzureStorageError`
    /// (`isNotFound`) when the blob is absent.
    package func properties(container: String, name: String, versionID: String? = nil) async throws -> BlobProperties {
        var call = try call("GetBlobProperties", "HEAD", container: container, blob: name)
        call.url = call.url.adding("versionid", versionID)
        let response = try await pipeline.send(call)
        return BlobProperties(headers: response.headers)
    }

    /// Get Blob Properties, or nil when the blob does not exist.
    package func propertiesIfExists(container: String, name: String, versionID: String? = nil) async throws
        -> BlobProperties?
    {
        do {
            return try await properties(container: container, name: name, versionID: versionID)
        } catch let error as AzureStorageError where error.isNotFound {
            return nil
        }
    }

    /// Deletes a blob with its snapshots; returns false when it was not there. With `ifMatch`, only
    /// that version: a blob written again since fails with 412 (`isConditionNotMet`) and stays. With
    /// `versionID`, that previous version (an account keeping versions turns a plain delete into one).
    @discardableResult
    package func delete(container: String, name: String, ifMatch: String? = nil, versionID: String? = nil)
        async throws -> Bool
    {
        var call = try call("DeleteBlob", "DELETE", container: container, blob: name)
        if let versionID {
            call.url = call.url.adding("versionid", versionID)
        } else {
            call.headers.set("x-ms-delete-snapshots", "include")
        }
        if let ifMatch { call.headers.set("if-match", ifMatch) }
        return try await pipeline.sendUnless(.notFound, call)
    }

    /// Moves a blob to another access tier (Archive makes it unreadable until rehydrated).
    package func setTier(container: String, name: String, tier: AccessTier) async throws {
        var call = try call("SetBlobTier", "PUT", container: container, blob: name)
        call.url = call.url.adding("comp", "tier")
        call.headers.set("x-ms-access-tier", tier.rawValue)
        _ = try await pipeline.send(call)
    }

    /// Copy Blob within the account. With a SAS-only connection the source is read with the same token.
    package func copy(fromContainer: String, name: String, toContainer: String, name destination: String) async throws
        -> BlobCopyResult
    {
        var call = try call("CopyBlob", "PUT", container: toContainer, blob: destination)
        var source = try blobURL(fromContainer, name).string()
        if case .sharedAccessSignature(let token) = pipeline.connection.credential { source += "?" + token }
        call.headers.set("x-ms-copy-source", source)
        let response = try await pipeline.send(call)
        return BlobCopyResult(
            copyID: response.headers["x-ms-copy-id"], status: response.headers["x-ms-copy-status"],
            etag: response.headers["etag"])
    }

    /// A URL anyone can use to read one blob until `expiry` (for sharing a photo). Needs the account key.
    package func sharedAccessURL(
        container: String, name: String, permissions: String = "r", expiry: Date,
        options: SharedAccessSignature.Options = SharedAccessSignature.Options()
    ) throws -> String {
        guard case .sharedKey(let account, let key) = pipeline.connection.credential else {
            throw AzureStorageError(
                .invalidArgument, operation: "GenerateSAS \(container)/\(name)",
                detail:
                    "SAS links are signed with the account key; this connection has \(pipeline.connection.credential)")
        }
        let token = SharedAccessSignature(accountName: account, key: key).blob(
            container: container, blob: name, permissions: permissions, expiry: expiry, options: options)
        return try blobURL(container, name).string(sas: token)
    }
}
