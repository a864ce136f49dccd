// swift-tools-version:6.1
// The transfer benchmark's own package, so the main build does not compile a benchmark tool.
// `Sources/AzureStorage`, `Sources/AzureWire` and `Sources/CCurl` are symlinks to the real targets: the benchmark
// measures exactly the client the daemon uses, built in release mode.
import PackageDescription

let package = Package(
    name: "transfer-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl"),
        .target(name: "AzureWire", path: "Sources/AzureWire"),
        .target(
            name: "AzureStorage",
            dependencies: [
                "AzureWire", "CCurl",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/AzureStorage"),
        .executableTarget(
            name: "transfer-bench",
            dependencies: ["AzureStorage", .product(name: "Logging", package: "swift-log")],
            path: "Sources/transfer-bench"),
    ]
)
