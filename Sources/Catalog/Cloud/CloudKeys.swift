import Foundation

/// How catalog facts are named in the cloud (docs/architecture.md, "Contracts in the cloud"): container, table
/// and queue names, blob names and Table keys. Both the outbox writer and the sync workers use
/// these, so the names other programs depend on are spelled in one place.
package enum CloudKeys {
    /// Container of the masters, named by SHA-256.
    package static let masterContainer = "file-store"
    /// Container of the renditions, `<sha256>/<name>.jpg`.
    package static let previewContainer = "pv-store"
    /// Table of the current state of every path.
    package static let filesTable = "files"
    /// Table of the folder tree.
    package static let foldersTable = "folders"
    /// Table of every version of every path.
    package static let historyTable = "history"
    /// Queue of masters that still need renditions.
    package static let extractQueue = "extract-queue"
    /// Where `ironviper worker` moves an extract message it could not work after its dequeue limit.
    package static let extractPoisonQueue = "extract-queue-poison"
    /// Table of who references each master: PartitionKey = SHA-256, one row per device and path
    /// (`DeviceKeys.referenceRowKey`), so "may this master go?" is one partition query.
    package static let referencesTable = "refs"
    /// The RowKey of the marker a purge writes in a master's `refs` partition while it deletes it
    /// (encoded keys never start with `~`).
    package static let purgeMarker = "~purge"
    /// Table of the devices an account holds: PartitionKey = device, RowKey = library name.
    package static let devicesTable = "devices"

    /// The blob name of a rendition.
    package static func renditionBlob(sha256: String, name: String) -> String { "\(sha256)/\(name).jpg" }

    /// The content a blob of the previews container belongs to: the name up to its first `/` (any blob under
    /// `<sha256>/`, whatever its name, so a rendition of other settings is found too).
    package static func renditionContent(blob: String) -> String { String(blob.prefix { $0 != "/" }) }

    /// The content and rendition name a `renditionBlob` names (nil for a name it cannot have written).
    package static func renditionParts(blob: String) -> (sha256: String, name: String)? {
        let parts = blob.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, parts[1].hasSuffix(".jpg") else { return nil }
        return (String(parts[0]), String(parts[1].dropLast(".jpg".count)))
    }

    /// Percent-encodes what a Table key cannot hold (`/`, `\`, `#`, `?`, control characters) and `%`
    /// itself, so decoding is exact; everything else (unicode included) is kept as is.
    package static func encodeKey(_ text: String) -> String {
        // Run for every row key and partition (several per file): bytes and a table, not `String(format:)`, which
        // made it a thirtieth of a small file's backup.
        func escaped(_ value: UInt32) -> Bool {
            value < 0x20 || (value >= 0x7F && value <= 0x9F) || value == 0x25 || value == 0x2F || value == 0x5C
                || value == 0x23 || value == 0x3F  // % / \ # ?
        }
        guard text.unicodeScalars.contains(where: { escaped($0.value) }) else { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if escaped(scalar.value) {
                UTF8.encode(scalar) { byte in result += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] }
            } else {
                UTF8.encode(scalar) { result.append($0) }
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The `files` RowKey of a relative path.
    package static func fileRowKey(path: String) -> String { encodeKey(path) }

    /// The folder key of the folder holding `parent` (a relative path, "" for the root) within one
    /// device: the library name and the parent path joined by `/`, encoded. A library name holds no
    /// `/`, so the key is unambiguous; the root's children are under the bare library name.
    package static func folderPartition(library: String, parent: String) -> String {
        encodeKey(parent.isEmpty ? library : library + "/" + parent)
    }

    /// A path's key within one device: library and path joined by `/`, encoded (the library name holds
    /// no `/`, so it is unambiguous). Device-scoped keys put the device in front (`DeviceKeys`).
    package static func pathKey(library: String, path: String) -> String {
        encodeKey(library + "/" + path)
    }

    /// The `history` RowKey of a version recorded at `nanoseconds` since 1970: .NET ticks counted down
    /// from `DateTime.MaxValue`, 19 digits, so the newest version sorts first (Azure's usual pattern).
    package static func invertedTicks(nanoseconds: Int64) -> String {
        let maxTicks: Int64 = 3_155_378_975_999_999_999  // DateTime.MaxValue.Ticks
        let unixEpochTicks: Int64 = 621_355_968_000_000_000
        let ticks = unixEpochTicks + nanoseconds / 100
        // Zero-padded by hand: `String(format:)` went through Foundation's formatter for every file's row.
        let digits = String(maxTicks - ticks)
        return digits.hasPrefix("-") ? digits : String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }

    /// A blob metadata value: UTF-8 percent-encoded outside printable ASCII (and `%` itself), since a
    /// header can carry nothing else and the service trims spaces.
    package static func metadataValue(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if byte > 0x20 && byte < 0x7F && byte != 0x25 {
                result.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    /// The text a `metadataValue` encodes (nil for a value it cannot have written).
    package static func metadataText(_ value: String) -> String? {
        value.removingPercentEncoding
    }
}
