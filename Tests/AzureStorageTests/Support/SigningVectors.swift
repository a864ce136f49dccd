import Foundation

/// The vectors `Vectors/make_signing_vectors.py` produced with Microsoft's Python SDK.
struct SigningVectors: Decodable {
    struct SharedKey: Decodable, CustomTestStringConvertibleName {
        var name: String
        var form: String
        var account: String
        var key: String
        var method: String
        var url: String
        var headers: [[String]]
        var stringToSign: String
        var authorization: String
        var testName: String { name }
    }

    struct HeaderOrder: Decodable {
        var input: [String]
        var sorted: [String]
    }

    struct SAS: Decodable {
        var account: String
        var key: String
        var version: String
        var vectors: [SASVector]
    }

    struct SASVector: Decodable, CustomTestStringConvertibleName {
        var name: String
        var kind: String
        var container: String?
        var blob: String?
        var args: [String: String]
        var stringToSign: String
        var token: String
        var testName: String { name }
    }

    struct BlobURL: Decodable, CustomTestStringConvertibleName {
        var container: String
        var blob: String
        var url: String
        var testName: String { blob }
    }

    var blobEndpoint: String
    var sharedKey: [SharedKey]
    var headerOrder: HeaderOrder
    var sas: SAS
    var urls: [BlobURL]

    /// Loaded once from the committed JSON next to this test target's sources.
    static let shared: SigningVectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/signing-vectors.json")
        do {
            return try JSONDecoder().decode(SigningVectors.self, from: Data(contentsOf: url))
        } catch {
            // A test helper: without its vectors the suite cannot say anything useful.
            preconditionFailure("cannot load \(url.path): \(error)")
        }
    }()
}

/// Lets parameterized tests show the vector's name instead of a dump of it.
protocol CustomTestStringConvertibleName {
    var testName: String { get }
}
