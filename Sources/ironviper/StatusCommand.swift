import ArgumentParser
import Foundation
import BackupDaemon
import Catalog

/// `ironviper status`: what the daemon is doing, from a second process.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show libraries, files, the outbox and parked errors of the daemon.")

    @OptionGroup var options: DaemonOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let report = try StatusReport.gather(configuration: configuration, stateDirectory: options.stateDirectory(configuration))
        if json {
            try JSONOutput.print(report)
            return
        }
        print(report.running ? "ironviper: \(report.state?.rawValue ?? "running") (pid \(report.pid ?? 0))" : "ironviper: not running")
        if let device = report.device { print("device:    \(device)") }
        if let storage = report.storage { print("storage:   \(storage)") }
        if let metrics = report.metrics { print("metrics:   \(metrics)") }
        print("state:     \(report.stateDirectory)")
        for library in report.libraries {
            let files = library.files
            print("library \(library.name) (\(library.path)): \(files.present) files, \(Format.bytes(files.bytes))"
                + (files.missing > 0 ? ", \(files.missing) deleted" : "") + (files.errors > 0 ? ", \(files.errors) with errors" : ""))
            for folder in library.unwatchedFolders { print("  not watched (inotify limit), rescanned periodically: \(folder)") }
        }
        let outbox = report.outbox
        let pending = outbox.pending.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        print("outbox:    \(outbox.depth) pending\(pending.isEmpty ? "" : " (\(pending))"), \(Format.bytes(outbox.bytesPending)) to upload, \(outbox.done) done")
        print("last sync: \(outbox.lastSuccess ?? "never")")
        if report.previews == "cloud" || report.previewsAwaitingCloud > 0 {
            let poisoned = report.extractMessagesPoisoned.map { ", \($0) in \(CloudKeys.extractPoisonQueue)" } ?? ""
            print("previews:  made in the cloud, \(report.previewsAwaitingCloud) waiting for ironviper worker\(poisoned)")
        }
        if !outbox.parked.isEmpty {
            print("parked (retried by `ironviper sync`):")
            for row in outbox.parked {
                print("  \(row.kind) \(row.path ?? row.target): \(row.lastError ?? "no error recorded") (\(row.attempts) attempts)")
            }
        }
        if report.problemCount > 0 {
            print("problems (\(report.problemCount)\(report.problemCount > report.problems.count ? ", newest \(report.problems.count) shown" : "")):")
            for problem in report.problems {
                let what = problem.stage == "imaging" ? "backed up without previews" : "not backed up"
                print("  \(problem.library)/\(problem.path): \(what): \(problem.code): \(problem.message)")
            }
        }
        for loop in report.loops ?? [] where loop.stuck {
            let since = loop.lastProgressAt.map { " since \($0)" } ?? ""
            print("stuck:     the \(loop.loop.rawValue) loop has made no progress\(since); the watchdog is not fed")
        }
        if let error = report.lastError { print("last error: \(error)") }
    }
}
