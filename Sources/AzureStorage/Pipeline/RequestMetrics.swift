import CoreMetrics

/// The pipeline's instruments, through swift-metrics: made from the factory the client was given (a daemon's
/// Prometheus registry, or nothing), never the process-global one, so two clients in one process (tests, a
/// command beside the daemon) never mix their counts.
struct RequestMetrics: Sendable {
    let factory: any MetricsFactory

    /// One answered attempt.
    func answered(_ call: StorageCall, status: Int, billing: BillingClass, received: Int64, elapsed: Duration) {
        let service = call.service.rawValue
        Counter(
            label: "ironviper_cloud_requests_total",
            dimensions: [
                ("service", service), ("operation", call.operation), ("status_class", "\(status / 100)xx"),
                ("billing_class", billing.rawValue),
            ], factory: factory
        ).increment()
        Timer(
            label: "ironviper_cloud_request_duration_seconds",
            dimensions: [("service", service), ("operation", call.operation)], factory: factory
        ).recordNanoseconds(elapsed.nanoseconds)
        Counter(label: "ironviper_cloud_bytes_sent_total", dimensions: [("service", service)], factory: factory)
            .increment(by: Int(call.body.length))
        Counter(label: "ironviper_cloud_bytes_received_total", dimensions: [("service", service)], factory: factory)
            .increment(by: Int(received))
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
