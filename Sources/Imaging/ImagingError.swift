/// The one error type of the Imaging module: a code a caller can act on, the file it concerns and
/// the text ImageMagick (or the RAW decoder) gave, so a catalog can keep the reason next to the file.
package struct ImagingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, coarse enough for a caller to decide (skip, retry, report).
    package enum Code: String, Sendable, Codable {
        /// The bytes could not be decoded: empty, truncated beyond repair, or not what they claim to be.
        case unreadableInput
        /// A format this build cannot decode (or one we refuse to hand to ImageMagick).
        case unsupportedFormat
        /// Declared dimensions, pixel area or decode time beyond the configured limits (decompression bombs).
        case resourceLimit
        /// A rendition could not be written.
        case writeFailed
        /// An external decoder (dcraw) failed or is missing.
        case decoderFailed
    }

    /// The failure class.
    package var code: Code
    /// The file (or rendition) the failure concerns.
    package var path: String
    /// ImageMagick's exception text or the decoder's message, kept verbatim.
    package var detail: String?

    /// Makes an error; `detail` should carry the library's own words.
    package init(_ code: Code, path: String, detail: String? = nil) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    /// One line for logs and the catalog's error table.
    package var description: String { "\(code.rawValue) \(path): \(detail ?? "no detail")" }
}
