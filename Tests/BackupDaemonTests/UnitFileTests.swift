import Foundation
import Testing

/// The unit files in `systemd/` pass `systemd-analyze verify` without a single warning. The binary
/// paths are swapped for /bin/true: the units name where an admin installs ironviper, not the build tree.
@Suite struct UnitFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(arguments: ["ironviper.service", "ironviper-emulator.service", "user/ironviper.service"])
    func unitVerifiesCleanly(unit: String) throws {
        let source = try String(contentsOf: Self.repository.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ironviper-units-\(UUID().uuidString)")
        let runtime = directory.appendingPathComponent("runtime")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent((unit as NSString).lastPathComponent)
        let swapped = source.replacingOccurrences(of: "/usr/local/bin/ironviper-emulator", with: "/bin/true")
            .replacingOccurrences(of: "/usr/local/bin/ironviper", with: "/bin/true")
            .replacingOccurrences(of: "%h/.local/bin/ironviper", with: "/bin/true")
        #expect(swapped != source, "the unit names no ironviper binary")
        try swapped.write(to: copy, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = (unit.hasPrefix("user/") ? ["--user"] : []) + ["verify", copy.path]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_RUNTIME_DIR"] = runtime.path  // a user manager needs one, even just to verify
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.isEmpty, "systemd-analyze warned: \(text)")
    }
}
