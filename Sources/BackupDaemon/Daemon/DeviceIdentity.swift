import AzureStorage
import Catalog
import Foundation
import Logging
import Sync

/// Which device a state directory's catalog is, and its rows in the cloud ready for it. The name is
/// recorded in the catalog the first time (from `device = …`, else the host name), and a
/// configuration naming another device afterwards is refused: the rows would fork silently under a
/// second name. `ironviper device rename` moves the rows and the record together.
package enum DeviceIdentity {
    /// The catalog's device, recorded now if this is its first use.
    package static func resolve(configured: String?, catalog: Catalog) throws -> DeviceKeys {
        let recorded = try catalog.device()
        if let configured, let recorded, configured != recorded {
            throw DaemonError(
                "the configuration names device \"\(configured)\", but this catalog's rows in the cloud are keyed as "
                    + "\"\(recorded)\": run `ironviper device rename \(configured)` to move them, "
                    + "or set device = \"\(recorded)\"")
        }
        let name = try DeviceName.validated(configured ?? recorded ?? DeviceName.fromHostName(hostName()))
        if recorded == nil { try catalog.setDevice(name) }
        return DeviceKeys(device: name)
    }

    /// `resolve`, then the rows this catalog wrote before devices existed moved to the device's keys
    /// (once; nothing is uploaded again). The daemon and `ironviper sync` call it before any row work.
    package static func prepare(
        configured: String?, catalog: Catalog, storage: StorageClient, logger: Logger
    ) async throws -> DeviceKeys {
        let device = try resolve(configured: configured, catalog: catalog)
        if try catalog.hasLegacyCloudRows() {
            logger.notice("moving this catalog's cloud rows to the keys of device \(device.device)")
            let libraries = Set(try catalog.libraries().map(\.name))
            let report = try await KeyMigration(storage: storage).run(from: .legacy(libraries: libraries), to: device)
            try catalog.markCloudKeysMigrated()
            logger.notice(
                "cloud rows moved to device keys",
                metadata: [
                    "device": "\(device.device)", "files": "\(report.files)", "folders": "\(report.folders)",
                    "history": "\(report.history)", "references": "\(report.references)",
                ])
        } else {
            try catalog.markCloudKeysMigrated()
        }
        return device
    }

    /// This machine's host name.
    package static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "device" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
