import CoreMetrics
import Prometheus

/// One process's (or one emulator's) Prometheus registry, and the swift-metrics factory that feeds it.
/// Why not `PrometheusMetricsFactory` as it comes: it registers every series without a HELP line, and
/// Prometheus' linter (`promtool check metrics`) refuses such an exposition; here each name gets the help
/// text its owner declared. Why not the process-global `MetricsSystem`: the daemon embeds an emulator, and
/// tests run many clients in one process; each registry counts only what it was handed to.
package final class MetricsRegistry: Sendable {
    package let prometheus: PrometheusCollectorRegistry
    private let descriptions: [String: String]

    /// `descriptions`: every metric name this registry will see, with its help text (the owners' tables merged).
    package init(descriptions: [String: String]) {
        prometheus = PrometheusCollectorRegistry()
        self.descriptions = descriptions
    }

    /// The factory to hand to instrumented code.
    package var factory: any MetricsFactory { DescribedMetricsFactory(registry: self) }

    /// The text exposition format (version 0.0.4), what `/metrics` answers.
    package func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        prometheus.emit(into: &buffer)
        return buffer
    }

    /// The descriptor for `name`: its declared help, or the name itself for one nobody described (so the
    /// exposition stays valid; the tests check that none is left undescribed).
    func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: descriptions[name] ?? "undescribed: \(name)")
    }

    /// A gauge set directly (values read at scrape time: catalog counts, the outbox's age).
    package func gauge(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Gauge {
        prometheus.makeGauge(descriptor: descriptor(name), labels: labels)
    }

    /// A counter moved directly (totals another part keeps, stepped by what changed since the last scrape).
    package func counter(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Counter {
        prometheus.makeCounter(descriptor: descriptor(name), labels: labels)
    }
}
