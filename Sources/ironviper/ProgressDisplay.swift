import Catalog
import Foundation

/// Shows a scan's progress: a redrawn bar with files, bytes, rate and ETA on a terminal, plain lines
/// (at most one every few seconds) when stderr is a file or a journal.
final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastDraw = 0.0
    private var drewBar = false

    func update(_ progress: ScanProgress) {
        lock.withLock {
            let now = ProcessInfo.processInfo.systemUptime
            let finished = progress.filesDone == progress.filesTotal
            guard finished || now - lastDraw >= (terminal ? 0.1 : 5) else { return }
            lastDraw = now
            let rate = progress.elapsed > 0 ? Double(progress.bytesDone) / progress.elapsed : 0
            let filesRate = progress.elapsed > 0 ? Double(progress.filesDone) / progress.elapsed : 0
            let remaining = rate > 0 ? Double(progress.bytesTotal - progress.bytesDone) / rate : .infinity
            let counts =
                "\(progress.filesDone)/\(progress.filesTotal) files  "
                + "\(Format.bytes(progress.bytesDone))/\(Format.bytes(progress.bytesTotal))  "
                + "\(Format.bytes(Int64(rate)))/s \(String(format: "%.1f", filesRate)) files/s  "
                + "ETA \(finished ? "0s" : Format.duration(remaining))"
                + (progress.failed > 0 ? "  \(progress.failed) failed" : "")
            if terminal {
                let width = 24
                let fraction = progress.bytesTotal > 0 ? Double(progress.bytesDone) / Double(progress.bytesTotal) : 1
                let filled = Int((fraction * Double(width)).rounded(.down))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(counts)".utf8))
                drewBar = true
            } else {
                FileHandle.standardError.write(Data("scan: \(counts)\n".utf8))
            }
        }
    }

    /// Ends the bar's line so the summary starts on a fresh one.
    func finish() {
        lock.withLock {
            if drewBar { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
