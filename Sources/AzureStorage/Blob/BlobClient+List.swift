import AzureWire
import Foundation

extension BlobClient {
    /// One page of List Blobs. Pass the returned `nextMarker` to continue; nil means the end.
    ///
    /// - Parameters:
    ///   - delimiter: `/` to list one virtual folder level (sub-folders come back in `prefixes`).
    ///   - includeMetadata: also return each blob's metadata (costs bandwidth on big listings).
    ///   - includeImmutabilityPolicy: also return each blob's immutability policy (x-ms-version 2020-06-12+).
    ///   - includeVersions: every version of each blob, each its own entry with its `versionID`.
    package func listBlobs(
        container: String, prefix: String? = nil, delimiter: String? = nil, marker: String? = nil,
        maxResults: Int? = nil, includeMetadata: Bool = false, includeImmutabilityPolicy: Bool = false,
        includeVersions: Bool = false
    ) async throws -> BlobListPage {
        let include = [
            includeMetadata ? "metadata" : nil, includeImmutabilityPolicy ? "immutabilitypolicy" : nil,
            includeVersions ? "versions" : nil,
        ].compactMap { $0 }
        var call = try call("ListBlobs", "GET", container: container)
        call.url = call.url.adding("restype", "container").adding("comp", "list").adding("prefix", prefix)
            .adding("delimiter", delimiter).adding("marker", marker).adding("maxresults", maxResults.map(String.init))
            .adding("include", include.isEmpty ? nil : include.joined(separator: ","))
        let response = try await pipeline.send(call)
        guard let root = try? XMLTree.parse(response.body), root.name == "EnumerationResults" else {
            throw AzureStorageError(
                .invalidResponse, operation: "ListBlobs \(container)", status: response.status,
                requestID: response.headers["x-ms-request-id"],
                detail: "the body is not an <EnumerationResults> document")
        }
        let entries = root.child("Blobs")?.children ?? []
        let blobs = entries.filter { $0.name == "Blob" }.map { entry in
            BlobItem(name: Self.name(entry.child("Name")), properties: BlobProperties(listing: entry))
        }
        let prefixes = entries.filter { $0.name == "BlobPrefix" }.map { Self.name($0.child("Name")) }
        let next = root.value("NextMarker").flatMap { $0.isEmpty ? nil : $0 }
        return BlobListPage(blobs: blobs, prefixes: prefixes, nextMarker: next)
    }

    /// Every blob under a prefix, following markers page after page.
    package func allBlobs(
        container: String, prefix: String? = nil, includeMetadata: Bool = false, includeImmutabilityPolicy: Bool = false,
        includeVersions: Bool = false
    ) async throws -> [BlobItem] {
        var items: [BlobItem] = []
        var marker: String?
        repeat {
            let page = try await listBlobs(
                container: container, prefix: prefix, marker: marker, includeMetadata: includeMetadata,
                includeImmutabilityPolicy: includeImmutabilityPolicy, includeVersions: includeVersions)
            items += page.blobs
            marker = page.nextMarker
        } while marker != nil
        return items
    }

    /// Names that XML cannot carry come percent-encoded with `Encoded="true"`.
    private static func name(_ node: XMLTree?) -> String {
        guard let node else { return "" }
        return node.attributes["Encoded"] == "true" ? PercentEncoding.decode(Substring(node.text)) : node.text
    }
}

extension BlobProperties {
    /// Reads the `<Properties>` and `<Metadata>` of one `<Blob>` in a listing.
    init(listing entry: XMLTree) {
        let properties = entry.child("Properties")
        let value = { (name: String) in properties?.value(name).flatMap { $0.isEmpty ? nil : $0 } }
        contentLength = Int64(value("Content-Length") ?? "") ?? 0
        contentType = value("Content-Type")
        contentMD5 = value("Content-MD5").flatMap(Base64.decode)
        etag = value("Etag")
        lastModified = value("Last-Modified").flatMap(HTTPDate.parseRFC1123)
        accessTier = value("AccessTier").flatMap(AccessTier.init(rawValue:))
        blobType = value("BlobType")
        copyID = value("CopyId")
        copyStatus = value("CopyStatus")
        versionID = entry.value("VersionId").flatMap { $0.isEmpty ? nil : $0 }
        immutabilityPolicy = ImmutabilityPolicy.parse(
            until: value("ImmutabilityPolicyUntilDate"), mode: value("ImmutabilityPolicyMode"))
        for item in entry.child("Metadata")?.children ?? [] { metadata[item.name] = item.text }
    }
}
