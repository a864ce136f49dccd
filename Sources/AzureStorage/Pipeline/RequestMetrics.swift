import CoreMetrics
import Synchronization

/// The pipeline's instruments, through swift-metrics: made from the factory the client was given (a daemon's
/// Prometheus registry, or nothing), never the process-global one, so two clients in one process (tests, a
/// command beside the daemon) never mix their counts.
final class RequestMetrics: Sendable {
    let factory: any MetricsFactory

    /// The instruments of each kind of answer, made once: making them asks the factory's registry for the
    /// series by label and dimensions each time (four per request, 1.5 % of the daemon's CPU on small files).
    private let answers = Mutex<[AnswerKind: AnswerInstruments]>([:])

    private struct AnswerKind: Hashable {
        var service: String
        var operation: String
        var statusClass: Int
        var billing: BillingClass
    }

    private struct AnswerInstruments {
        var requests: Counter
        var duration: Timer
        var sent: Counter
        var received: Counter
    }

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// One answered attempt.
    func answered(_ call: StorageCall, status: Int, billing: BillingClass, received: Int64, elapsed: Duration) {
        let kind = AnswerKind(
            service: call.service.rawValue, operation: call.operation, statusClass: status / 100, billing: billing)
        let instruments = answers.withLock { made in
            if let existing = made[kind] { return existing }
            let new = makeInstruments(kind)
            made[kind] = new
            return new
        }
        instruments.requests.increment()
        instruments.duration.recordNanoseconds(elapsed.nanoseconds)
        instruments.sent.increment(by: Int(call.body.length))
        instruments.received.increment(by: Int(received))
    }

    private func makeInstruments(_ kind: AnswerKind) -> AnswerInstruments {
        AnswerInstruments(
            requests: Counter(
                label: "ironviper_cloud_requests_total",
                dimensions: [
                    ("service", kind.service), ("operation", kind.operation), ("status_class", "\(kind.statusClass)xx"),
                    ("billing_class", kind.billing.rawValue),
                ], factory: factory),
            duration: Timer(
                label: "ironviper_cloud_request_duration_seconds",
                dimensions: [("service", kind.service), ("operation", kind.operation)], factory: factory),
            sent: Counter(label: "ironviper_cloud_bytes_sent_total", dimensions: [("service", kind.service)], factory: factory),
            received: Counter(
                label: "ironviper_cloud_bytes_received_total", dimensions: [("service", kind.service)], factory: factory))
    }

    /// One attempt that got no answer.
    func unanswered(_ call: StorageCall) {
        Counter(
            label: "ironviper_cloud_transport_failures_total",
            dimensions: [("service", call.service.rawValue), ("operation", call.operation)], factory: factory
        ).increment()
    }

    /// A request about to be sent again.
    func retrying(_ call: StorageCall) {
        Counter(
            label: "ironviper_cloud_retries_total",
            dimensions: [("service", call.service.rawValue), ("operation", call.operation)], factory: factory
        ).increment()
    }
}

extension Duration {
    /// Whole nanoseconds, for swift-metrics' timers.
    var nanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}

/// The pipeline's metric names with their help texts, for a registry that describes every series
/// (Prometheus' linter wants a HELP line for each).
package enum StorageClientMetrics {
    package static let descriptions: [String: String] = [
        "ironviper_cloud_requests_total":
            "Answered storage requests by service, operation, status class (2xx, 3xx, 4xx, 5xx) and billing class.",
        "ironviper_cloud_request_duration_seconds": "Time from sending a storage request to its answer.",
        "ironviper_cloud_bytes_sent_total": "Request body bytes sent to storage.",
        "ironviper_cloud_bytes_received_total": "Response body bytes received from storage.",
        "ironviper_cloud_retries_total": "Storage requests sent again after a retryable failure.",
        "ironviper_cloud_transport_failures_total": "Storage requests that got no HTTP answer (connection errors).",
    ]
}
