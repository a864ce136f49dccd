import AzureStorage
import Foundation
import Logging
import StorageEmulator
import Sync
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The emulator's `/metrics` (`--metrics`): off by default, and when on, counts that agree with what the
/// client counted by billing class, and an exposition promtool accepts.
@Suite("Emulator metrics")
struct EmulatorMetricsTests {
    /// The client's operation names from the emulator's (`putBlob` → `PutBlob`), for pricing its counts.
    static func billing(_ emulatorOperation: String) -> BillingClass {
        BillingClass(
            operation: emulatorOperation.prefix(1).uppercased() + emulatorOperation.dropFirst(), service: .blob)
    }

    @Test func theEmulatorsCountsByBillingClassEqualTheClientsAndPromtoolAcceptsThem() async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.services = [.blob]
        configuration.metrics = true
        let emulator = try await RunningEmulator.start(configuration: configuration)
        let counted = RecordingObserver()
        var clientConfiguration = StorageClientConfiguration()
        clientConfiguration.observer = counted
        let client = try StorageClient(
            connectionString: emulator.connectionString, configuration: clientConfiguration,
            logger: DaemonMetricsTests.quiet)
        _ = try await client.blobs.createContainer("counted")
        for index in 0..<5 {
            _ = try await client.blobs.putBlob(container: "counted", name: "b\(index)", bytes: [UInt8(index)])
        }
        _ = try await client.blobs.propertiesIfExists(container: "counted", name: "b1")
        _ = try await client.blobs.propertiesIfExists(container: "counted", name: "missing")
        _ = try await client.blobs.allBlobs(container: "counted")
        _ = try await client.blobs.delete(container: "counted", name: "b0")

        let scrape = try await Scrape.get("http://127.0.0.1:\(emulator.ports[.blob]!)/metrics")
        let check = try Promtool.run(["check", "metrics"], input: Array(scrape.text.utf8))
        #expect(check.status == 0, "promtool check metrics:\n\(check.output)\n\(scrape.text)")
        #expect(scrape.value("ironviper_emulator_requests_total", ["operation": "putBlob", "status": "201"]) == 5)
        #expect(scrape.value("ironviper_emulator_objects", ["service": "blob"]) == 4)
        #expect(scrape.value("ironviper_emulator_stored_bytes") == 4)

        var emulatorClasses: [String: Int] = [:]
        for line in scrape.text.split(separator: "\n") where line.hasPrefix("ironviper_emulator_requests_total{") {
            guard let start = line.range(of: "operation=\""), let end = line[start.upperBound...].firstIndex(of: "\"")
            else { continue }
            let operation = String(line[start.upperBound..<end])
            emulatorClasses[Self.billing(operation).rawValue, default: 0] += Int(
                Double(line.split(separator: " ").last!)!)
        }
        #expect(emulatorClasses == counted.byClass(), "emulator \(emulatorClasses), client \(counted.byClass())")
        await client.shutdown()
        await emulator.shutdown()
    }

    @Test func withoutTheFlagMetricsIsNotServed() async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.services = [.blob]
        let emulator = try await RunningEmulator.start(configuration: configuration)
        let url = try #require(URL(string: "http://127.0.0.1:\(emulator.ports[.blob]!)/metrics"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let status = try #require(response as? HTTPURLResponse).statusCode
        #expect(status != 200 && !String(decoding: data, as: UTF8.self).contains("ironviper_emulator"))
        await emulator.shutdown()
    }
}

/// Counts what the client's pipeline reports, by billing class.
final class RecordingObserver: RequestObserver {
    private let records = Mutex<[RequestRecord]>([])

    func observe(_ record: RequestRecord) { records.withLock { $0.append(record) } }

    func byClass() -> [String: Int] {
        records.withLock { records in
            var classes: [String: Int] = [:]
            for record in records { classes[record.billingClass.rawValue, default: 0] += 1 }
            return classes
        }
    }
}
