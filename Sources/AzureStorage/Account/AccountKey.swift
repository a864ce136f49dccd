import Foundation

/// A decoded storage account key. It prints as `<redacted>` wherever it ends up (logs, errors,
/// `dump`), so the secret cannot leak through string interpolation.
package struct AccountKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let bytes: [UInt8]

    /// Decodes the base64 key a connection string or the Azure portal gives; nil when it is not base64.
    package init?(base64: String) {
        guard let data = Data(base64Encoded: base64), !data.isEmpty else { return nil }
        bytes = Array(data)
    }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
    package var customMirror: Mirror { Mirror(self, children: []) }
}
