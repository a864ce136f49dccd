import ArgumentParser
import Catalog
import Foundation
import BackupDaemon
import Sync

/// `ironviper verify [--deep] [--repair]`: compares the local catalog with the cloud, prints counts
/// per finding kind then the findings, and exits 1 when something is wrong (scripts use `--json`).
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the cloud holds what the catalog says (exits 1 when something is wrong).",
        discussion: """
            Finds masters missing or with the wrong size/MD5 (--deep also downloads and hashes them), \
            renditions missing, files rows missing or stale, and orphan blobs. Lists each master's \
            immutability policy; with [storage] immutability_days set, a referenced master without one, \
            or whose policy is about to end with no extension queued, is a problem. Work still queued in the \
            outbox is shown as pending, not as a problem. --repair queues the missing uploads and rows \
            for the daemon (or `ironviper sync`) and deletes orphans; a master any version references \
            is never deleted.
            """)

    @OptionGroup var cloud: CloudOptions

    @Flag(help: "Download every master and check its SHA-256.")
    var deep = false

    @Flag(help: "Queue missing uploads and rows, replace damaged masters, delete orphan blobs.")
    var repair = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let configuration = try cloud.configuration()
        let stateDirectory = cloud.daemon.stateDirectory(configuration)
        let catalogPath = DataLocation(directory: stateDirectory).catalogPath
        guard FileManager.default.fileExists(atPath: catalogPath) else {
            throw ValidationError("no catalog at \(catalogPath): verify compares a local catalog with the cloud")
        }
        let catalog = try Catalog(path: catalogPath)
        var options = VerifyOptions()
        options.deep = deep
        options.repair = repair
        options.immutability = configuration.masterImmutability
        // Counted like the daemon's requests: a deep verify reads every master, and `cost` should say so.
        let ledger = RequestLedger(catalog: catalog, logger: CloudOptions.logger)
        defer { ledger.flush() }
        let report = try await cloud.start(requireExplicit: false, observer: ledger).use { [options] storage in
            let device = try await DeviceIdentity.prepare(
                configured: configuration.device, catalog: catalog, storage: storage.client, logger: CloudOptions.logger)
            return try await Verifier(catalog: catalog, storage: storage.client, device: device, options: options).run()
        }
        // A running daemon picks up the queued repairs now rather than at its next poll.
        if repair, let pid = DaemonLock.holder(stateDirectory: stateDirectory) { kill(pid, SIGUSR1) }
        if json {
            try JSONOutput.print(VerifyJSON(report))
        } else {
            print(Self.summary(report))
        }
        if !report.isClean { throw ExitCode(1) }
    }

    static func summary(_ report: VerifyReport) -> String {
        var lines = [
            "checked \(report.mastersChecked) masters\(report.mastersHashed > 0 ? " (\(report.mastersHashed) hashed)" : ""), "
                + "\(report.renditionsChecked) renditions, \(report.rowsChecked) rows; \(report.blobsListed) blobs listed"
        ]
        let counts = report.counts
        for kind in VerifyFinding.Kind.allCases { lines.append("  \(kind.rawValue): \(counts[kind] ?? 0)") }
        lines.append("  pending: \(report.pending.count)")
        for finding in report.findings {
            lines.append(
                "\(finding.kind.rawValue) \(finding.subject): \(finding.detail)"
                    + (finding.repair.map { " [\($0)]" } ?? ""))
        }
        for finding in report.pending { lines.append("pending \(finding.kind.rawValue) \(finding.subject)") }
        let protected = report.protection.filter(\.active).count
        lines.append("protection: \(protected) of \(report.protection.count) masters under an immutability policy")
        for master in report.protection {
            let state = master.until.map { "\(master.active ? "until" : "ended") \($0) (\(master.mode ?? "?"))" } ?? "none"
            lines.append("  \(master.sha256): \(state)\(master.referenced ? "" : ", unreferenced")")
        }
        lines.append(report.isClean ? "clean" : "\(report.findings.count) problem\(report.findings.count == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}

/// `verify --json`: the report with its counts per kind and a clean flag, so a script need not count.
struct VerifyJSON: Encodable {
    var clean: Bool
    var counts: [String: Int]
    var report: VerifyReport

    init(_ report: VerifyReport) {
        clean = report.isClean
        counts = Dictionary(uniqueKeysWithValues: report.counts.map { ($0.key.rawValue, $0.value) })
        counts["pending"] = report.pending.count
        self.report = report
    }
}
