import Crypto

/// Block ids derived from the block's position and content: `ivb-000042-<md5 hex>`, base64-encoded.
/// An id staged by an interrupted upload therefore names exactly the same bytes, so resuming can
/// skip it safely even if the file changed in between (its blocks would get other ids).
enum BlockID {
    static func make(index: Int, md5: [UInt8]) -> String {
        let digits = String(index)
        let padded = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        let hex = md5.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return Base64.encode("ivb-\(padded)-\(hex)")
    }
}
