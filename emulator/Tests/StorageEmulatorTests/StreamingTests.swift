import Foundation
import Testing

@testable import StorageEmulator

/// Large bodies stream through the emulator: its resident memory stays far below the blob's size
/// while a 256 MiB blob goes up in one Put Blob and comes back down.
@Suite(.serialized) struct StreamingTests {
    static let size = 256 * 1024 * 1024

    @Test func largeUploadAndDownloadDoNotSitInMemory() async throws {
        let location = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: location) }
        let source = (location as NSString).appendingPathComponent("source.bin")
        let copy = (location as NSString).appendingPathComponent("copy.bin")
        try Self.writePattern(to: source, size: Self.size)
        let child = try EmulatorProcess(location: (location as NSString).appendingPathComponent("store"))
        defer { child.terminate() }
        let client = TestClient(base: child.endpoint)
        _ = try await client.send("PUT", "/big", query: [("restype", "container")])

        let sampler = RSSSampler(pid: child.process.processIdentifier)
        let headers = ["x-ms-blob-type": "BlockBlob", "x-ms-version": "2025-11-05", "x-ms-date": DateFormatter.rfc1123.string(from: Date()), "Content-Length": String(Self.size)]
        let auth = client.sign(method: "PUT", path: URL(string: child.endpoint)!.path + "/big/blob.bin", query: [], headers: headers)
        try Self.curl(["-sS", "-f", "-X", "PUT", "-T", source, "-H", "Authorization: \(auth)"] + headers.filter { $0.key != "Content-Length" }.flatMap { ["-H", "\($0.key): \($0.value)"] } + [child.endpoint + "/big/blob.bin"])
        let getHeaders = ["x-ms-version": "2025-11-05", "x-ms-date": DateFormatter.rfc1123.string(from: Date())]
        let getAuth = client.sign(method: "GET", path: URL(string: child.endpoint)!.path + "/big/blob.bin", query: [], headers: getHeaders)
        try Self.curl(["-sS", "-f", "-o", copy, "-H", "Authorization: \(getAuth)"] + getHeaders.flatMap { ["-H", "\($0.key): \($0.value)"] } + [child.endpoint + "/big/blob.bin"])
        let peak = sampler.stop()

        #expect(FileManager.default.contentsEqual(atPath: source, andPath: copy))
        #expect(peak < 128 * 1024 * 1024, "emulator RSS peaked at \(peak / 1_048_576) MiB for a 256 MiB blob")
    }

    static func writePattern(to path: String, size: Int) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var block = Data(count: 1 << 20)
        for index in 0..<(size >> 20) {
            block.withUnsafeMutableBytes { bytes in
                for offset in stride(from: 0, to: bytes.count, by: 8) { bytes.storeBytes(of: UInt64(index &* 1_000_003 &+ offset), toByteOffset: offset, as: UInt64.self) }
            }
            try handle.write(contentsOf: block)
        }
    }

    static func curl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw EmulatorProcessError(message: "curl failed (\(process.terminationStatus)): \(arguments.last ?? "")") }
    }
}

/// Samples a process's resident set size every 20 ms and reports the peak.
final class RSSSampler: @unchecked Sendable {
    private var peak = 0
    private var running = true
    private let lock = NSLock()
    private var thread: Thread?
    /// Signalled by the sampling thread as it ends, so `stop` reads the peak after the last sample.
    private let ended = DispatchSemaphore(value: 0)

    init(pid: Int32) {
        let thread = Thread { [self] in
            defer { ended.signal() }
            while lock.withLock({ running }) {
                if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                    let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
                {
                    lock.withLock { peak = max(peak, kib * 1024) }
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() -> Int {
        lock.withLock { running = false }
        ended.wait()
        return lock.withLock { peak }
    }
}
