import ArgumentParser
import BackupDaemon
import Catalog
import Foundation
import Sync

/// `ironviper device`: the devices an account holds, and the commands that move a device's rows.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "List the devices of the storage account; rename this one; adopt rows from before devices.",
        subcommands: [ListDevices.self, RenameDevice.self, AdoptLegacyRows.self], defaultSubcommand: ListDevices.self)
}

/// `ironviper device list`: every device and library the account holds (its `devices` table).
struct ListDevices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the devices and libraries the storage account holds.")

    @OptionGroup var cloud: CloudOptions

    @Flag(help: "Print the listing as JSON.")
    var json = false

    func run() async throws {
        let listing = try await cloud.start(requireExplicit: true).use { storage in
            try await DeviceDirectory(storage: storage.client).list()
        }
        if json { return try JSONOutput.print(listing) }
        for device in listing.devices {
            print(device.name)
            for library in device.libraries { print("  \(library.name)  \(library.root ?? "")") }
        }
        if listing.legacyRows > 0 {
            print(
                "\(listing.legacyRows) files rows predate devices: `ironviper device adopt NAME` gives them to a device"
            )
        }
    }
}

/// `ironviper device rename NEW`: moves this machine's rows to a new device name (nothing is uploaded
/// again), then records it in the catalog and the configuration. Run it with the daemon stopped.
struct RenameDevice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename", abstract: "Give this machine another device name, moving its rows in the cloud.")

    @OptionGroup var cloud: CloudOptions

    @Argument(help: "The new device name (letters, digits, '.', '_' or '-').")
    var name: String

    func run() async throws {
        let target = DeviceKeys(device: try DeviceName.validated(name))
        let configuration = try cloud.daemon.load()
        let stateDirectory = cloud.daemon.stateDirectory(configuration)
        let lock = try DaemonLock(stateDirectory: stateDirectory)  // the daemon must not write rows meanwhile
        defer { withExtendedLifetime(lock) {} }
        let catalog = try Catalog(path: DataLocation(directory: stateDirectory).catalogPath)
        guard let old = try catalog.device() else {
            throw ValidationError("this catalog has no device yet: set device = \"\(name)\" in the configuration")
        }
        try await cloud.start(requireExplicit: false).use { storage in
            // Rows from before devices first, so that they move along.
            _ = try await DeviceIdentity.prepare(
                configured: old, catalog: catalog, storage: storage.client, logger: CloudOptions.logger)
            if old != target.device {
                let report = try await KeyMigration(storage: storage.client).run(
                    from: .device(DeviceKeys(device: old)), to: target)
                print(
                    "moved \(report.files) files, \(report.folders) folders, \(report.history) history and "
                        + "\(report.references) refs rows from \(old) to \(target.device)")
            }
        }
        try catalog.setDevice(target.device)
        let path = cloud.daemon.configurationPath
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try ConfigurationFile.settingDevice(target.device, in: text).write(
            toFile: path, atomically: true, encoding: .utf8)
        print("device is now \(target.device) (\(path) updated)")
    }
}

/// `ironviper device adopt NAME`: gives the rows an ironviper without devices wrote (keyed by library
/// alone) to device NAME, for an account whose old daemon is gone (a running daemon does this itself).
struct AdoptLegacyRows: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt", abstract: "Move rows written before devices existed to a device's keys.")

    @OptionGroup var cloud: CloudOptions

    @Argument(help: "The device the rows belong to.")
    var name: String

    @Option(help: "Only this library's rows (repeat for several; default: every library's).")
    var library: [String] = []

    func run() async throws {
        let target = DeviceKeys(device: try DeviceName.validated(name))
        let report = try await cloud.start(requireExplicit: true).use { storage in
            try await KeyMigration(storage: storage.client).run(
                from: .legacy(libraries: library.isEmpty ? nil : Set(library)), to: target)
        }
        print(
            "moved \(report.files) files, \(report.folders) folders and \(report.history) history rows to \(name); "
                + "wrote \(report.references) refs rows")
    }
}
