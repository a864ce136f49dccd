import BackupDaemon
import Foundation

/// `ironviper cost` for a terminal: each figure with the rclone-Hot mirror's beside it.
enum CostText {
    static func render(_ report: CostReport, cloud: [CloudHoldings.Entry]?) -> String {
        let currency = report.prices.currency
        func money(_ value: Double) -> String { String(format: "%.4g %@", value, currency) }
        var lines = [
            "prices: \(report.prices.region) \(report.prices.redundancy), taken \(report.prices.taken)",
            "requests so far: \(classes(report.total.requests)) = \(money(report.total.cost))",
            "requests this month: \(classes(report.thisMonth.requests)) = \(money(report.thisMonth.cost))",
        ]
        if let perPhoto = report.writesPerPhoto {
            lines.append(String(format: "billed writes per photo: %.1f", perPhoto))
        }
        lines.append("stored (from the catalog):")
        for stored in report.stored {
            lines.append(
                "  \(stored.container) \(stored.tier): \(stored.blobs) items, \(Format.bytes(stored.bytes)), "
                    + "\(money(stored.monthly)) a month")
        }
        let mirror = report.rcloneHot
        lines += [
            "monthly estimate: \(money(report.monthlyEstimate))   rclone mirror in Hot: \(money(mirror.monthly)) "
                + "(\(Format.bytes(mirror.storedBytes)) stored)",
            "one-time uploads: \(money(report.total.cost))   rclone mirror in Hot: \(money(mirror.uploadCost)) "
                + "(\(mirror.uploads) uploads)",
            "early-deletion exposure of pending purges: \(money(report.earlyDeletionExposure))",
            "restore everything: \(report.restoreEverything.reads) reads, "
                + "\(Format.bytes(report.restoreEverything.retrievedBytes)) retrieved = \(money(report.restoreEverything.cost))",
        ]
        lines.append("profiles for this library (one-time writes, monthly storage; per 10,000 photos):")
        for profile in report.profiles {
            lines.append(
                "  \(profile.name): \(String(format: "%.1f", profile.writesPerPhoto)) writes/photo, "
                    + "\(money(profile.oneTime)) once, \(money(profile.monthly))/month; per 10k photos "
                    + "\(money(profile.oneTimePer10k)) once, \(money(profile.monthlyPer10k))/month — \(profile.summary)"
            )
        }
        if let cloud {
            lines.append("in the account (listed):")
            for entry in cloud {
                lines.append(
                    "  \(entry.container) \(entry.tier.isEmpty ? "(default tier)" : entry.tier): "
                        + "\(entry.blobs) blobs, \(Format.bytes(entry.bytes))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func classes(_ requests: [String: Int]) -> String {
        requests.isEmpty
            ? "none" : requests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
