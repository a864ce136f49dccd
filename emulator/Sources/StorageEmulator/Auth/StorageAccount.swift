import AzureWire
import Crypto
import Foundation

/// A storage account the emulator serves, with the keys that sign its requests.
public struct StorageAccount: Sendable, Equatable {
    /// The account name, the first segment of every path-style URL.
    public var name: String
    /// Decoded account keys: the primary, and optionally a secondary; a request signed with either is accepted.
    public var keys: [[UInt8]] {
        didSet { signingKeys = keys.map { SymmetricKey(data: $0) } }
    }
    /// The keys ready for HMAC, built once: every request is checked against them.
    private(set) var signingKeys: [SymmetricKey]

    /// An account with its decoded keys.
    public init(name: String, keys: [[UInt8]]) {
        self.name = name
        self.keys = keys
        signingKeys = keys.map { SymmetricKey(data: $0) }
    }

    /// Same name and same keys (the HMAC-ready copies follow the keys).
    public static func == (lhs: StorageAccount, rhs: StorageAccount) -> Bool {
        lhs.name == rhs.name && lhs.keys == rhs.keys
    }

    /// Azurite's well-known development account, whose key is published in Azure's documentation.
    public static let developmentAccountName = "devstoreaccount1"
    public static let developmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    public static let development = StorageAccount(
        name: developmentAccountName, keys: [Array(Data(base64Encoded: developmentAccountKey)!)])

    /// Parses Azurite's `AZURITE_ACCOUNTS` format: `name1:key1[:key2];name2:key1…` with base64 keys.
    public static func parseAccounts(_ text: String) throws -> [StorageAccount] {
        try text.split(separator: ";").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { entry in
            let fields = entry.split(separator: ":", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count >= 2, !fields[0].isEmpty else {
                throw EmulatorConfigurationError("AZURITE_ACCOUNTS entry '\(entry)' is not name:key1[:key2]")
            }
            let keys = try fields.dropFirst().filter { !$0.isEmpty }.map { key in
                guard let data = Data(base64Encoded: key) else {
                    throw EmulatorConfigurationError(
                        "AZURITE_ACCOUNTS: the key of account '\(fields[0])' is not base64")
                }
                return Array(data)
            }
            guard !keys.isEmpty else {
                throw EmulatorConfigurationError("AZURITE_ACCOUNTS: account '\(fields[0])' has no key")
            }
            return StorageAccount(name: fields[0], keys: keys)
        }
    }
}

/// A configuration problem found at start-up, with the setting at fault in its message.
public struct EmulatorConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// The members of a configuration document that must be one JSON object (`--account-config`, `--faults`);
    /// errors begin with `what`, naming the document.
    static func members(ofJSONObject bytes: some Collection<UInt8>, what: String) throws(EmulatorConfigurationError)
        -> [(String, JSONValue)]
    {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw EmulatorConfigurationError("\(what): invalid JSON: \(error)")
        }
        guard case .object(let members) = document else { throw EmulatorConfigurationError("\(what): not a JSON object") }
        return members
    }
}
