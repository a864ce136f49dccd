import AzureWire
import Foundation

/// A version-level time-based retention policy (WORM): until `until`, the blob version it is set on cannot be
/// deleted or have its metadata written, by anyone, the holder of the account key included. Azure needs blob
/// versioning and a container (or account) with version-level immutability; the headers exist from
/// x-ms-version 2020-06-12.
package struct ImmutabilityPolicy: Sendable, Equatable {
    /// `Unlocked` can be shortened or deleted by anyone with write access (the account key is enough);
    /// `Locked` can only be extended, which is what protects a backup from a stolen key.
    package enum Mode: String, Sendable, CaseIterable {
        case unlocked = "Unlocked"
        case locked = "Locked"

        /// Reads the header (`Unlocked`) and listing (`unlocked`) spellings alike.
        package init?(text: String) {
            guard let mode = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                return nil
            }
            self = mode
        }
    }

    /// The end of the protection; sent as RFC 1123, so whole seconds.
    package var until: Date
    package var mode: Mode

    /// Makes one; `until` is truncated to whole seconds, as the wire carries it.
    package init(until: Date, mode: Mode) {
        self.until = Date(timeIntervalSince1970: until.timeIntervalSince1970.rounded(.down))
        self.mode = mode
    }

    /// The request headers of Put Blob, Put Block List and Set Blob Immutability Policy.
    func apply(to headers: inout HTTPHeaders) {
        headers.set("x-ms-immutability-policy-until-date", HTTPDate.rfc1123(until))
        headers.set("x-ms-immutability-policy-mode", mode.rawValue)
    }

    /// The policy a response or a listing reports, when it has a readable one.
    static func parse(until: String?, mode: String?) -> ImmutabilityPolicy? {
        guard let until, let date = HTTPDate.parseRFC1123(until) ?? HTTPDate.parseISO8601(until) else { return nil }
        return ImmutabilityPolicy(until: date, mode: mode.flatMap(Mode.init(text:)) ?? .unlocked)
    }
}
