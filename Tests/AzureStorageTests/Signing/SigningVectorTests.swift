import AzureWire
import Foundation
import Testing

@testable import AzureStorage

/// The Swift signer against Microsoft's Python SDK: same requests, byte-identical results.
@Suite struct SigningVectorTests {
    static let vectors = SigningVectors.shared

    @Test(arguments: vectors.sharedKey.map(\.name))
    func sharedKeyMatchesPythonSDK(_ name: String) throws {
        let vector = try #require(Self.vectors.sharedKey.first { $0.name == name })
        let key = try #require(AccountKey(base64: vector.key))
        let signer = SharedKeySigner(accountName: vector.account, key: key)
        var headers = HTTPHeaders()
        for pair in vector.headers { headers.add(pair[0], pair[1]) }
        let form: SharedKeySigner.Form = vector.form == "table" ? .table : .blobQueue
        #expect(
            signer.stringToSign(method: vector.method, url: vector.url, headers: headers, form: form)
                == vector.stringToSign)
        #expect(
            signer.authorization(method: vector.method, url: vector.url, headers: headers, form: form)
                == vector.authorization)
    }

    /// The URL as the signer reads it: the encoded path after the host, the query's raw items in order.
    @Test func urlSplitsIntoPathAndRawQuery() {
        let (path, query) = SharedKeySigner.split("http://127.0.0.1:10000/acct/c%20d/é?comp=list&sig=a%3D=b&flag&=x#frag")
        #expect(path == "/acct/c%20d/é")
        #expect(query.map(\.name) == ["comp", "sig", "flag", ""])
        #expect(query.map(\.value) == ["list", "a%3D=b", "", "x"])
        #expect(SharedKeySigner.split("https://acct.blob.core.windows.net").path == "")
        #expect(SharedKeySigner.split("https://acct.blob.core.windows.net?restype=service").query.count == 1)
        #expect(SharedKeySigner.split("http://h/p?").query.isEmpty)
    }

    @Test func headerOrderMatchesPythonSDK() {
        #expect(HeaderCollation.sorted(Self.vectors.headerOrder.input) == Self.vectors.headerOrder.sorted)
    }

    @Test func headerOrderIsNotByteOrder() {
        // The reason the table exists: Azure puts `_` before digits and ignores `-` on the first pass.
        #expect(HeaderCollation.sorted(["x-ms-meta-a1", "x-ms-meta-a_b"]) == ["x-ms-meta-a_b", "x-ms-meta-a1"])
        #expect(HeaderCollation.sorted(["x-ms-meta-a-b", "x-ms-meta-aa"]) == ["x-ms-meta-aa", "x-ms-meta-a-b"])
    }

    @Test(arguments: vectors.sas.vectors.map(\.name))
    func sasMatchesPythonSDK(_ name: String) throws {
        let sas = Self.vectors.sas
        let vector = try #require(sas.vectors.first { $0.name == name })
        let generator = SharedAccessSignature(accountName: sas.account, key: try #require(AccountKey(base64: sas.key)))
        var options = SharedAccessSignature.Options()
        options.version = sas.version
        options.start = vector.args["start"].map(Self.date)
        options.ip = vector.args["ip"]
        options.protocol = vector.args["protocol"]
        options.cacheControl = vector.args["cache_control"]
        options.contentDisposition = vector.args["content_disposition"]
        options.contentType = vector.args["content_type"]
        options.policyID = vector.args["policy_id"]
        let expiry = vector.args["expiry"].map(Self.date)
        let token: String
        switch vector.kind {
        case "blob":
            token = generator.blob(
                container: try #require(vector.container), blob: try #require(vector.blob),
                permissions: vector.args["permission"] ?? "", expiry: expiry, options: options)
        case "container":
            token = generator.container(
                try #require(vector.container), permissions: vector.args["permission"] ?? "", expiry: expiry,
                options: options)
        default:
            token = generator.account(
                services: try #require(vector.args["services"]),
                resourceTypes: try #require(vector.args["resource_types"]),
                permissions: vector.args["permission"] ?? "", expiry: try #require(expiry), options: options)
        }
        #expect(token == vector.token)
    }

    @Test(arguments: vectors.urls.map(\.blob))
    func blobURLMatchesPythonSDK(_ blob: String) throws {
        let vector = try #require(Self.vectors.urls.first { $0.blob == blob })
        let url = ResourceURL(endpoint: Self.vectors.blobEndpoint, container: vector.container, blob: vector.blob)
        #expect(url.string() == vector.url)
    }

    static func date(_ text: String) -> Date {
        HTTPDate.parseISO8601(text) ?? Date(timeIntervalSince1970: 0)
    }
}
