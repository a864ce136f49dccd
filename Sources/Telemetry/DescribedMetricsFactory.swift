import CoreMetrics
import Prometheus

/// swift-metrics' factory over a `MetricsRegistry`: counters, gauges and histograms registered with the help
/// text declared for their name. Timers become histograms in seconds, aggregated recorders value histograms.
struct DescribedMetricsFactory: MetricsFactory {
    let registry: MetricsRegistry

    /// Request and ingest durations: from a loopback answer (1 ms) to a large upload (a minute).
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60),
    ]
    static let valueBuckets: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    private var prometheus: PrometheusCollectorRegistry { registry.prometheus }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        prometheus.makeCounter(descriptor: registry.descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        prometheus.makeCounter(descriptor: registry.descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return prometheus.makeGauge(descriptor: registry.descriptor(label), labels: dimensions) }
        return prometheus.makeValueHistogram(
            descriptor: registry.descriptor(label), labels: dimensions, buckets: Self.valueBuckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        prometheus.makeGauge(descriptor: registry.descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        prometheus.makeDurationHistogram(
            descriptor: registry.descriptor(label), labels: dimensions, buckets: Self.durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { prometheus.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { prometheus.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { prometheus.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { prometheus.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { prometheus.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { prometheus.unregisterDurationHistogram(histogram) }
    }
}
