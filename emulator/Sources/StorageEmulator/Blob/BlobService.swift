import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Blob service: identifies the operation, authorizes it, and runs it against the `BlobStore`.
struct BlobService: StorageServiceHandler {
    let kind = ServiceKind.blob
    let blobs: BlobStore
    /// Per-account features (versioning, soft delete, immutability); an account not named has none.
    let features: [String: AccountFeatures]
    /// How long leaving Archive takes (`--rehydrate-seconds`).
    var rehydration = RehydrationDelays()

    init(store: BlobStore, features: [String: AccountFeatures] = [:], rehydration: RehydrationDelays = RehydrationDelays()) {
        blobs = store
        self.features = features
        self.rehydration = rehydration
    }

    func respond(to request: StorageRequest, context: OperationContext) async throws -> Response {
        let container = request.segments.first.flatMap { $0.isEmpty ? nil : $0 }
        let blobName = request.segments.count > 1 ? request.segments.dropFirst().joined(separator: "/") : nil
        guard
            let operation = BlobOperation.identify(
                method: request.method, hasContainer: container != nil, hasBlob: blobName?.isEmpty == false,
                restype: request.query("restype"), comp: request.query("comp"),
                copySource: request.header("x-ms-copy-source") != nil)
        else {
            throw StorageError(
                .badRequest, "UnsupportedHttpVerb",
                "The resource doesn't support \(request.method) \(request.encodedPath) with these query parameters.")
        }
        if let container { try Self.validateContainerName(container) }
        let target = BlobTarget(account: request.account, container: container ?? "", blob: blobName ?? "")
        if BlobOperation.unimplemented.contains(operation) {
            // Refused callers hear 403 first, as Azure would answer them, before learning what is not implemented.
            try context.authorize(operation.route.access, container: container, blob: blobName)
            throw StorageError.unsupportedOperation(operation.rawValue, request.encodedPath)
        }
        try await checkTagCondition(operation, target, request, context)
        switch operation {
        case .listContainers: return try await listContainers(request, context)
        case .getServiceProperties: return try await getServiceProperties(request, context)
        case .setServiceProperties: return try await setServiceProperties(request, context)
        case .getAccountInfo: return try getAccountInfo(request, context)
        case .createContainer: return try await createContainer(target, request, context)
        case .getContainerProperties, .getContainerMetadata: return try await getContainerProperties(target, request, context)
        case .deleteContainer: return try await deleteContainer(target, request, context)
        case .setContainerMetadata: return try await setContainerMetadata(target, request, context)
        case .getContainerACL: return try await getContainerACL(target, request, context)
        case .setContainerACL: return try await setContainerACL(target, request, context)
        case .leaseContainer: return try await leaseContainer(target, request, context)
        case .listBlobs: return try await listBlobs(target, request, context)
        case .putBlob: return try await putBlob(target, request, context)
        case .getBlob: return try await getBlob(target, request, context, headOnly: false)
        case .getBlobProperties: return try await getBlob(target, request, context, headOnly: true)
        case .getBlobMetadata: return try await getBlobMetadata(target, request, context)
        case .deleteBlob: return try await deleteBlob(target, request, context)
        case .setBlobProperties: return try await setBlobProperties(target, request, context)
        case .setBlobMetadata: return try await setBlobMetadata(target, request, context)
        case .putBlock: return try await putBlock(target, request, context)
        case .putBlockList: return try await putBlockList(target, request, context)
        case .getBlockList: return try await getBlockList(target, request, context)
        case .snapshotBlob: return try await snapshotBlob(target, request, context)
        case .copyBlob: return try await copyBlob(target, request, context)
        case .abortCopyBlob:
            try context.authorize(operation.route.access, container: container, blob: blobName)
            throw StorageError(.conflict, "NoPendingCopyOperation", "There is currently no pending copy operation: emulator copies complete at once.")
        case .setBlobTier: return try await setBlobTier(target, request, context)
        case .leaseBlob: return try await leaseBlob(target, request, context)
        case .undeleteBlob: return try await undeleteBlob(target, request, context)
        case .setImmutabilityPolicy: return try await setImmutabilityPolicy(target, request, context)
        case .deleteImmutabilityPolicy: return try await deleteImmutabilityPolicy(target, request, context)
        case .setLegalHold: return try await setLegalHold(target, request, context)
        case .restoreContainer: return try await restoreContainer(target, request, context)
        case .getBlobTags: return try await getBlobTags(target, request, context)
        case .setBlobTags: return try await setBlobTags(target, request, context)
        case .findBlobsByTags, .findBlobsByTagsInContainer: return try await findBlobsByTags(target, request, context)
        case .batch: return try await batch(target, request, context)
        case .appendBlock, .sealBlob, .putPage, .getPageRanges: return try await respondToTypedBlob(operation, target, request, context)
        case .getServiceStats, .putBlockFromURL:
            throw StorageError.unsupportedOperation(operation.rawValue, request.encodedPath)
        }
    }

    /// Container names: 3-63 lowercase letters, digits and single hyphens, or one of Azure's `$` containers. A name
    /// of the wrong length is 400 `OutOfRangeInput`, as for queues and tables; wrong characters `InvalidResourceName`.
    static func validateContainerName(_ name: String) throws {
        if name == "$root" || name == "$logs" || name == "$web" { return }
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else {
            throw StorageError(
                .badRequest, "OutOfRangeInput",
                "The specified resource name length is not within the permissible limits. '\(name)' must be 3 to 63 characters.")
        }
        let valid = bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            && bytes.first != 45 && bytes.last != 45 && !name.contains("--")
        guard valid else {
            throw StorageError(.badRequest, "InvalidResourceName", "The specifed resource name contains invalid characters: '\(name)'.")
        }
    }

    /// The `ServiceEndpoint` attribute of listings: where the client reached this service.
    static func serviceEndpoint(_ request: StorageRequest) -> String { request.accountURL + "/" }

    static func xmlResponse(_ xml: XMLWriter, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], head: Bool = false) -> Response {
        var headers = headers
        headers[.contentType] = "application/xml"
        let buffer = ByteBuffer(string: xml.text)
        if head {
            headers[.contentLength] = String(buffer.readableBytes)
            return Response(status: status, headers: headers, body: .init())
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }

    static func emptyResponse(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentLength] = "0"
        return Response(status: status, headers: headers, body: .init())
    }

    func errorResponse(_ error: StorageError, for request: StorageRequest?) -> Response {
        xmlErrorResponse(error, for: request)
    }
}

/// The resource a request names: account, container and blob (either may be empty).
struct BlobTarget: Sendable, CustomStringConvertible {
    var account: String
    var container: String
    var blob: String
    var description: String { "/\(account)/\(container)" + (blob.isEmpty ? "" : "/\(blob)") }
}

extension BlobStore {
    /// The stored access policies of a container (its ACL), for SAS tokens that name one with `si=`.
    func containerPolicies(account: String, container: String) async throws -> [StoredAccessPolicy] {
        let acl = try await read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT acl FROM containers WHERE account = ? AND name = ?"),
                arguments: [account, container])
        }
        guard let acl else { return [] }
        return (try? JSONDecoder().decode([StoredAccessPolicy].self, from: Data(acl.utf8))) ?? []
    }
}
