import Foundation
import StorageEmulator

/// An in-process emulator with a blob container, a raw socket client for its Blob port, and the requests the fault
/// tests send (signed with SharedKey, so a fault is the only reason one can fail).
struct FaultTestBed: Sendable {
    let emulator: RunningEmulator
    let client: TestClient
    let container = "faults"

    static func start(service: ServiceKind = .blob) async throws -> FaultTestBed {
        let emulator = try await RunningEmulator.start()
        let client = TestClient(base: emulator.endpoint(.blob))
        let bed = FaultTestBed(emulator: emulator, client: client)
        _ = try await client.send("PUT", "/\(bed.container)", query: [("restype", "container")])
        return bed
    }

    /// Runs `body` against a fresh emulator and shuts it down whether `body` passed or threw.
    static func with(_ body: (FaultTestBed) async throws -> Void) async throws {
        let bed = try await start()
        do {
            try await body(bed)
        } catch {
            await bed.shutdown()
            throw error
        }
        await bed.shutdown()
    }

    func raw(_ service: ServiceKind = .blob) -> RawHTTPClient { RawHTTPClient(port: emulator.ports[service] ?? 0) }

    /// A signed request to `/ACCOUNT/PATH` on the Blob port over a raw socket.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], headers extra: [String: String] = [:],
        body: [UInt8] = []
    ) async throws -> RawHTTPClient.Exchange {
        var headers = extra
        headers["x-ms-version"] = "2025-11-05"
        headers["x-ms-date"] = DateFormatter.rfc1123.string(from: Date())
        if !body.isEmpty || method == "PUT" { headers["Content-Length"] = String(body.count) }
        let account = "/" + StorageAccount.developmentAccountName
        headers["Authorization"] = client.sign(method: method, path: account + path, query: query, headers: headers)
        let queryText = query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return try await raw().exchange(method, account + path + (queryText.isEmpty ? "" : "?" + queryText), headers: headers, body: body)
    }

    func putBlob(_ name: String, _ body: [UInt8]) async throws -> RawHTTPClient.Exchange {
        try await send("PUT", "/\(container)/\(name)", headers: ["x-ms-blob-type": "BlockBlob"], body: body)
    }

    func getBlob(_ name: String) async throws -> RawHTTPClient.Exchange {
        try await send("GET", "/\(container)/\(name)")
    }

    /// Stores `size` bytes as blob `b`, strikes its GETs with `kind`, and reads it once: the bytes
    /// stored and what came back.
    func readStruck(by kind: FaultKind, size: Int) async throws -> (content: [UInt8], reply: RawHTTPClient.Exchange) {
        let content = Self.pattern(size)
        _ = try await putBlob("b", content)
        emulator.faults.replace(with: Self.always(kind, "GET", blob: "b"))
        return (content, try await getBlob("b"))
    }

    /// A rule that strikes every request of `method` to one blob.
    static func always(
        _ kind: FaultKind, _ method: String, blob name: String, phase: FaultPhase = .before, seed: UInt64 = 1
    ) -> FaultPlan {
        FaultPlan(seed: seed, rules: [
            FaultRule(service: .blob, method: method, path: "/devstoreaccount1/faults/\(name)", rate: 1, kinds: [kind], phase: phase,
                latencyMilliseconds: 5)
        ])
    }

    static func pattern(_ size: Int, salt: UInt8 = 0) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8 &+ Int(salt)) }
    }

    func shutdown() async { await emulator.shutdown() }
}
