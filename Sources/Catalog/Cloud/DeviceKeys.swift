import Foundation

/// The Table keys of one device's rows. Several machines back up into one account, and camera file
/// names repeat (`DCIM/100CANON/IMG_0001.JPG`), so every row a device writes is keyed under its
/// name: each device-scoped key is `<device>%2F` followed by the key a single device would use
/// (`CloudKeys`), so two devices can never write the same key, and one device's rows of `files`,
/// `folders` and `history` are the PartitionKey range [`<device>%2F`, `<device>%2G`). In `refs` (one
/// partition per content) its RowKeys have that prefix; in `devices` its PartitionKey is the bare name.
package struct DeviceKeys: Sendable, Equatable {
    /// The device's name (`DeviceName.validated`).
    package let device: String

    /// Keys of `device`.
    package init(device: String) {
        self.device = device
    }

    /// What starts every key of this device: its name and an encoded `/`.
    package var prefix: String { device + "%2F" }

    /// The upper bound of this device's keys (`%2G` sorts right after every `%2F…`).
    package var prefixEnd: String { device + "%2G" }

    /// An OData filter selecting this device's partitions.
    package var partitionFilter: String {
        "PartitionKey ge '\(prefix)' and PartitionKey lt '\(prefixEnd)'"
    }

    /// The `files` PartitionKey of a library.
    package func filesPartition(library: String) -> String { prefix + CloudKeys.encodeKey(library) }

    /// The `folders` PartitionKey of the folder `parent` ("" for the library's root) holds children of.
    package func folderPartition(library: String, parent: String) -> String {
        prefix + CloudKeys.folderPartition(library: library, parent: parent)
    }

    /// The `history` PartitionKey of a path: one partition query lists its versions.
    package func historyPartition(library: String, path: String) -> String {
        prefix + CloudKeys.pathKey(library: library, path: path)
    }

    /// The `refs` RowKey of a path referencing a master (in the master's partition).
    package func referenceRowKey(library: String, path: String) -> String {
        prefix + CloudKeys.pathKey(library: library, path: path)
    }

    /// Whether a key was written by this device.
    package func owns(_ key: String) -> Bool { key.hasPrefix(prefix) }
}

/// Device names: what `device = "…"` in config.toml may hold.
package enum DeviceName {
    /// `name` when it can be a device name: 1 to 63 letters, digits, `.`, `_` or `-`, starting with a
    /// letter or digit (a host name fits). These need no encoding in a Table key and hold no `/`, so
    /// a device's key prefix is never the prefix of another device's.
    package static func validated(_ name: String) throws(CatalogError) -> String {
        let bytes = Array(name.utf8)
        func allowed(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard (1...63).contains(bytes.count), bytes.allSatisfy(allowed), let first = bytes.first,
            first != 0x2E && first != 0x5F && first != 0x2D
        else {
            throw CatalogError(
                .badQuery, name,
                detail: "a device name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        return name
    }

    /// This machine's host name made into a device name (what `ironviper init` writes).
    package static func fromHostName(_ host: String) -> String {
        let cleaned = String(
            host.split(separator: ".").first.map(String.init)?.unicodeScalars.map { scalar -> Character in
                let ok =
                    scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
                return ok ? Character(scalar) : "-"
            } ?? [])
        let trimmed = String(cleaned.drop { $0 == "-" || $0 == "_" }.prefix(63))
        return trimmed.isEmpty ? "device" : trimmed
    }
}
