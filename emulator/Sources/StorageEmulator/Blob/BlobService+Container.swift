import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Container operations: create, properties and metadata, delete, ACL, lease.
extension BlobService {
    func createContainer(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        // Azure lets only the account key or an account SAS create or delete containers, never a service SAS.
        try context.authorize(AccessRequirement("c", .container, container: target.container, needsAccountLevel: true))
        let metadata = MetadataCoding.encode(try BlobHeaders.metadata(request))
        let access = try Self.publicAccess(request)
        let now = Date().timeIntervalSince1970
        let record = ContainerRecord(
            account: target.account, name: target.container, etag: BlobHeaders.newETag(), created: now,
            lastModified: now, metadata: metadata, publicAccess: access,
            versionImmutability: request.header("x-ms-immutable-storage-with-versioning-enabled")?.lowercased() == "true")
        try await blobs.write { db, _ in
            guard try ContainerRecord.find(db, account: record.account, name: record.name) == nil else {
                throw StorageError(.conflict, "ContainerAlreadyExists", "The specified container already exists.")
            }
            try record.insert(db)
        }
        return Self.emptyResponse(.created, headers: Self.containerHeaders(record))
    }

    func getContainerProperties(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let container = try await authorizeContainerRead(target, "r", context)
        try LeaseAction.checkRead(container.lease, request: request, now: Date())
        var headers = Self.containerHeaders(container)
        BlobHeaders.writeMetadata(container.metadata, to: &headers)
        BlobHeaders.writeLease(container.lease, now: Date(), to: &headers)
        if let access = container.publicAccess { headers[HTTPField.Name("x-ms-blob-public-access")!] = access }
        headers[HTTPField.Name("x-ms-has-immutability-policy")!] = "false"
        headers[HTTPField.Name("x-ms-has-legal-hold")!] = "false"
        headers[HTTPField.Name("x-ms-immutable-storage-with-versioning-enabled")!] =
            container.versionImmutability || blobFeatures(target).versionLevelImmutability ? "true" : "false"
        return Self.emptyResponse(.ok, headers: headers)
    }

    func deleteContainer(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("d", .container, container: target.container, needsAccountLevel: true))
        let conditions = try BlobConditions(request)
        guard conditions.ifMatch == nil, conditions.ifNoneMatch == nil else {
            throw StorageError.invalidHeader("If-Match", conditions.ifMatch ?? conditions.ifNoneMatch ?? "", "Delete Container supports only date conditions.")
        }
        let features = blobFeatures(target)
        try await blobs.write { db, orphans in
            guard let container = try ContainerRecord.find(db, account: target.account, name: target.container) else {
                throw Self.containerNotFound()
            }
            try conditions.checkWrite(etag: container.etag, lastModified: container.lastModified)
            try LeaseAction.checkWrite(container.lease, request: request, now: Date(), isContainer: true)
            try Self.removeContainer(db, container, features: features, orphans: &orphans)
        }
        return Self.emptyResponse(.accepted)
    }

    func setContainerMetadata(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .container, container: target.container))
        let metadata = MetadataCoding.encode(try BlobHeaders.metadata(request))
        let conditions = try BlobConditions(request)
        let updated = try await updateContainer(target) { container in
            try conditions.checkWrite(etag: container.etag, lastModified: container.lastModified)
            try LeaseAction.checkRead(container.lease, request: request, now: Date())
            container.metadata = metadata
            container.touch()
        }
        return Self.emptyResponse(.ok, headers: Self.containerHeaders(updated))
    }

    func getContainerACL(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        // Only the account key may read or change stored access policies (Azurite: no SAS is allowed).
        try context.authorize(BlobOperation.getContainerACL.route.access, container: target.container, blob: nil)
        let container = try await requireContainer(target)
        try LeaseAction.checkRead(container.lease, request: request, now: Date())
        let policies = (try? JSONDecoder().decode([StoredAccessPolicy].self, from: Data(container.acl.utf8))) ?? []
        var xml = XMLWriter()
        xml.open("SignedIdentifiers")
        for policy in policies {
            xml.open("SignedIdentifier")
            xml.element("Id", policy.id)
            xml.open("AccessPolicy")
            xml.optional("Start", policy.start.map { HTTPDate.iso8601($0) })
            xml.optional("Expiry", policy.expiry.map { HTTPDate.iso8601($0) })
            xml.optional("Permission", policy.permissions)
            xml.close("AccessPolicy")
            xml.close("SignedIdentifier")
        }
        xml.close("SignedIdentifiers")
        var headers = Self.containerHeaders(container)
        if let access = container.publicAccess { headers[HTTPField.Name("x-ms-blob-public-access")!] = access }
        return Self.xmlResponse(xml, headers: headers, head: request.method == .head)
    }

    func setContainerACL(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        // Only the account key may read or change stored access policies (Azurite: no SAS is allowed).
        try context.authorize(BlobOperation.setContainerACL.route.access, container: target.container, blob: nil)
        let access = try Self.publicAccess(request)
        let body = try await Self.collectXML(request)
        var policies: [StoredAccessPolicy] = []
        if !body.isEmpty {
            let document = try XMLTree.parseBody(body)
            for identifier in document.children("SignedIdentifier") {
                guard let id = identifier.value("Id"), !id.isEmpty, id.count <= 64 else {
                    throw StorageError(.badRequest, "InvalidXmlDocument", "Each SignedIdentifier needs an Id of at most 64 characters.")
                }
                let policy = identifier.child("AccessPolicy")
                func date(_ name: String) throws -> Date? {
                    guard let text = policy?.value(name), !text.isEmpty else { return nil }
                    guard let date = HTTPDate.parseISO8601(text) else {
                        throw StorageError(.badRequest, "InvalidXmlNodeValue", "The value for \(name) is not an ISO 8601 date: \(text).")
                    }
                    return date
                }
                policies.append(
                    StoredAccessPolicy(id: id, start: try date("Start"), expiry: try date("Expiry"), permissions: policy?.value("Permission")))
            }
        }
        guard policies.count <= 5 else {
            throw StorageError(.badRequest, "InvalidXmlDocument", "A container may have at most five stored access policies.")
        }
        let acl = String(decoding: try JSONEncoder().encode(policies), as: UTF8.self)
        let conditions = try BlobConditions(request)
        let updated = try await updateContainer(target) { container in
            try conditions.checkWrite(etag: container.etag, lastModified: container.lastModified)
            try LeaseAction.checkRead(container.lease, request: request, now: Date())
            container.acl = acl
            container.publicAccess = access
            container.touch()
        }
        return Self.emptyResponse(.ok, headers: Self.containerHeaders(updated))
    }

    func leaseContainer(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .container, container: target.container))
        let action = try LeaseAction(request)
        let conditions = try BlobConditions(request)
        let result = try await blobs.write { db, _ -> (LeaseAction.Result, ContainerRecord) in
            guard var container = try ContainerRecord.find(db, account: target.account, name: target.container) else {
                throw Self.containerNotFound()
            }
            try conditions.checkWrite(etag: container.etag, lastModified: container.lastModified)
            let result = try action.apply(to: container.lease, now: Date())
            container.lease = result.lease
            try container.update(db)
            return (result, container)
        }
        var headers = Self.containerHeaders(result.1)
        headers.append(contentsOf: result.0.headers)
        return Self.emptyResponse(result.0.status, headers: headers)
    }

    // MARK: helpers

    /// Authorizes a container read that full public access would open to anyone (`permission` `r` or `l`), then
    /// returns the container. Authorization comes first: a caller without the right gets 403 (anonymous: 404
    /// `ResourceNotFound`) whether or not the container exists, so the refusal tells nothing of what is stored.
    func authorizeContainerRead(
        _ target: BlobTarget, _ permission: Character, _ context: OperationContext
    ) async throws -> ContainerRecord {
        let found = try await blobs.read { db in
            try ContainerRecord.find(db, account: target.account, name: target.container)
        }
        try context.authorize(
            AccessRequirement(permission, .container, container: target.container),
            publicRead: found?.publicAccess == "container")
        guard let found else { throw Self.containerNotFound() }
        return found
    }

    func requireContainer(_ target: BlobTarget) async throws -> ContainerRecord {
        let found = try await blobs.read { db in
            try ContainerRecord.find(db, account: target.account, name: target.container)
        }
        guard let found else { throw Self.containerNotFound() }
        return found
    }

    func updateContainer(
        _ target: BlobTarget, _ change: @escaping @Sendable (inout ContainerRecord) throws -> Void
    ) async throws -> ContainerRecord {
        try await blobs.write { db, _ in
            guard var container = try ContainerRecord.find(db, account: target.account, name: target.container) else {
                throw Self.containerNotFound()
            }
            try change(&container)
            try container.update(db)
            return container
        }
    }

    static func containerNotFound() -> StorageError {
        StorageError(.notFound, "ContainerNotFound", "The specified container does not exist.")
    }

    static func containerHeaders(_ container: ContainerRecord) -> HTTPFields {
        var headers = HTTPFields()
        headers[.eTag] = container.etag
        headers[.lastModified] = HTTPDate.rfc1123(Date(timeIntervalSince1970: container.lastModified))
        return headers
    }

    /// `x-ms-blob-public-access`: absent (private), `container` or `blob`.
    static func publicAccess(_ request: StorageRequest) throws -> String? {
        guard let value = request.header("x-ms-blob-public-access"), !value.isEmpty else { return nil }
        guard value == "container" || value == "blob" else {
            throw StorageError.invalidHeader("x-ms-blob-public-access", value, "Expected container or blob.")
        }
        return value
    }
}

extension ContainerRecord {
    /// A change to the container's properties: a new ETag and Last-Modified.
    mutating func touch() {
        etag = BlobHeaders.newETag()
        lastModified = Date().timeIntervalSince1970
    }
}
