import Foundation
import Testing

/// Prometheus' own checker (`promtool`, Debian's `prometheus` package, installed by scripts/setup). Missing, the
/// tests that need it fail rather than skip: an exposition or rule nobody linted reaches a dashboard broken.
enum Promtool {
    static var path: String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `promtool ARGS` with `input` on standard input; returns the exit status and everything it printed.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> (status: Int32, output: String) {
        let executable = try #require(
            path, "promtool is not on PATH: scripts/setup installs Debian's prometheus package")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
