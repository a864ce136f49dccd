import GRDB

/// The device a catalog belongs to. Its rows in the cloud are keyed under this name (`DeviceKeys`),
/// so it is recorded here on first use and changed only by `ironviper device rename`, which moves
/// the rows: a configuration edited by mistake cannot silently fork a device's backup.
extension Catalog {
    /// The recorded device name; nil for a catalog no daemon or sync has used yet.
    package func device() throws -> String? {
        try setting("device")
    }

    /// Records the device name (first use, or after its rows were moved by a rename).
    package func setDevice(_ name: String) throws {
        try setSetting("device", to: try DeviceName.validated(name))
    }

    /// Whether cloud rows this catalog's outbox wrote may still carry the keys of a version without
    /// devices: it has finished row work and the move to device keys was never recorded.
    package func hasLegacyCloudRows() throws -> Bool {
        if try setting("cloudKeys") == "device" { return false }
        return try read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM outbox WHERE kind IN ('entity', 'folder', 'history', 'delete')
                                   AND done_at IS NOT NULL)
                    """) ?? false
        }
    }

    /// Records that this catalog's rows in the cloud are keyed by device.
    package func markCloudKeysMigrated() throws {
        try setSetting("cloudKeys", to: "device")
    }
}
