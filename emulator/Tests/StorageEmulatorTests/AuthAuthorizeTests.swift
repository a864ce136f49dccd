import Foundation
import Testing

@testable import StorageEmulator

/// `authorize`: which credential may do what, and the 403 code Azure answers when it may not.
@Suite struct AuthAuthorizeTests {
    let authenticator = Authenticator(accounts: [.development], policies: VectorPolicies(policies: []))

    func grant(_ scope: SASGrant.Scope, _ letters: String, service: ServiceKind = .blob) -> Credential {
        .sharedAccessSignature(
            SASGrant(account: "devstoreaccount1", scope: scope, permissions: Set(letters), service: service))
    }

    func code(_ credential: Credential, _ requirement: AccessRequirement, publicRead: Bool? = nil) -> String? {
        do {
            try authenticator.authorize(credential, requirement, publicRead: publicRead)
            return nil
        } catch let error as StorageError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    @Test func sharedKeyMayDoAnything() {
        let requirement = AccessRequirement("d", .service, needsAccountLevel: true)
        #expect(code(.sharedKey(account: "devstoreaccount1"), requirement) == nil)
    }

    @Test func anonymousMayOnlyReadWhatIsPublic() {
        let read = AccessRequirement("r", .object, container: "pv-store", blob: "a.jpg")
        #expect(code(.anonymous, read, publicRead: true) == nil)
        #expect(code(.anonymous, read) == "AuthenticationFailed", "an operation no access level opens")
        #expect(code(.anonymous, read, publicRead: false) == "ResourceNotFound", "a read of a private container")
    }

    @Test func accountSASChecksServiceThenResourceTypeThenPermission() {
        let blobObjects = grant(.account(services: [.blob], resourceTypes: [.object]), "rw")
        let readBlob = AccessRequirement("r", .object, container: "c", blob: "b")
        #expect(code(blobObjects, readBlob) == nil)
        #expect(
            code(blobObjects, AccessRequirement("l", .container, container: "c")) == "AuthorizationResourceTypeMismatch"
        )
        #expect(
            code(blobObjects, AccessRequirement("d", .object, container: "c", blob: "b"))
                == "AuthorizationPermissionMismatch")
        let onQueue = grant(.account(services: [.blob], resourceTypes: [.object]), "rw", service: .queue)
        #expect(code(onQueue, readBlob) == "AuthorizationServiceMismatch")
        // An account SAS may do account-level operations a service SAS may not.
        let service = grant(.account(services: [.blob], resourceTypes: [.service]), "rw")
        #expect(code(service, AccessRequirement("w", .service, needsAccountLevel: true)) == nil)
    }

    @Test func containerSASCoversItsContainerOnly() {
        let sas = grant(.container("pv-store"), "rl")
        #expect(code(sas, AccessRequirement("l", .container, container: "pv-store")) == nil)
        #expect(code(sas, AccessRequirement("r", .object, container: "pv-store", blob: "x/y.jpg")) == nil)
        #expect(
            code(sas, AccessRequirement("r", .object, container: "file-store", blob: "y")) == "AuthorizationFailure")
        #expect(
            code(sas, AccessRequirement("r", .container, container: "pv-store", needsAccountLevel: true))
                == "AuthorizationFailure")
        #expect(code(sas, AccessRequirement("l", .service)) == "AuthorizationFailure")
        #expect(
            code(sas, AccessRequirement("w", .object, container: "pv-store", blob: "y"))
                == "AuthorizationPermissionMismatch")
    }

    @Test func blobSASCoversItsBlobOnly() {
        let sas = grant(.blob(container: "c", blob: "a b.jpg"), "r")
        #expect(code(sas, AccessRequirement("r", .object, container: "c", blob: "a b.jpg")) == nil)
        #expect(code(sas, AccessRequirement("r", .object, container: "c", blob: "other")) == "AuthorizationFailure")
        #expect(code(sas, AccessRequirement("l", .container, container: "c")) == "AuthorizationFailure")
    }

    @Test func alternativesAndExtraLettersFollowAzuresRules() {
        // Put Blob of a new blob: create or write will do.
        let create = grant(.container("c"), "c")
        let putNew = AccessRequirement("w", .object, container: "c", blob: "n", alternatives: ["c"])
        #expect(code(create, putNew) == nil)
        #expect(
            code(create, AccessRequirement("w", .object, container: "c", blob: "n"))
                == "AuthorizationPermissionMismatch")
        // Insert Or Replace Entity: add and update both.
        let upsert = AccessRequirement("a", .object, container: "files", alsoRequires: ["u"])
        #expect(code(grant(.table("files", range: nil), "au", service: .table), upsert) == nil)
        #expect(
            code(grant(.table("files", range: nil), "a", service: .table), upsert) == "AuthorizationPermissionMismatch")
    }

    @Test func tableSASChecksTheTableCaseBlindAndTheKeyRange() {
        let range = TableKeyRange(startPartitionKey: "lib", startRowKey: "a", endPartitionKey: "lib", endRowKey: "m")
        let sas = grant(.table("Files", range: range), "r", service: .table)
        func entity(_ table: String, _ partition: String, _ row: String) -> AccessRequirement {
            AccessRequirement("r", .object, container: table, partitionKey: partition, rowKey: row)
        }
        #expect(code(sas, entity("files", "lib", "b")) == nil)
        #expect(code(sas, entity("FILES", "lib", "m")) == nil)
        #expect(code(sas, entity("files", "lib", "n")) == "AuthorizationFailure")
        #expect(code(sas, entity("files", "other", "b")) == "AuthorizationFailure")
        #expect(code(sas, entity("history", "lib", "b")) == "AuthorizationFailure")
        #expect(code(sas, AccessRequirement("r", .object, container: "files")) == nil)
        #expect(
            code(sas, AccessRequirement("c", .container, container: "files", needsAccountLevel: true))
                == "AuthorizationFailure")
    }

    @Test(
        arguments: [
            // (spk, srk, epk, erk, partition, row, inside)
            ("a", nil, nil, nil, "a", "", true), ("b", nil, nil, nil, "a", "z", false),
            ("a", "m", nil, nil, "a", "l", false), ("a", "m", nil, nil, "b", "a", true),
            (nil, nil, "c", "k", "c", "k", true), (nil, nil, "c", "k", "c", "ka", false),
            (nil, nil, "c", nil, "c", "zzz", true), (nil, nil, "c", nil, "d", "", false),
            // Ordinal: "z" (U+007A) sorts before "é" (U+00E9).
            ("é", nil, nil, nil, "z", "", false), ("z", nil, nil, nil, "é", "", true),
        ] as [(String?, String?, String?, String?, String, String, Bool)])
    func tableKeyRangeBoundsAreInclusive(
        _ spk: String?, _ srk: String?, _ epk: String?, _ erk: String?, _ partition: String, _ row: String,
        _ inside: Bool
    ) {
        let range = TableKeyRange(startPartitionKey: spk, startRowKey: srk, endPartitionKey: epk, endRowKey: erk)
        #expect(range.contains(partitionKey: partition, rowKey: row) == inside)
    }

    @Test func ipRangesParseAndContain() throws {
        let single = try #require(SASIPRange("168.1.5.65"))
        #expect(single.contains("168.1.5.65") && !single.contains("168.1.5.66"))
        let range = try #require(SASIPRange("168.1.5.60-168.1.5.70"))
        #expect(range.contains("168.1.5.70") && !range.contains("168.1.6.0") && !range.contains("::1"))
        #expect(range.description == "168.1.5.60-168.1.5.70")
        #expect(SASIPRange("168.1.5") == nil)
        #expect(SASIPRange("::1-10.0.0.1") == nil)
    }
}
