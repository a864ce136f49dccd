// swift-tools-version:6.1
// The web benchmark's third anchor: Hummingbird alone serving the same preview bytes from memory by the same
// URLs, through its router, with no middleware, no catalog and no security rules. Its own package, so the main
// build does not compile a benchmark tool.
import PackageDescription

let package = Package(
    name: "bare-previews",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: [])
    ],
    targets: [
        .executableTarget(
            name: "bare-previews",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Sources/bare-previews")
    ]
)
