import AzureWire
import Foundation

extension BlobProperties {
    /// Reads the properties from Get Blob Properties (or Get Blob) response headers.
    init(headers: HTTPHeaders) {
        let ranged = headers["content-range"]
        // On a ranged GET, Content-Length is the range; the total is after the slash of Content-Range.
        let total = ranged.flatMap { $0.split(separator: "/").last.flatMap { Int64($0) } }
        contentLength = total ?? Int64(headers["content-length"] ?? "") ?? 0
        contentType = headers["content-type"]
        let md5 = ranged == nil ? headers["content-md5"] : headers["x-ms-blob-content-md5"]
        contentMD5 = md5.flatMap(Base64.decode)
        etag = headers["etag"]
        lastModified = headers["last-modified"].flatMap(HTTPDate.parseRFC1123)
        for (name, value) in headers where name.hasPrefix("x-ms-meta-") {
            metadata[String(name.dropFirst("x-ms-meta-".count))] = value
        }
        accessTier = headers["x-ms-access-tier"].flatMap(AccessTier.init(rawValue:))
        blobType = headers["x-ms-blob-type"]
        copyID = headers["x-ms-copy-id"]
        copyStatus = headers["x-ms-copy-status"]
        versionID = headers["x-ms-version-id"]
        immutabilityPolicy = ImmutabilityPolicy.parse(
            until: headers["x-ms-immutability-policy-until-date"], mode: headers["x-ms-immutability-policy-mode"])
    }
}
