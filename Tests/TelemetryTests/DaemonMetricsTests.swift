import AzureStorage
import BackupDaemon
import Catalog
import Foundation
import Logging
import StorageEmulator
import Sync
import Telemetry
import Testing

/// The daemon's metrics as Prometheus scrapes them: a real listener on a free port, the client's pipeline
/// counting against the in-process emulator, the catalog in real SQLite, and promtool judging the output.
@Suite("Daemon metrics")
struct DaemonMetricsTests {
    static var quiet: Logger {
        var logger = Logger(label: "ironviper.telemetry.tests")
        logger.logLevel = .critical
        return logger
    }

    @Test func anUploadMovesTheRequestCountersByExactlyItsRequestsAndPromtoolAcceptsTheOutput() async throws {
        let folder = NSTemporaryDirectory() + "telemetry-tests-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let catalog = try Catalog(path: folder + "/catalog.sqlite")
        let metrics = DaemonMetrics(catalog: catalog, logger: Self.quiet)
        let ledger = RequestLedger(catalog: catalog, logger: Self.quiet)
        let emulator = try await RunningEmulator.start()
        var configuration = StorageClientConfiguration()
        configuration.metrics = metrics.registry.factory
        configuration.observer = ledger
        let client = try StorageClient(
            connectionString: emulator.connectionString, configuration: configuration, logger: Self.quiet)
        let server = try await RunningMetricsServer.start(
            host: "127.0.0.1", port: 0, registry: metrics.registry, logger: Self.quiet, refresh: { metrics.refresh() })
        #expect(server.port != 0)

        let put = ["service": "blob", "operation": "PutBlob", "status_class": "2xx", "billing_class": "write"]
        let before = try await Scrape.get(server.url)
        _ = try await client.blobs.createContainer("scraped")
        let bytes = [UInt8](repeating: 7, count: 1234)
        _ = try await client.blobs.putBlob(container: "scraped", name: "one", bytes: bytes)
        let after = try await Scrape.get(server.url)

        #expect(
            after.value("ironviper_cloud_requests_total", put) - before.value("ironviper_cloud_requests_total", put)
                == 1)
        #expect(
            after.value("ironviper_cloud_bytes_sent_total", ["service": "blob"])
                - before.value("ironviper_cloud_bytes_sent_total", ["service": "blob"]) == 1234)
        #expect(after.value("ironviper_cloud_request_duration_seconds_count", ["operation": "PutBlob"]) == 1)
        #expect(after.value("ironviper_build_info", ["component": "daemon"]) == 1)
        #expect(after.value("ironviper_outbox_due", ["kind": "master"]) == 0)
        #expect(!after.help.values.contains { $0.hasPrefix("undescribed") }, "\(after.help)")

        let check = try Promtool.run(["check", "metrics"], input: Array(after.text.utf8))
        #expect(check.status == 0, "promtool check metrics:\n\(check.output)\n\(after.text)")

        // The instruments are made once per kind of answer and go on counting; another kind has its own.
        _ = try await client.blobs.putBlob(container: "scraped", name: "two", bytes: [1, 2])
        await #expect(throws: AzureStorageError.self) {
            try await client.blobs.properties(container: "scraped", name: "absent")
        }
        let later = try await Scrape.get(server.url)
        #expect(later.value("ironviper_cloud_requests_total", put) - after.value("ironviper_cloud_requests_total", put) == 1)
        #expect(
            later.value("ironviper_cloud_bytes_sent_total", ["service": "blob"])
                - after.value("ironviper_cloud_bytes_sent_total", ["service": "blob"]) == 2)
        #expect(later.value("ironviper_cloud_request_duration_seconds_count", ["operation": "PutBlob"]) == 2)
        let missing = ["service": "blob", "operation": "GetBlobProperties", "status_class": "4xx"]
        #expect(later.value("ironviper_cloud_requests_total", missing) == 1)

        // The same requests, counted durably by billing class into the catalog.
        ledger.flush()
        var byClass: [String: Int] = [:]
        for count in try catalog.requestCounts() { byClass[count.billingClass, default: 0] += count.requests }
        #expect(byClass == ["list": 1, "write": 2, "other": 1])

        await server.shutdown()
        await client.shutdown()
        await emulator.shutdown()
    }

    @Test func twoServersOnPortZeroEachReportTheirOwnBoundPort() async throws {
        let registry = MetricsRegistry(descriptions: BuildInfo.descriptions)
        BuildInfo.record(in: registry, component: "daemon")
        let first = try await RunningMetricsServer.start(
            host: "127.0.0.1", port: 0, registry: registry, logger: Self.quiet)
        let second = try await RunningMetricsServer.start(
            host: "127.0.0.1", port: 0, registry: registry, logger: Self.quiet)
        #expect(first.port != second.port)
        #expect(try await Scrape.get(second.url).value("ironviper_build_info") == 1)
        // The port is taken while the first listens: binding it again fails instead of sharing it.
        await #expect(throws: (any Error).self) {
            try await RunningMetricsServer.start(
                host: "127.0.0.1", port: first.port, registry: registry, logger: Self.quiet)
        }
        await first.shutdown()
        await second.shutdown()
    }
}
