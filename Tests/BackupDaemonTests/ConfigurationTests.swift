import Foundation
import BackupDaemon
import Catalog
import Testing

@Suite struct ConfigurationTests {
    @Test func fullFileIsRead() throws {
        let configuration = try DaemonConfiguration.parse(
            """
            state_directory = "/srv/ironviper"
            [[library]]
            name = "photos"
            path = "/home/ann/Pictures/"
            [[library]]
            name = "scans été"
            path = "/mnt/scans"
            [storage]
            access_tier = "cold"
            deletes = "mirror"
            retention_days = 120
            [watch]
            settle_seconds = 2.5
            ignore = ["*.xmp~"]
            rescan_minutes = 5
            [sync]
            concurrency = 8
            max_attempts = 3
            bandwidth_limit = "10M"
            [previews]
            where = "cloud"
            profile = "lean"
            tier = "default"
            learn_seconds = 5
            [emulator]
            blob_port = 0
            """)
        #expect(configuration.previews.location == .cloud && configuration.previews.profile == .lean)
        #expect(configuration.previews.tier == nil && configuration.previews.learnSeconds == 5)
        #expect(configuration.libraries == [.init(name: "photos", path: "/home/ann/Pictures"), .init(name: "scans été", path: "/mnt/scans")])
        #expect(configuration.storage.accessTier == .cold)
        #expect(configuration.storage.deletes == .mirror)
        #expect(configuration.storage.retentionDays == 120)
        #expect(configuration.watch.settleSeconds == 2.5)
        #expect(configuration.watch.ignore == ["*.xmp~"])
        #expect(configuration.watch.rescanMinutes == 5)
        #expect(configuration.sync.concurrency == 8)
        #expect(configuration.sync.maxAttempts == 3)
        #expect(configuration.sync.bandwidthLimit == 10 << 20)
        #expect(configuration.emulator.blobPort == 0)
        #expect(configuration.emulator.queuePort == 10001)
        #expect(configuration.stateDirectory == "/srv/ironviper")
    }

    @Test func defaultsApplyWhenOnlyALibraryIsGiven() throws {
        let configuration = try DaemonConfiguration.parse("[[library]]\nname = \"p\"\npath = \"/p\"\n")
        #expect(configuration.storage == DaemonConfiguration.Storage())
        #expect(configuration.storage.accessTier == .cold)
        #expect(configuration.previews == DaemonConfiguration.Previews())
        #expect(configuration.previews.profile == .standard && configuration.previews.tier == .cool)
        #expect(configuration.storage.deletes == .keep)
        #expect(configuration.sync.bandwidthLimit == nil)
        #expect(configuration.watch.ignore.contains("*.part"))
    }

    @Test(arguments: [
        ("", "library: no library is configured"),
        ("[[library]]\nname = \"p\"\npath = \"relative\"", "library[1].path: an absolute folder path is required"),
        ("[[library]]\nname = \"a/b\"\npath = \"/p\"", "library[1].name"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[[library]]\nname = \"q\"\npath = \"/p/sub\"", "overlaps library \"p\""),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[[library]]\nname = \"p\"\npath = \"/q\"", "used by two libraries"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[storage]\nacces_tier = \"Hot\"", "storage.acces_tier: unknown key"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[storage]\naccess_tier = \"Frozen\"", "must be Hot, Cool, Cold or Archive"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[storage]\ndeletes = \"purge\"", "storage.deletes"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[sync]\nconcurrency = 0", "sync.concurrency: must be at least 1"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[sync]\nbandwidth_limit = \"fast\"", "sync.bandwidth_limit"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[watch]\nignore = \"*.tmp\"", "watch.ignore: must be an array"),
        ("[[library]]\nname = \"p\"\npath = ", "not valid TOML"),
        ("colour = 1\n[[library]]\nname = \"p\"\npath = \"/p\"", "colour: unknown key"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[previews]\nwhere = \"nas\"", "previews.where: must be \"local\" or \"cloud\""),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[previews]\nprofile = \"tiny\"", "previews.profile: must be \"default\" or \"lean\""),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[previews]\ntier = \"Warm\"", "previews.tier: must be Hot, Cool"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[storage]\nimmutability_days = -1", "storage.immutability_days: must be at least 0"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[storage]\nimmutability_days = 200000", "storage.immutability_days: must be at most 146000"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[storage]\nimmutability_days = \"30\"", "storage.immutability_days: must be a whole number"),
        ("[[library]]\nname = \"p\"\npath = \"/p\"\n[storage]\nimmutability_mode = \"frozen\"", "storage.immutability_mode: must be \"locked\" or \"unlocked\""),
    ])
    func badFilesAreRefusedWithTheKeyAtFault(text: String, expected: String) {
        #expect {
            try DaemonConfiguration.parse(text)
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }

    @Test func immutabilityIsOffByDefaultLockedWhenOnAndADayLongUnlessTheTestHookSaysOtherwise() throws {
        let library = "[[library]]\nname = \"p\"\npath = \"/p\"\n"
        let off = try DaemonConfiguration.parse(library)
        #expect(off.storage.immutabilityDays == 0 && off.masterImmutability == nil)
        let on = try DaemonConfiguration.parse(library + "[storage]\nimmutability_days = 30\n")
        #expect(on.storage.immutabilityMode == .locked)
        #expect(on.masterImmutability?.period == .seconds(30 * 86_400))
        #expect(on.masterImmutability?.mode == .locked)
        let unlocked = try DaemonConfiguration.parse(library + "[storage]\nimmutability_days = 1\nimmutability_mode = \"Unlocked\"\n")
        #expect(unlocked.masterImmutability?.mode == .unlocked)
        #expect(DaemonConfiguration.immutabilityDaySeconds(environment: [:]) == 86_400)
        #expect(DaemonConfiguration.immutabilityDaySeconds(environment: ["IRONVIPER_TEST_DAY_SECONDS": "6"]) == 6)
        #expect(DaemonConfiguration.immutabilityDaySeconds(environment: ["IRONVIPER_TEST_DAY_SECONDS": "-1"]) == 86_400)
    }

    @Test func loadNamesTheFile() throws {
        let path = NSTemporaryDirectory() + "ironviper-config-\(UUID().uuidString).toml"
        try "[[library]]\nname = 3\npath = \"/p\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try DaemonConfiguration.load(file: path)
        } throws: { error in
            String(describing: error) == "\(path): library[1].name: must be a string"
        }
    }

    @Test func sampleParsesBackToTheDefaults() throws {
        let libraries = [DaemonConfiguration.Library(name: "photos \"2024\"", path: "/home/ann/Pictures")]
        let parsed = try DaemonConfiguration.parse(ConfigurationFile.sample(device: "nas-1", libraries: libraries))
        var expected = DaemonConfiguration(libraries: libraries)
        expected.device = "nas-1"
        expected.stateDirectory = nil
        #expect(parsed == expected)
    }

    @Test func aDeviceNameIsCheckedAndCanBeSetInPlace() throws {
        let bad = #"device = "my/laptop"\#n[[library]]\#nname = "p"\#npath = "/p"\#n"#
        #expect(throws: ConfigurationError.self) { try DaemonConfiguration.parse(bad) }
        let without = "# mine\n[[library]]\nname = \"p\"\npath = \"/p\"\n"
        let added = ConfigurationFile.settingDevice("laptop-2", in: without)
        #expect(try DaemonConfiguration.parse(added).device == "laptop-2")
        #expect(added.hasPrefix("# mine\ndevice = \"laptop-2\""))
        let changed = ConfigurationFile.settingDevice("nas", in: added)
        #expect(try DaemonConfiguration.parse(changed).device == "nas")
        #expect(changed.components(separatedBy: "device =").count == 2)  // replaced, not added again
        #expect(DeviceName.fromHostName("Ann's MacBook.local") == "Ann-s-MacBook")
        #expect(throws: CatalogError.self) { try DeviceName.validated("-x") }
    }

    @Test func fileLocationFollowsSystemdThenXDG() {
        #expect(ConfigurationFile.path(environment: ["CONFIGURATION_DIRECTORY": "/etc/ironviper"]) == "/etc/ironviper/config.toml")
        #expect(ConfigurationFile.path(system: true, environment: [:]) == "/etc/ironviper/config.toml")
        #expect(ConfigurationFile.path(environment: ["HOME": "/home/ann"]) == "/home/ann/.config/ironviper/config.toml")
        #expect(ConfigurationFile.path(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/x"]) == "/x/ironviper/config.toml")
        #expect(ConfigurationFile.path(override: "/c.toml", environment: ["IRONVIPER_CONFIG": "/e.toml"]) == "/c.toml")
        #expect(ConfigurationFile.path(environment: ["IRONVIPER_CONFIG": "/e.toml"]) == "/e.toml")
    }

    @Test func connectionStringComesFromCredentialThenEnvironmentThenFile() throws {
        var configuration = DaemonConfiguration(libraries: [])
        configuration.storage.connectionString = "from-file"
        let credentials = NSTemporaryDirectory() + "ironviper-cred-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        try "from-credential\n".write(toFile: credentials + "/connection-string", atomically: true, encoding: .utf8)
        let all = ["CREDENTIALS_DIRECTORY": credentials, "IRONVIPER_CONNECTION_STRING": "from-env"]
        #expect(try StorageSecret.connectionString(configuration: configuration, environment: all)?.0 == "from-credential")
        #expect(try StorageSecret.connectionString(configuration: configuration, environment: ["IRONVIPER_CONNECTION_STRING": "from-env"])?.1 == .environment)
        #expect(try StorageSecret.connectionString(configuration: configuration, environment: [:])?.0 == "from-file")
        configuration.storage.connectionString = nil
        #expect(try StorageSecret.connectionString(configuration: configuration, environment: [:]) == nil)
    }
}
