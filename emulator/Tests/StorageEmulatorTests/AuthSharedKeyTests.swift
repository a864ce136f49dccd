import AzureWire
import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import StorageEmulator

/// SharedKey and SharedKeyLite against requests Microsoft's SDK policies signed (see `Fixtures/auth`).
@Suite struct AuthSharedKeyTests {
    let authenticator = Authenticator(
        accounts: AuthVectors.accounts(AuthVectors.sharedKey?.accounts ?? []), policies: VectorPolicies(policies: []))

    @Test(arguments: AuthVectors.sharedKeyAccepted)
    func acceptsWhatTheSDKSigned(_ vector: AuthVectors.SharedKeyVector) async throws {
        let request = try AuthVectors.request(vector)
        let credential = try await authenticator.authenticate(request)
        guard case .sharedKey(let account) = credential else {
            Issue.record("expected a SharedKey credential, got \(credential)")
            return
        }
        #expect(account == vector.account)
    }

    @Test(arguments: AuthVectors.sharedKeyAccepted)
    func buildsTheSameStringToSign(_ vector: AuthVectors.SharedKeyVector) throws {
        let expected = try #require(vector.stringToSign)
        let scheme: SharedKeyStringToSign.Scheme =
            vector.authorization.hasPrefix("SharedKeyLite ") ? .sharedKeyLite : .sharedKey
        let built = SharedKeyStringToSign.make(scheme, for: try AuthVectors.request(vector), account: vector.account)
        #expect(String(decoding: built, as: UTF8.self) == expected)
    }

    @Test(arguments: AuthVectors.sharedKeyRefused)
    func refusesAKeyNoAccountHas(_ vector: AuthVectors.SharedKeyVector) async throws {
        let expected = try #require(vector.expectError)
        let error = await #expect(throws: StorageError.self) {
            _ = try await authenticator.authenticate(try AuthVectors.request(vector))
        }
        #expect(error?.code == expected.code)
        #expect(error?.status.code == expected.status)
    }

    @Test(arguments: AuthVectors.sharedKeyAccepted)
    func refusesASignatureWithOneCharacterChanged(_ vector: AuthVectors.SharedKeyVector) async throws {
        var tampered = vector
        tampered.authorization = Self.flippingFirstSignatureCharacter(vector.authorization)
        try await expectAuthenticationFailed(tampered, detail: "is not the same as any computed signature")
    }

    @Test(arguments: AuthVectors.sharedKeyAccepted)
    func refusesARequestWhoseSignedDateChanged(_ vector: AuthVectors.SharedKeyVector) async throws {
        var tampered = vector
        // Every vector signs its date: x-ms-date when present, else Date.
        let dateHeader = vector.headers.contains { $0[0].lowercased() == "x-ms-date" } ? "x-ms-date" : "date"
        let index = try #require(tampered.headers.firstIndex { $0[0].lowercased() == dateHeader })
        tampered.headers[index][1] = "Mon, 16 Jun 2025 12:00:00 GMT"
        try await expectAuthenticationFailed(tampered, detail: "Mon, 16 Jun 2025")
    }

    @Test(arguments: AuthVectors.sharedKeyAccepted.filter { $0.service != "table" })
    func refusesABlobOrQueueRequestWhoseXMsHeaderWasAdded(_ vector: AuthVectors.SharedKeyVector) async throws {
        var tampered = vector
        tampered.headers.append(["x-ms-meta-injected", "1"])
        try await expectAuthenticationFailed(tampered, detail: "x-ms-meta-injected:1")
    }

    @Test(arguments: AuthVectors.sharedKeyAccepted)
    func refusesTheRightSignatureUnderAnotherKey(_ vector: AuthVectors.SharedKeyVector) async throws {
        let strangers = (AuthVectors.sharedKey?.accounts ?? []).map {
            StorageAccount(name: $0.name, keys: [Array(SHA256.hash(data: Data($0.name.utf8)))])
        }
        let other = Authenticator(accounts: strangers, policies: VectorPolicies(policies: []))
        await #expect(throws: StorageError.self) {
            _ = try await other.authenticate(try AuthVectors.request(vector))
        }
    }

    @Test func refusesOnceTheSecondaryKeyIsRemoved() async throws {
        let vector = try #require(
            AuthVectors.sharedKeyAccepted.first { $0.name.contains("account2 signed with its secondary") })
        var accounts = AuthVectors.accounts(AuthVectors.sharedKey?.accounts ?? [])
        let index = try #require(accounts.firstIndex { $0.name == "account2" })
        accounts[index].keys.removeLast()
        let rotated = Authenticator(accounts: accounts, policies: VectorPolicies(policies: []))
        await #expect(throws: StorageError.self) { _ = try await rotated.authenticate(try AuthVectors.request(vector)) }
        _ = try await authenticator.authenticate(try AuthVectors.request(vector))
    }

    @Test func sortsHeaderNamesLikeTheService() throws {
        let order = try #require(AuthVectors.sharedKey?.headerOrder)
        let sorted = order.reversed().sorted(by: HeaderCollation.precedes)
        #expect(sorted == order)
        // Plain byte order would disagree on these, which is why the collation exists.
        #expect(HeaderCollation.precedes("x-ms-meta-ab", "x-ms-meta-a-c"))
        #expect(HeaderCollation.precedes("x-ms-meta-a_1", "x-ms-meta-a1"))
    }

    @Test(arguments: [
        ("SharedKey devstoreaccount1", "no account:signature"),
        ("SharedKeydevstoreaccount1:abc", "is not 'SharedKey account:signature'"),
        ("Bearer eyJ0eXAi", "Bearer"),
        ("Basic dXNlcjpwYXNz", "scheme Basic is not supported"),
        ("SharedKey account2:c2lnbmF0dXJl", "signed for account account2"),
        ("SharedKey devstoreaccount1:not base64!", "is not the same as any computed signature"),
    ])
    func refusesMalformedAuthorization(_ header: String, _ detail: String) async throws {
        var request = try AuthVectors.request(
            service: "blob", method: "GET", target: "/devstoreaccount1/c/b",
            headers: [["x-ms-date", "Sun, 15 Jun 2025 12:00:00 GMT"]])
        request.headers.append(HTTPField(name: .authorization, value: header))
        let error = await #expect(throws: StorageError.self) { _ = try await authenticator.authenticate(request) }
        #expect(error?.code == "AuthenticationFailed")
        #expect(error?.details.first?.value.contains(detail) == true)
    }

    @Test func refusesAnAccountTheEmulatorDoesNotServe() async throws {
        let request = try AuthVectors.request(service: "blob", method: "GET", target: "/nosuchaccount/c/b")
        let error = await #expect(throws: StorageError.self) { _ = try await authenticator.authenticate(request) }
        #expect(error?.code == "AuthenticationFailed")
        #expect(error?.status == .forbidden)
    }

    @Test func treatsARequestWithoutCredentialsAsAnonymous() async throws {
        let request = try AuthVectors.request(service: "blob", method: "GET", target: "/devstoreaccount1/c/b")
        guard case .anonymous = try await authenticator.authenticate(request) else {
            Issue.record("expected anonymous")
            return
        }
    }

    @Test func joinsARepeatedXMsHeaderWithCommas() throws {
        let request = try AuthVectors.request(
            service: "blob", method: "GET", target: "/devstoreaccount1/c",
            headers: [["x-ms-meta-a", "1"], ["x-ms-date", "d"], ["x-ms-meta-a", " 2 "]])
        var out = [UInt8]()
        SharedKeyStringToSign.appendCanonicalizedHeaders(request, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x-ms-date:d\nx-ms-meta-a:1,2\n")
    }

    @Test func keepsAZeroContentLengthForVersionsBefore2015() throws {
        let old = try AuthVectors.request(
            service: "blob", method: "PUT", target: "/devstoreaccount1/c",
            headers: [["Content-Length", "0"], ["x-ms-version", "2014-02-14"]])
        let current = try AuthVectors.request(
            service: "blob", method: "PUT", target: "/devstoreaccount1/c",
            headers: [["Content-Length", "0"], ["x-ms-version", "2015-02-21"]])
        let oldLines = String(decoding: SharedKeyStringToSign.make(.sharedKey, for: old, account: "a"), as: UTF8.self)
        let currentLines = String(
            decoding: SharedKeyStringToSign.make(.sharedKey, for: current, account: "a"), as: UTF8.self)
        #expect(oldLines.hasPrefix("PUT\n\n\n0\n"))
        #expect(currentLines.hasPrefix("PUT\n\n\n\n"))
    }

    private func expectAuthenticationFailed(_ vector: AuthVectors.SharedKeyVector, detail: String) async throws {
        let request = try AuthVectors.request(vector)
        let error = await #expect(throws: StorageError.self) { _ = try await authenticator.authenticate(request) }
        #expect(error?.code == "AuthenticationFailed")
        #expect(error?.status == .forbidden)
        #expect(error?.details.first?.name == "AuthenticationErrorDetail")
        #expect(error?.details.first?.value.contains(detail) == true)
    }

    /// Changes the signature's first base64 digit (the last one may only carry padding bits).
    static func flippingFirstSignatureCharacter(_ authorization: String) -> String {
        var characters = Array(authorization)
        guard let colon = characters.lastIndex(of: ":") else { return authorization }
        let index = colon + 1
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }
}
