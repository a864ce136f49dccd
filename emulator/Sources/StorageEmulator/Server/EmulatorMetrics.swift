import CoreMetrics
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Telemetry

/// The emulator's own Prometheus metrics (`--metrics`, off by default): requests by service, operation and
/// status, their durations, bytes in and out, faults injected, and what the store holds (read at scrape
/// time from its SQLite). One registry per emulator, so an emulator embedded in the daemon or in a test
/// never mixes its figures with another's.
final class EmulatorMetrics: Sendable {
    let registry: MetricsRegistry
    private let store: EmulatorStore

    static let descriptions: [String: String] = [
        "ironviper_emulator_requests_total": "Requests answered by service, operation and HTTP status.",
        "ironviper_emulator_request_duration_seconds":
            "Time from a request's head to its answer, by service and operation.",
        "ironviper_emulator_bytes_received_total": "Request body bytes declared by Content-Length, by service.",
        "ironviper_emulator_bytes_sent_total": "Response body bytes declared by Content-Length, by service.",
        "ironviper_emulator_faults_injected_total": "Faults injected by kind.",
        "ironviper_emulator_objects": "Blobs, queue messages and table entities stored, by service.",
        "ironviper_emulator_stored_bytes": "Bytes of blob content stored (committed blobs).",
    ]

    init(store: EmulatorStore) {
        registry = MetricsRegistry(
            descriptions: Self.descriptions.merging(BuildInfo.descriptions) { first, _ in first })
        self.store = store
        BuildInfo.record(in: registry, component: "emulator")
    }

    /// One answered request.
    func answered(
        service: ServiceKind, operation: String, status: HTTPResponse.Status, received: Int64, sent: Int64,
        elapsed: Duration
    ) {
        let factory = registry.factory
        let kind = service.rawValue
        Counter(
            label: "ironviper_emulator_requests_total",
            dimensions: [("service", kind), ("operation", operation), ("status", "\(status.code)")], factory: factory
        ).increment()
        let parts = elapsed.components
        Timer(
            label: "ironviper_emulator_request_duration_seconds",
            dimensions: [("service", kind), ("operation", operation)],
            factory: factory
        ).recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        Counter(label: "ironviper_emulator_bytes_received_total", dimensions: [("service", kind)], factory: factory)
            .increment(by: Int(received))
        Counter(label: "ironviper_emulator_bytes_sent_total", dimensions: [("service", kind)], factory: factory)
            .increment(by: Int(sent))
    }

    func faultInjected(_ kind: FaultKind) {
        Counter(
            label: "ironviper_emulator_faults_injected_total", dimensions: [("kind", "\(kind)")],
            factory: registry.factory
        )
        .increment()
    }

    /// The operation's name for the label: Azure's for Blob (as the emulator identifies it), the method and
    /// `comp` for Queue and Table (their operations are not named anywhere in the emulator).
    static func operation(_ request: StorageRequest?, method: HTTPRequest.Method) -> String {
        guard let request else { return "unparsed" }
        let comp = request.query("comp")
        if request.service == .blob {
            let container = request.segments.first.flatMap { $0.isEmpty ? nil : $0 }
            return BlobOperation.identify(
                method: request.method, hasContainer: container != nil,
                hasBlob: request.segments.count > 1 && !request.segments.dropFirst().joined(separator: "/").isEmpty,
                restype: request.query("restype"), comp: comp, copySource: request.header("x-ms-copy-source") != nil
            )?.rawValue ?? "unknown"
        }
        return "\(method.rawValue)\(comp.map { " " + $0 } ?? "")"
    }

    /// `/metrics`: the store's contents read now, then the whole exposition.
    func response() async -> Response {
        let counts = try? await store.database.read { db in
            (
                blobs: try Int.fetchOne(db, sql: "SELECT count(*) FROM blobs") ?? 0,
                bytes: try Int64.fetchOne(db, sql: "SELECT coalesce(sum(content_length), 0) FROM blobs") ?? 0,
                messages: try Int.fetchOne(db, sql: "SELECT count(*) FROM queue_messages") ?? 0,
                entities: try Int.fetchOne(db, sql: "SELECT count(*) FROM table_entities") ?? 0
            )
        }
        if let counts {
            registry.gauge("ironviper_emulator_objects", [("service", "blob")]).set(to: Double(counts.blobs))
            registry.gauge("ironviper_emulator_objects", [("service", "queue")]).set(to: Double(counts.messages))
            registry.gauge("ironviper_emulator_objects", [("service", "table")]).set(to: Double(counts.entities))
            registry.gauge("ironviper_emulator_stored_bytes").set(to: Double(counts.bytes))
        }
        return MetricsServer.response(registry.exposition())
    }
}
