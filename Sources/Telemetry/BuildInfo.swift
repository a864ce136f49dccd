/// The `ironviper_build_info` gauge: 1, with the version as a label, so a dashboard shows what runs where.
package enum BuildInfo {
    /// Set by a release; a checkout reports "dev".
    package static let version = "dev"

    package static let descriptions = [
        "ironviper_build_info": "Always 1; the labels say which build of ironviper runs (version, component)."
    ]

    /// Sets the gauge in `registry` for `component` (daemon or emulator).
    package static func record(in registry: MetricsRegistry, component: String) {
        registry.gauge("ironviper_build_info", [("version", version), ("component", component)]).set(to: 1)
    }
}
