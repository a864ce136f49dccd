// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ironviper",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ironviper", targets: ["ironviper"]),
        .executable(name: "ironviper-emulator", targets: ["ironviper-emulator"]),
        .library(name: "StorageEmulator", targets: ["StorageEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // System libraries: each imported by exactly one Swift target (two in one module clash on glibc types).
        .systemLibrary(
            name: "CMagickWand", path: "Sources/CMagickWand", pkgConfig: "MagickWand",
            providers: [.apt(["libmagickwand-dev"])]),
        .systemLibrary(
            name: "CInotifyTools", path: "Sources/CInotifyTools", providers: [.apt(["libinotifytools0-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // The wire format's primitives (JSON, XML, dates, percent-encoding, header collation), written once for
        // the client and the emulator. Foundation only.
        .target(name: "AzureWire"),
        .testTarget(name: "AzureWireTests", dependencies: ["AzureWire"]),

        // The bundled Azure Storage emulator. It shares only AzureWire's primitives with the client: signing and
        // verifying stay apart, so a mistake in one is caught by the other.
        // Prometheus metrics for the daemon and the emulator: a registry whose series all carry help text, and
        // an HTTP listener for /metrics (swift-metrics is the API instrumented code uses; Prometheus renders it).
        .target(
            name: "Telemetry",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "StorageEmulator",
            dependencies: [
                "AzureWire", "Telemetry",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // HTTPS (`--cert`/`--key`): only the emulator speaks TLS itself.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "emulator/Sources/StorageEmulator"),
        .executableTarget(
            name: "ironviper-emulator",
            dependencies: [
                "StorageEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "emulator/Sources/ironviper-emulator"),
        .testTarget(
            name: "StorageEmulatorTests",
            dependencies: [
                "StorageEmulator", "AzureWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "emulator/Tests/StorageEmulatorTests",
            // The vectors are read from the source tree (`AuthVectors.directory`); the script made them.
            exclude: ["Fixtures/auth"]),
        // ironviper itself: Catalog + Imaging → Ingest → Sync → BackupDaemon → the `ironviper` command.
        .target(
            name: "Imaging",
            dependencies: ["CMagickWand", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Watcher",
            dependencies: ["CInotifyTools", .product(name: "Logging", package: "swift-log")]),
        // The local catalog (SQLite) and its outbox of cloud work: the one place that talks to SQLite.
        .target(
            name: "Catalog",
            dependencies: ["AzureWire", .product(name: "GRDB", package: "GRDB.swift")]),
        // Reading files into the catalog: walking, hashing, describing and rendering previews.
        .target(
            name: "Ingest",
            dependencies: [
                "Catalog", "Imaging",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "AzureStorage",
            dependencies: [
                "AzureWire", "CCurl",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        // Works the outbox against Azure; restore and verify.
        .target(
            name: "Sync",
            dependencies: [
                "Catalog", "Imaging", "Ingest", "AzureStorage", "AzureWire",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `ironviper worker`: previews made in the cloud from the extract queue, with the daemon's own
        // Imaging and row-writing code.
        .target(
            name: "PreviewWorker",
            dependencies: [
                "AzureStorage", "Catalog", "Imaging", "Ingest", "Sync", .product(name: "Logging", package: "swift-log"),
            ]),
        // The web gallery and its JSON API over the catalog and the previews (served by the daemon and by
        // `ironviper serve`): pages, assets, security rules. No SQL here: it asks Catalog.
        .target(
            name: "WebGallery",
            dependencies: [
                "AzureWire", "Catalog",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "WebGalleryTests",
            dependencies: [
                "WebGallery", "Catalog", "Sync", "AzureStorage", "StorageEmulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The daemon: configuration, the services it runs and their lifecycle under systemd.
        .target(
            name: "BackupDaemon",
            dependencies: [
                "AzureStorage", "Catalog", "Imaging", "Ingest", "StorageEmulator", "Sync", "Telemetry", "Watcher", "WebGallery",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "ironviper",
            dependencies: [
                "AzureStorage", "BackupDaemon", "Catalog", "Imaging", "Ingest", "PreviewWorker", "Sync", "WebGallery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "BackupDaemonTests",
            dependencies: [
                "BackupDaemon", "Catalog", "Sync", "Watcher", "WebGallery", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "AzureStorage", "BackupDaemon", "Catalog", "StorageEmulator", "Sync", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "WatcherTests", dependencies: ["Watcher", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "CatalogTests",
            dependencies: [
                "Catalog", "Imaging", "Ingest", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Sync", "Catalog", "Imaging", "Ingest", "AzureStorage", "PreviewWorker", "StorageEmulator",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "AzureStorageTests",
            dependencies: [
                "AzureStorage", "AzureWire", "StorageEmulator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // The misbehaving HTTP server the retry tests run against.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Vectors"]),
    ]
)
