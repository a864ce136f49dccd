import Crypto
import Foundation

/// Checks a base64 HMAC-SHA256 signature against an account's keys, in constant time per key.
enum AccountSignature {
    /// True when `signature` is the HMAC of `message` under any of the keys (primary or secondary).
    static func matches(_ signature: Substring, message: [UInt8], keys: [SymmetricKey]) -> Bool {
        guard let mac = Data(base64Encoded: String(signature)), mac.count == SHA256.byteCount else { return false }
        for key in keys where HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key) {
            return true
        }
        return false
    }

    /// The signature a key gives a message, for tests and tools that sign requests themselves.
    static func sign(_ message: [UInt8], key: SymmetricKey) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
    }
}
