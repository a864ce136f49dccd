import Foundation

/// Verifies shared access signatures (account SAS and service SAS for Blob, Queue and Table).
struct SASVerifier {
    var account: StorageAccount
    var policies: any StoredAccessPolicyLookup

    func verify(_ request: StorageRequest, now: Date) async throws -> SASGrant {
        throw StorageError.authenticationFailed("Shared access signatures are not verified yet.")
    }
}
