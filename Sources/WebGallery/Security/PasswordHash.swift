import Crypto
import CryptoExtras
import Foundation

/// A salted PBKDF2-SHA256 password hash, written `pbkdf2-sha256$ROUNDS$SALT_HEX$HASH_HEX`: the config holds
/// this, never the password, so reading the file does not give access to the gallery.
package struct PasswordHash: Sendable, Equatable, CustomStringConvertible {
    package let rounds: Int
    package let salt: [UInt8]
    package let hash: [UInt8]

    /// OWASP's minimum for PBKDF2-SHA256 (what CryptoExtras enforces for the checked call).
    package static let defaultRounds = 210_000

    package init(parsing text: String) throws {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1,
            let salt = Self.bytes(hex: parts[2]), salt.count >= 8, let hash = Self.bytes(hex: parts[3]), hash.count == 32
        else { throw GalleryError("not a password hash (pbkdf2-sha256$ROUNDS$SALT$HASH): make one with ironviper serve --hash-password") }
        (self.rounds, self.salt, self.hash) = (rounds, salt, hash)
    }

    /// Hashes `password` with a fresh random salt. `rounds` below the default are for tests only.
    package static func make(password: String, rounds: Int = defaultRounds) throws -> PasswordHash {
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let hash = try derive(password, salt: salt, rounds: rounds)
        return try PasswordHash(parsing: "pbkdf2-sha256$\(rounds)$\(hex(salt))$\(hex(hash))")
    }

    /// Whether `password` is the one hashed, compared in constant time.
    package func verify(_ password: String) -> Bool {
        guard let candidate = try? Self.derive(password, salt: salt, rounds: rounds) else { return false }
        return ConstantTime.equal(candidate, hash)
    }

    package var description: String { "pbkdf2-sha256$\(rounds)$\(Self.hex(salt))$\(Self.hex(hash))" }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Array($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}

/// Comparison whose time does not depend on where two secrets first differ.
enum ConstantTime {
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
