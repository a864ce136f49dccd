import AzureWire
import Foundation
import GRDB
import HTTPTypes

/// Version-level immutability (WORM): a time-based retention policy (`Unlocked` or `Locked`, until a date) and a
/// legal hold, each set on one version. Facts from Microsoft's "Version-level WORM policies" page:
/// - while a version is protected (policy not yet expired, or a legal hold), it cannot be deleted and its metadata
///   cannot be written: 409 `BlobImmutableDueToPolicy` or `BlobImmutableDueToLegalHold`;
/// - overwriting the blob (Put Blob, Put Block List, Copy Blob) is allowed: it creates a new version, and the
///   protected one stays as a previous version with its policy (`BlobVersions.beginWrite`);
/// - a Locked policy can only be extended; it cannot be deleted (409 `ImmutabilityPolicyDeleteOnLockedPolicy`),
///   shortened or unlocked. Azure documents no code for the shortening; the emulator answers
///   `BlobImmutableDueToPolicy`, the code of every other refusal a locked policy causes.
enum BlobImmutability {
    /// Whether the container supports version-level immutability: the account's setting, or the container's own
    /// (`x-ms-immutable-storage-with-versioning-enabled` on Create Container).
    static func isEnabled(_ db: Database, _ target: BlobTarget, _ features: BlobFeatures) throws -> Bool {
        if features.versionLevelImmutability { return true }
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT version_immutability FROM containers WHERE account = ? AND name = ?"),
            arguments: [target.account, target.container]) ?? false
    }

    /// Whether a version is protected now (an unexpired policy or a legal hold).
    static func isProtected(_ blob: BlobRecord, now: Date = Date()) -> Bool {
        blob.legalHold || (blob.immutabilityUntil ?? 0) > now.timeIntervalSince1970
    }

    /// Refuses to delete a protected version or write its metadata.
    static func checkUnprotected(_ blob: BlobRecord, now: Date = Date()) throws {
        if blob.legalHold {
            throw StorageError(
                .conflict, "BlobImmutableDueToLegalHold",
                "This operation is not permitted as the blob is immutable due to one or more legal holds.")
        }
        if let until = blob.immutabilityUntil, until > now.timeIntervalSince1970 {
            throw StorageError(
                .conflict, "BlobImmutableDueToPolicy",
                "This operation is not permitted as the blob is immutable due to a policy (until "
                    + "\(HTTPDate.rfc1123(Date(timeIntervalSince1970: until)))).")
        }
    }

    /// Set Blob Tier's guard: a protected version's tier cannot be lowered (Hot > Cool > Cold > Archive), so a
    /// holder of the key cannot push protected data towards early deletion or unreadability.
    static func checkTierChange(_ blob: BlobRecord, to tier: String) throws {
        let order = ["Hot", "Cool", "Cold", "Archive"]
        let from = order.firstIndex(of: blob.tier ?? "Hot") ?? 0
        guard let to = order.firstIndex(of: tier), to > from else { return }
        try checkUnprotected(blob)
    }

    /// The protection an upload asks for (`x-ms-immutability-policy-until-date`, `-mode`, `x-ms-legal-hold`).
    struct Request: Sendable {
        var until: Double?
        var mode: String?
        var legalHold: Bool?
        var isEmpty: Bool { until == nil && legalHold == nil }

        init(_ request: StorageRequest, untilRequired: Bool = false) throws {
            if let text = request.header("x-ms-immutability-policy-until-date") {
                guard let date = HTTPDate.parseRFC1123(text) ?? HTTPDate.parseISO8601(text) else {
                    throw StorageError.invalidHeader("x-ms-immutability-policy-until-date", text, "Expected an RFC 1123 date.")
                }
                guard date > Date() else {
                    throw StorageError.invalidHeader(
                        "x-ms-immutability-policy-until-date", text, "A past time is invalid.")
                }
                until = date.timeIntervalSince1970
                let modeText = request.header("x-ms-immutability-policy-mode") ?? "Unlocked"
                guard let mode = ["Unlocked", "Locked"].first(where: { $0.lowercased() == modeText.lowercased() }) else {
                    throw StorageError.invalidHeader("x-ms-immutability-policy-mode", modeText, "Expected Unlocked or Locked.")
                }
                self.mode = mode
            } else if untilRequired {
                throw StorageError.missingHeader("x-ms-immutability-policy-until-date")
            } else if let modeText = request.header("x-ms-immutability-policy-mode") {
                throw StorageError.invalidHeader(
                    "x-ms-immutability-policy-mode", modeText, "x-ms-immutability-policy-until-date is missing.")
            }
            if let text = request.header("x-ms-legal-hold") {
                guard let hold = Bool(text.lowercased()) else {
                    throw StorageError.invalidHeader("x-ms-legal-hold", text, "Expected true or false.")
                }
                legalHold = hold
            }
        }

        /// Applies what an upload asked for to its new version, when the container allows it.
        func apply(to blob: inout BlobRecord, enabled: Bool) throws {
            guard !isEmpty else { return }
            guard enabled else { throw BlobImmutability.notEnabled() }
            if let until {
                blob.immutabilityUntil = until
                blob.immutabilityMode = mode
            }
            if let legalHold { blob.legalHold = legalHold }
        }
    }

    /// A policy or legal hold in a container without version-level immutability. Azure documents no code for it;
    /// `BlobOperationNotSupported` ("not supported in this scenario") is the documented code that says so.
    static func notEnabled() -> StorageError {
        StorageError(
            .conflict, "BlobOperationNotSupported",
            "The operation is not supported in this scenario: the container does not have immutable storage with "
                + "versioning enabled.")
    }

    /// The headers of Get Blob Properties (and of Set Blob Immutability Policy's answer).
    static func writeProperties(_ blob: BlobRecord, to headers: inout HTTPFields) {
        if let until = blob.immutabilityUntil, let mode = blob.immutabilityMode {
            headers[HTTPField.Name("x-ms-immutability-policy-until-date")!] = HTTPDate.rfc1123(Date(timeIntervalSince1970: until))
            headers[HTTPField.Name("x-ms-immutability-policy-mode")!] = mode
        }
        if blob.legalHold { headers[HTTPField.Name("x-ms-legal-hold")!] = "true" }
    }
}
