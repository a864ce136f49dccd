import AzureWire
import Foundation

/// Blob features that Azure switches on per account in its management plane (not through the data plane an SDK
/// speaks), given to the emulator by `--account-config FILE` or `--versioning`.
public struct BlobFeatures: Sendable, Equatable {
    /// Blob versioning: every write keeps the state it replaces as a previous version.
    public var versioning = false
    /// Version-level immutability for every container of the account (as if each were created with
    /// `x-ms-immutable-storage-with-versioning-enabled: true`).
    public var versionLevelImmutability = false
    /// Blob soft delete: how long a deleted blob, snapshot or version is kept; nil: deletes are permanent.
    public var deleteRetention: TimeInterval?
    /// Container soft delete: how long a deleted container is kept for Restore Container; nil: off.
    public var containerDeleteRetention: TimeInterval?

    public init(
        versioning: Bool = false, versionLevelImmutability: Bool = false, deleteRetention: TimeInterval? = nil,
        containerDeleteRetention: TimeInterval? = nil
    ) {
        self.versioning = versioning
        self.versionLevelImmutability = versionLevelImmutability
        self.deleteRetention = deleteRetention
        self.containerDeleteRetention = containerDeleteRetention
    }
}

/// The features of one account.
public struct AccountFeatures: Sendable, Equatable {
    public var blob = BlobFeatures()
    public init(blob: BlobFeatures = BlobFeatures()) { self.blob = blob }
}

extension AccountFeatures {
    /// Parses an account-config document:
    ///
    /// ```json
    /// {"devstoreaccount1": {"blob": {"versioning": true, "versionLevelImmutability": true,
    ///   "deleteRetentionDays": 7, "containerDeleteRetentionDays": 7}}}
    /// ```
    ///
    /// Retention is given in days as Azure does (1 to 365); `deleteRetentionSeconds` and
    /// `containerDeleteRetentionSeconds` override it so that a test can watch a purge happen. Unknown members are
    /// errors: a misspelt feature must not silently leave data unprotected.
    public static func parse(json bytes: some Collection<UInt8>) throws(EmulatorConfigurationError) -> [String: AccountFeatures] {
        let accounts = try EmulatorConfigurationError.members(ofJSONObject: bytes, what: "account config")
        var result: [String: AccountFeatures] = [:]
        for (account, value) in accounts {
            guard case .object(let services) = value else {
                throw EmulatorConfigurationError("account config: '\(account)' is not an object")
            }
            var features = AccountFeatures()
            for (service, settings) in services {
                guard service == "blob" else {
                    throw EmulatorConfigurationError("account config: '\(account)': unexpected service '\(service)' (expected blob)")
                }
                features.blob = try BlobFeatures(json: settings, account: account)
            }
            result[account] = features
        }
        return result
    }
}

extension BlobFeatures {
    init(json: JSONValue, account: String) throws(EmulatorConfigurationError) {
        guard case .object(let members) = json else {
            throw EmulatorConfigurationError("account config: '\(account)'.blob is not an object")
        }
        var days: (blob: Double?, container: Double?) = (nil, nil)
        var seconds: (blob: Double?, container: Double?) = (nil, nil)
        for (name, value) in members {
            func number(_ range: ClosedRange<Double>) throws(EmulatorConfigurationError) -> Double {
                guard case .number(let text) = value, let number = Double(text), range.contains(number) else {
                    throw EmulatorConfigurationError(
                        "account config: '\(account)'.blob.\(name) must be a number in \(range.lowerBound)...\(range.upperBound)")
                }
                return number
            }
            func flag() throws(EmulatorConfigurationError) -> Bool {
                guard case .bool(let flag) = value else {
                    throw EmulatorConfigurationError("account config: '\(account)'.blob.\(name) must be true or false")
                }
                return flag
            }
            switch name {
            case "versioning": versioning = try flag()
            case "versionLevelImmutability": versionLevelImmutability = try flag()
            case "deleteRetentionDays": days.blob = try number(1...365)
            case "containerDeleteRetentionDays": days.container = try number(1...365)
            case "deleteRetentionSeconds": seconds.blob = try number(0.001...31_536_000)
            case "containerDeleteRetentionSeconds": seconds.container = try number(0.001...31_536_000)
            default:
                throw EmulatorConfigurationError(
                    "account config: '\(account)'.blob: unexpected member '\(name)' (expected versioning, "
                        + "versionLevelImmutability, deleteRetentionDays, containerDeleteRetentionDays, "
                        + "deleteRetentionSeconds, containerDeleteRetentionSeconds)")
            }
        }
        if versionLevelImmutability && !versioning {
            throw EmulatorConfigurationError(
                "account config: '\(account)'.blob: versionLevelImmutability needs versioning, as in Azure")
        }
        deleteRetention = seconds.blob ?? days.blob.map { $0 * 86_400 }
        containerDeleteRetention = seconds.container ?? days.container.map { $0 * 86_400 }
    }
}
