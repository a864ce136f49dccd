import AzureWire
import Foundation
import HTTPTypes
import Testing

@testable import StorageEmulator

/// The vectors `Fixtures/auth/make_vectors.py` wrote with Microsoft's Python SDKs, loaded once.
enum AuthVectors {
    struct Account: Decodable, Sendable {
        var name: String
        var keys: [String]
    }

    struct ExpectedError: Decodable, Sendable {
        var status: Int
        var code: String
        var detail: String?
    }

    /// One request signed with `Authorization: SharedKey…`.
    struct SharedKeyVector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var source: String
        var service: String
        var account: String
        var method: String
        var target: String
        var headers: [[String]]
        var authorization: String
        var stringToSign: String?
        var expectError: ExpectedError?

        var testDescription: String { name }
    }

    struct SharedKeyFile: Decodable, Sendable {
        var accounts: [Account]
        var headerOrder: [String]
        var vectors: [SharedKeyVector]
    }

    /// What a verified SAS must grant.
    struct ExpectedGrant: Decodable, Sendable {
        struct Scope: Decodable, Sendable {
            var kind: String
            var services: String?
            var resourceTypes: String?
            var container: String?
            var blob: String?
            var table: String?
            var range: [String: String]?
        }
        var scope: Scope
        var permissions: String
        var overrides: [String: String]?
        var policy: String?
        var encryptionScope: String?
        var ipRange: String?
    }

    /// An authorization check to run on the grant; `error` is the code `authorize` must throw, if any.
    struct Requirement: Decodable, Sendable {
        var permission: String
        var resourceType: String
        var container: String?
        var blob: String?
        var partitionKey: String?
        var rowKey: String?
        var error: String?
    }

    /// One request carrying a SAS token.
    struct SASVector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var source: String
        var service: String
        var account: String
        var method: String
        var target: String
        var now: String
        var expect: ExpectedGrant?
        var expectError: ExpectedError?
        var require: Requirement?

        var testDescription: String { name }
    }

    struct StoredPolicy: Decodable, Sendable {
        var service: String
        var account: String
        var resource: String
        var id: String
        var start: String?
        var expiry: String?
        var permissions: String?
    }

    struct SASFile: Decodable, Sendable {
        var accounts: [Account]
        var policies: [StoredPolicy]
        var vectors: [SASVector]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/auth")

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Nil only if the file is missing or malformed; `AuthVectorFileTests` fails loudly in that case.
    static let sharedKey: SharedKeyFile? = try? load("sharedkey.json", as: SharedKeyFile.self)
    static let sas: SASFile? = try? load("sas.json", as: SASFile.self)

    static var sharedKeyAccepted: [SharedKeyVector] { (sharedKey?.vectors ?? []).filter { $0.expectError == nil } }
    static var sharedKeyRefused: [SharedKeyVector] { (sharedKey?.vectors ?? []).filter { $0.expectError != nil } }
    static var sasGranted: [SASVector] { (sas?.vectors ?? []).filter { $0.expect != nil } }
    static var sasRefused: [SASVector] { (sas?.vectors ?? []).filter { $0.expectError != nil } }

    static func accounts(_ list: [Account]) -> [StorageAccount] {
        list.map { StorageAccount(name: $0.name, keys: $0.keys.map { Array(Data(base64Encoded: $0) ?? Data()) }) }
    }

    static func service(_ name: String) throws -> ServiceKind {
        try #require(ServiceKind(rawValue: name))
    }

    static func request(
        service: String, method: String, target: String, headers: [[String]] = []
    ) throws -> StorageRequest {
        var fields = HTTPFields()
        for pair in headers {
            let name = try #require(HTTPField.Name(pair[0]))
            fields.append(HTTPField(name: name, value: pair[1]))
        }
        return try StorageRequest(
            service: try self.service(service), method: HTTPRequest.Method(method)!, target: target, headers: fields)
    }

    static func request(_ vector: SharedKeyVector) throws -> StorageRequest {
        var request = try request(
            service: vector.service, method: vector.method, target: vector.target, headers: vector.headers)
        request.headers.append(HTTPField(name: .authorization, value: vector.authorization))
        return request
    }

    static func date(_ text: String) throws -> Date {
        try #require(HTTPDate.parseISO8601(text))
    }
}

/// Stored access policies served from the vector file, as the services' ACLs would.
struct VectorPolicies: StoredAccessPolicyLookup {
    var policies: [AuthVectors.StoredPolicy]

    func storedPolicies(account: String, service: ServiceKind, resource: String) async throws -> [StoredAccessPolicy] {
        policies.filter {
            $0.account == account && $0.service == service.rawValue && $0.resource.lowercased() == resource.lowercased()
        }.map {
            StoredAccessPolicy(
                id: $0.id, start: $0.start.flatMap(HTTPDate.parseISO8601),
                expiry: $0.expiry.flatMap(HTTPDate.parseISO8601),
                permissions: $0.permissions)
        }
    }
}

@Suite struct AuthVectorFileTests {
    @Test func vectorFilesLoadAndHaveCases() throws {
        let sharedKey = try AuthVectors.load("sharedkey.json", as: AuthVectors.SharedKeyFile.self)
        let sas = try AuthVectors.load("sas.json", as: AuthVectors.SASFile.self)
        #expect(sharedKey.vectors.count >= 40)
        #expect(sas.vectors.count >= 30)
        #expect(AuthVectors.sharedKeyAccepted.count + AuthVectors.sharedKeyRefused.count == sharedKey.vectors.count)
        #expect(!AuthVectors.sasGranted.isEmpty && !AuthVectors.sasRefused.isEmpty)
    }
}
