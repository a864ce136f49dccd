import AzureWire
import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import StorageEmulator

/// SAS tokens from the SDKs' `generate_*_sas` functions (see `Fixtures/auth`), then tampered ones.
@Suite struct AuthSASTests {
    let authenticator = Authenticator(
        accounts: AuthVectors.accounts(AuthVectors.sas?.accounts ?? []),
        policies: VectorPolicies(policies: AuthVectors.sas?.policies ?? []))

    @Test(arguments: AuthVectors.sasGranted)
    func grantsWhatTheSDKTokenSays(_ vector: AuthVectors.SASVector) async throws {
        let expect = try #require(vector.expect)
        let grant = try await grant(vector)
        #expect(grant.account == vector.account)
        #expect(grant.service == (try AuthVectors.service(vector.service)))
        #expect(grant.scope == (try Self.scope(expect.scope)))
        #expect(grant.permissions == Set(expect.permissions))
        #expect(grant.policyID == expect.policy)
        #expect(grant.encryptionScope == expect.encryptionScope)
        #expect(grant.ipRange == expect.ipRange.flatMap(SASIPRange.init))
        #expect(grant.responseHeaderOverrides == expect.overrides ?? [:])
        if let requirement = vector.require {
            try checkRequirement(requirement, on: grant)
        }
    }

    @Test(arguments: AuthVectors.sasRefused)
    func refusesWhatAzureRefuses(_ vector: AuthVectors.SASVector) async throws {
        let expected = try #require(vector.expectError)
        let error = await #expect(throws: StorageError.self) { _ = try await grant(vector) }
        #expect(error?.code == expected.code)
        #expect(error?.status.code == expected.status)
        if let detail = expected.detail {
            #expect(error?.details.first?.value.contains(detail) == true, "\(error?.details ?? [])")
        }
    }

    @Test(arguments: AuthVectors.sasGranted)
    func refusesASignatureWithOneCharacterChanged(_ vector: AuthVectors.SASVector) async throws {
        var tampered = vector
        tampered.target = try Self.flippingSignature(vector.target)
        try await expectSignatureMismatch(tampered)
    }

    @Test(arguments: AuthVectors.sasGranted)
    func refusesATokenWhoseSignedFieldChanged(_ vector: AuthVectors.SASVector) async throws {
        var tampered = vector
        // Widen the permissions, or point at another stored policy when the token carries none.
        if tampered.target.contains("sp=") {
            tampered.target = tampered.target.replacingOccurrences(of: "sp=", with: "sp=w")
        } else {
            tampered.target = tampered.target.replacingOccurrences(of: "si=", with: "si=x")
        }
        #expect(tampered.target != vector.target)
        try await expectSignatureMismatch(tampered)
    }

    @Test(arguments: AuthVectors.sasGranted)
    func refusesTheTokenUnderAnotherKey(_ vector: AuthVectors.SASVector) async throws {
        let strangers = (AuthVectors.sas?.accounts ?? []).map {
            StorageAccount(name: $0.name, keys: [Array(SHA256.hash(data: Data($0.name.utf8)))])
        }
        let other = Authenticator(
            accounts: strangers, policies: VectorPolicies(policies: AuthVectors.sas?.policies ?? []))
        let request = try AuthVectors.request(service: vector.service, method: vector.method, target: vector.target)
        let error = await #expect(throws: StorageError.self) {
            _ = try await other.authenticate(request, now: try AuthVectors.date(vector.now))
        }
        #expect(error?.details.first?.value.hasPrefix("Signature did not match") == true)
    }

    @Test(arguments: AuthVectors.sasGranted)
    func refusesTheTokenOneSecondAfterItExpires(_ vector: AuthVectors.SASVector) async throws {
        let expiry = try #require(try await grant(vector).expiry)
        var late = vector
        late.now = HTTPDate.iso8601(expiry.addingTimeInterval(1), fractionDigits: 0)
        let error = await #expect(throws: StorageError.self) { _ = try await grant(late) }
        #expect(error?.details.first?.value.hasPrefix("Signature not valid in the specified time frame") == true)
        var last = vector
        last.now = HTTPDate.iso8601(expiry, fractionDigits: 0)
        _ = try await grant(last)
    }

    // Tokens the SDKs would not produce, signed here with the string-to-sign the vectors above prove.
    static let malformedBlobTokens: [([(String, String)], String)] = [
        ([("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b")], "sv is mandatory"),
        ([("sv", "2013-08-15"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b")], "predates"),
        (
            [("sv", "2025-01-05"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b"), ("skoid", "x")],
            "User delegation"
        ),
        ([("sv", "2025-01-05"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "d")], "hierarchical namespace"),
        ([("sv", "2025-01-05"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "q")], "not a Blob SAS resource"),
        ([("sv", "2025-01-05"), ("sp", "r"), ("sr", "b")], "se is mandatory"),
        ([("sv", "2025-01-05"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b")], "sp is mandatory"),
        ([("sv", "2025-01-05"), ("sp", "r+w"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b")], "permission letters"),
        ([("sv", "2025-01-05"), ("sp", "r"), ("se", "next year"), ("sr", "b")], "not an ISO 8601"),
        (
            [
                ("sv", "2025-01-05"), ("sp", "r"), ("st", "2025-07-01T00:00:00Z"), ("se", "2025-06-01T00:00:00Z"),
                ("sr", "b"),
            ],
            "has to be after signed start time"
        ),
        (
            [("sv", "2025-01-05"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b"), ("spr", "ftp")],
            "spr=ftp"
        ),
        (
            [("sv", "2025-01-05"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b"), ("sip", "10.0.0.300")],
            "sip=10.0.0.300"
        ),
        (
            [
                ("sv", "2025-01-05"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z"), ("sr", "b"),
                ("sip", "10.0.0.9-10.0.0.1"),
            ],
            "sip=10.0.0.9-10.0.0.1"
        ),
    ]

    @Test(arguments: malformedBlobTokens)
    func refusesMalformedBlobTokens(_ fields: [(String, String)], _ detail: String) async throws {
        let error = await #expect(throws: StorageError.self) {
            _ = try await authenticateSigned(service: .blob, path: "/devstoreaccount1/c/b.jpg", fields: fields)
        }
        #expect(error?.code == "AuthenticationFailed")
        #expect(error?.details.first?.value.contains(detail) == true, "\(error?.details ?? [])")
    }

    @Test func refusesAnAccountTokenWithAnUnknownService() async throws {
        let fields = [("sv", "2025-01-05"), ("ss", "bz"), ("srt", "o"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z")]
        let error = await #expect(throws: StorageError.self) {
            _ = try await authenticateSigned(service: .blob, path: "/devstoreaccount1/c/b", fields: fields)
        }
        #expect(error?.details.first?.value.contains("unknown letter 'z'") == true)
    }

    @Test func refusesATableTokenWithoutTableName() async throws {
        let fields = [("sv", "2019-02-02"), ("sp", "r"), ("se", "2025-12-31T00:00:00Z")]
        let error = await #expect(throws: StorageError.self) {
            _ = try await authenticateSigned(service: .table, path: "/devstoreaccount1/files()", fields: fields)
        }
        #expect(error?.details.first?.value.contains("tn is mandatory") == true)
    }

    @Test func acceptsADateOnlyExpiryAndAnIPv6Range() async throws {
        let fields = [
            ("sv", "2025-01-05"), ("sp", "rl"), ("se", "2025-12-31"), ("sr", "c"), ("sip", "::1-::ff"),
            ("spr", "https,http"),
        ]
        let credential = try await authenticateSigned(service: .blob, path: "/devstoreaccount1/c", fields: fields)
        guard case .sharedAccessSignature(let grant) = credential else {
            Issue.record("expected a SAS grant")
            return
        }
        #expect(grant.scope == .container("c"))
        #expect(grant.ipRange?.contains("::9") == true)
        #expect(grant.ipRange?.contains("127.0.0.1") == false)
        #expect(grant.expiry == HTTPDate.parseISO8601("2025-12-31T00:00:00Z"))
    }

    // MARK: helpers

    private func grant(_ vector: AuthVectors.SASVector) async throws -> SASGrant {
        let request = try AuthVectors.request(service: vector.service, method: vector.method, target: vector.target)
        let credential = try await authenticator.authenticate(request, now: try AuthVectors.date(vector.now))
        guard case .sharedAccessSignature(let grant) = credential else {
            throw StorageError(.internalServerError, "Test", "expected a SAS credential, got \(credential)")
        }
        return grant
    }

    private func checkRequirement(_ requirement: AuthVectors.Requirement, on grant: SASGrant) throws {
        let permission = try #require(requirement.permission.first)
        let letter = try #require(requirement.resourceType.first)
        let resourceType = try #require(ResourceType(rawValue: letter))
        let access = AccessRequirement(
            permission, resourceType, container: requirement.container, blob: requirement.blob,
            partitionKey: requirement.partitionKey,
            rowKey: requirement.rowKey)
        if let code = requirement.error {
            let error = #expect(throws: StorageError.self) {
                try authenticator.authorize(.sharedAccessSignature(grant), access)
            }
            #expect(error?.code == code)
            #expect(error?.status == .forbidden)
        } else {
            try authenticator.authorize(.sharedAccessSignature(grant), access)
        }
    }

    private func expectSignatureMismatch(_ vector: AuthVectors.SASVector) async throws {
        let error = await #expect(throws: StorageError.self) { _ = try await grant(vector) }
        #expect(error?.code == "AuthenticationFailed")
        #expect(error?.details.first?.value.hasPrefix("Signature did not match") == true, "\(error?.details ?? [])")
    }

    /// Signs `fields` with the development key the way the verifier will rebuild them, at 2025-06-15.
    private func authenticateSigned(service: ServiceKind, path: String, fields: [(String, String)]) async throws
        -> Credential
    {
        let items = fields.map { QueryItem(name: $0.0, value: $0.1) }
        let probe = try StorageRequest(service: service, method: .get, target: path, headers: [:])
        let token = SASToken(query: items)
        let account = StorageAccount.development
        let message: [UInt8]
        if token.isAccountSAS {
            message = SASStringToSign.account(token, account: account.name)
        } else {
            let container = probe.segments.first ?? ""
            let blob = probe.segments.dropFirst().joined(separator: "/")
            let resource = "/blob/\(account.name)/\(container)" + (token.signedResource == "c" ? "" : "/\(blob)")
            message = SASStringToSign.blob(token, canonicalResource: resource, timestamp: nil)
        }
        let signature = AccountSignature.sign(message, key: SymmetricKey(data: account.keys[0]))
        let query = (items + [QueryItem(name: "sig", value: signature)])
            .map { "\($0.name)=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
        let request = try StorageRequest(service: service, method: .get, target: path + "?" + query, headers: [:])
        let development = Authenticator(accounts: [account], policies: VectorPolicies(policies: []))
        return try await development.authenticate(request, now: try AuthVectors.date("2025-06-15T12:00:00Z"))
    }

    static func scope(_ expected: AuthVectors.ExpectedGrant.Scope) throws -> SASGrant.Scope {
        switch expected.kind {
        case "account":
            let services = Set(
                (expected.services ?? "").compactMap { letter -> ServiceKind? in
                    ["b": .blob, "q": .queue, "t": .table][letter]
                })
            let types = Set(try (expected.resourceTypes ?? "").map { try #require(ResourceType(rawValue: $0)) })
            return .account(services: services, resourceTypes: types)
        case "container":
            return .container(try #require(expected.container))
        case "blob":
            return .blob(container: try #require(expected.container), blob: try #require(expected.blob))
        case "table":
            let range = expected.range.map {
                TableKeyRange(
                    startPartitionKey: $0["spk"], startRowKey: $0["srk"], endPartitionKey: $0["epk"],
                    endRowKey: $0["erk"])
            }
            return .table(try #require(expected.table), range: range)
        default:
            throw StorageError(.internalServerError, "Test", "unknown scope kind \(expected.kind)")
        }
    }

    /// Changes the first base64 digit of `sig=` (skipping a percent escape), so the signature no longer matches.
    static func flippingSignature(_ target: String) throws -> String {
        var characters = Array(target)
        let sig = try #require(target.range(of: "sig="))
        var index = target.distance(from: target.startIndex, to: sig.upperBound)
        if characters[index] == "%" { index += 3 }
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }
}
