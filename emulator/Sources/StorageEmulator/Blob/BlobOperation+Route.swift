/// The Blob service's part of the route table: for each operation, a request that routes to it and the SAS
/// permission it needs. Letters follow Azure's "Create a service SAS" / "Create an account SAS" permission tables
/// (Azurite's `OperationBlobSASPermission` / `OperationAccountSASPermission` agree); where a new blob may be created
/// with `c` instead of `w`, both letters are listed.
extension BlobOperation {
    var route: OperationRoute {
        let service = ("restype", "service")
        func r(
            _ method: String, _ path: String, _ query: [(String, String)] = [], headers: [(String, String)] = [],
            body: String = "", _ access: OperationAccess
        ) -> OperationRoute {
            OperationRoute(
                service: .blob, name: rawValue, method: method, path: path, query: query, headers: headers, body: body,
                access: access)
        }
        func r(_ method: String, _ path: String, headers: [(String, String)] = [], body: String = "", _ access: OperationAccess)
            -> OperationRoute
        { r(method, path, [], headers: headers, body: body, access) }
        let blockBlob = [("x-ms-blob-type", "BlockBlob")]
        switch self {
        case .listContainers: return r("GET", "/", [("comp", "list")], .accountOnly(.service, "l"))
        case .getServiceProperties: return r("GET", "/", [service, ("comp", "properties")], .accountOnly(.service, "r"))
        case .setServiceProperties:
            return r(
                "PUT", "/", [service, ("comp", "properties")], body: "<StorageServiceProperties/>",
                .accountOnly(.service, "w"))
        case .getServiceStats: return r("GET", "/", [service, ("comp", "stats")], .accountOnly(.service, "r"))
        // Any valid SAS of the Blob service may ask which account it is for (Azurite: any permission, any `srt`).
        case .getAccountInfo:
            return r(
                "GET", "/{container}", [("restype", "account"), ("comp", "properties")],
                OperationAccess(
                    resourceType: nil, account: .init(anyOf: ""), service: .init(anyOf: "")))
        // Creating and deleting containers takes an account SAS: a container SAS is signed for one that exists.
        case .createContainer: return r("PUT", "/{container}", [("restype", "container")], .accountOnly(.container, "c"))
        case .deleteContainer: return r("DELETE", "/{container}", [("restype", "container")], .accountOnly(.container, "d"))
        case .getContainerProperties:
            return r("GET", "/{container}", [("restype", "container")], .both(.container, "r", anonymous: .hidden))
        case .getContainerMetadata:
            return r(
                "GET", "/{container}", [("restype", "container"), ("comp", "metadata")],
                .both(.container, "r", anonymous: .hidden))
        case .setContainerMetadata:
            return r("PUT", "/{container}", [("restype", "container"), ("comp", "metadata")], .both(.container, "w"))
        case .getContainerACL:
            return r("GET", "/{container}", [("restype", "container"), ("comp", "acl")], .accountOnly(.container, "r"))
        case .setContainerACL:
            return r("PUT", "/{container}", [("restype", "container"), ("comp", "acl")], .accountOnly(.container, "w"))
        case .leaseContainer:
            return r(
                "PUT", "/{container}", [("restype", "container"), ("comp", "lease")],
                headers: [("x-ms-lease-action", "acquire"), ("x-ms-lease-duration", "-1")], .both(.container, "w"))
        case .listBlobs:
            return r(
                "GET", "/{container}", [("restype", "container"), ("comp", "list")],
                .both(.container, "l", anonymous: .hidden))
        case .batch:
            return r(
                "POST", "/{container}", [("restype", "container"), ("comp", "batch")],
                headers: [("Content-Type", "multipart/mixed; boundary=batch_x")], body: "--batch_x--\r\n",
                // Each subrequest is authorized on its own; the batch itself needs any valid SAS (as Azurite).
                OperationAccess(resourceType: nil, account: .init(anyOf: ""), service: .init(anyOf: "")))
        case .putBlob: return r("PUT", "/{container}/{blob}", headers: blockBlob, body: "data", .both(.object, "cw"))
        case .getBlob: return r("GET", "/{container}/{blob}", .both(.object, "r", anonymous: .hidden))
        case .getBlobProperties: return r("HEAD", "/{container}/{blob}", .both(.object, "r", anonymous: .hidden))
        case .getBlobMetadata:
            return r("GET", "/{container}/{blob}", [("comp", "metadata")], .both(.object, "r", anonymous: .hidden))
        case .deleteBlob: return r("DELETE", "/{container}/{blob}", .both(.object, "d"))
        case .setBlobProperties: return r("PUT", "/{container}/{blob}", [("comp", "properties")], .both(.object, "w"))
        case .setBlobMetadata: return r("PUT", "/{container}/{blob}", [("comp", "metadata")], .both(.object, "w"))
        case .putBlock:
            return r(
                "PUT", "/{container}/{blob}", [("comp", "block"), ("blockid", "YmxvY2s=")], body: "data",
                .both(.object, "cw"))
        case .putBlockFromURL:
            return r(
                "PUT", "/{container}/{blob}", [("comp", "block"), ("blockid", "YmxvY2s=")],
                headers: [("x-ms-copy-source", "{source}")], .both(.object, "w"))
        case .putBlockList:
            return r(
                "PUT", "/{container}/{blob}", [("comp", "blocklist")], body: "<BlockList></BlockList>",
                .both(.object, "cw"))
        case .getBlockList:
            return r(
                "GET", "/{container}/{blob}", [("comp", "blocklist"), ("blocklisttype", "committed")],
                .both(.object, "r", anonymous: .hidden))
        case .snapshotBlob: return r("PUT", "/{container}/{blob}", [("comp", "snapshot")], .both(.object, "cw"))
        // The destination is a new blob, which `c` may create; the source carries its own read SAS.
        case .copyBlob:
            return r("PUT", "/{container}/copy", headers: [("x-ms-copy-source", "{source}")], .both(.object, "cw"))
        case .abortCopyBlob:
            return r(
                "PUT", "/{container}/{blob}", [("comp", "copy"), ("copyid", "00000000-0000-0000-0000-000000000000")],
                headers: [("x-ms-copy-action", "abort")], .both(.object, "w"))
        case .setBlobTier:
            return r("PUT", "/{container}/{blob}", [("comp", "tier")], headers: [("x-ms-access-tier", "Cool")], .both(.object, "w"))
        case .leaseBlob:
            return r(
                "PUT", "/{container}/{blob}", [("comp", "lease")],
                headers: [("x-ms-lease-action", "acquire"), ("x-ms-lease-duration", "-1")], .both(.object, "w"))
        case .getBlobTags: return r("GET", "/{container}/{blob}", [("comp", "tags")], .both(.object, "t"))
        case .setBlobTags: return r("PUT", "/{container}/{blob}", [("comp", "tags")], .both(.object, "t"))
        case .undeleteBlob: return r("PUT", "/{container}/{blob}", [("comp", "undelete")], .both(.object, "w"))
        // `i`: "Set or delete the immutability policy or legal hold on a blob" (Create a service SAS).
        case .setImmutabilityPolicy:
            return r(
                "PUT", "/{container}/{blob}", [("comp", "immutabilityPolicies")],
                headers: [("x-ms-immutability-policy-until-date", "Fri, 01 Jan 2100 00:00:00 GMT")], .both(.object, "i"))
        case .deleteImmutabilityPolicy:
            return r("DELETE", "/{container}/{blob}", [("comp", "immutabilityPolicies")], .both(.object, "i"))
        case .setLegalHold:
            return r("PUT", "/{container}/{blob}", [("comp", "legalhold")], headers: [("x-ms-legal-hold", "false")], .both(.object, "i"))
        // Like creating a container, restoring one takes the account key or an account SAS.
        case .restoreContainer:
            return r(
                "PUT", "/{container}", [("restype", "container"), ("comp", "undelete")],
                headers: [("x-ms-deleted-container-name", "{container}"), ("x-ms-deleted-container-version", "0")],
                .accountOnly(.container, "w"))
        }
    }
}
