import Foundation

/// The `ironviper-emulator` executable run as a child process, for tests that must kill it for real.
final class EmulatorProcess: @unchecked Sendable {
    let process = Process()
    private(set) var endpoint = ""

    /// The built executable: `EMULATOR_BIN`, or the debug build next to this package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["EMULATOR_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/ironviper-emulator").path
    }

    /// Starts the emulator's Blob service on a free port and waits for its ready line.
    init(location: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--location", location, "--blobPort", "0", "--services", "blob", "--silent"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        let handle = output.fileHandleForReading
        while !text.contains("ironviper-emulator ready") {
            let data = handle.availableData
            guard !data.isEmpty else { throw EmulatorProcessError(message: "emulator exited before it was ready: \(text)") }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Blob service is successfully listening at ") }) else {
            throw EmulatorProcessError(message: "no Blob ready line in: \(text)")
        }
        endpoint = String(line.dropFirst("Blob service is successfully listening at ".count)) + "/devstoreaccount1"
    }

    /// SIGKILL: no chance to flush or clean up, like a power cut for the process.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct EmulatorProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
