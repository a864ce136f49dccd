import AzureStorage
import BackupDaemon
import Foundation
import Telemetry
import Testing

/// `deploy/prometheus/`: the alert rules pass promtool's checks and its unit tests (each alert fires on the
/// series it is about), and every metric the dashboard queries is one the daemon exports.
@Suite("Prometheus deploy files")
struct DeployTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/prometheus").path

    @Test func rulesPassPromtoolsCheck() throws {
        let result = try Promtool.run(["check", "rules", Self.folder + "/ironviper.rules.yml"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func eachAlertFiresInPromtoolsRuleTests() throws {
        let result = try Promtool.run(["test", "rules", Self.folder + "/ironviper.rules.test.yml"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func theDashboardQueriesOnlyMetricsTheDaemonExports() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/ironviper.dashboard.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(!panels.isEmpty)
        let exported = Set(DaemonMetrics.descriptions.keys).union(StorageClientMetrics.descriptions.keys)
            .union(BuildInfo.descriptions.keys)
        let name = /ironviper_[a-z_]+/
        for panel in panels {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                let expression = try #require(target["expr"] as? String)
                for match in expression.matches(of: name) {
                    var metric = String(match.output)
                    for suffix in ["_bucket", "_count", "_sum"]
                    where metric.hasSuffix(suffix) && !exported.contains(metric) {
                        metric = String(metric.dropLast(suffix.count))
                    }
                    #expect(exported.contains(metric), "\(panel["title"] ?? "") queries \(metric)")
                }
            }
        }
    }
}
