import Ingest
import Foundation
import Synchronization

/// Shows a job's progress (a scan, a restore): a redrawn bar with files, bytes, rate and ETA on a terminal, plain lines
/// (at most one every few seconds) when stderr is a file or a journal.
final class ProgressDisplay: Sendable {
    /// When the bar was last drawn, and whether one was (so `finish` ends its line).
    private struct Drawn {
        var at = 0.0
        var bar = false
    }

    private let drawn = Mutex(Drawn())
    private let terminal = isatty(STDERR_FILENO) == 1
    private let label: String

    /// A display whose plain lines start with `label`.
    init(label: String = "scan") {
        self.label = label
    }

    /// True when stderr is a terminal (a bar can be redrawn in place).
    static var onTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Draws `progress` (a scan, a restore), at most ten times a second on a terminal.
    func update(_ progress: JobProgress) {
        let (filesDone, filesTotal, bytesDone, bytesTotal) =
            (progress.filesDone, progress.filesTotal, progress.bytesDone, progress.bytesTotal)
        let (failed, elapsed) = (progress.failed, progress.elapsed)
        drawn.withLock { drawn in
            let now = ProcessInfo.processInfo.systemUptime
            let finished = filesDone == filesTotal
            guard finished || now - drawn.at >= (terminal ? 0.1 : 5) else { return }
            drawn.at = now
            let rate = progress.rate
            let filesRate = elapsed > 0 ? Double(filesDone) / elapsed : 0
            let remaining = rate > 0 ? progress.remaining : .infinity
            let counts =
                "\(filesDone)/\(filesTotal) files  "
                + "\(Format.bytes(bytesDone))/\(Format.bytes(bytesTotal))  "
                + "\(Format.bytes(Int64(rate)))/s \(String(format: "%.1f", filesRate)) files/s  "
                + "ETA \(finished ? "0s" : Format.duration(remaining))"
                + (failed > 0 ? "  \(failed) failed" : "")
            if terminal {
                let width = 24
                let fraction = bytesTotal > 0 ? Double(bytesDone) / Double(bytesTotal) : 1
                let filled = Int((fraction * Double(width)).rounded(.down))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(counts)".utf8))
                drawn.bar = true
            } else {
                FileHandle.standardError.write(Data("\(label): \(counts)\n".utf8))
            }
        }
    }

    /// Ends the bar's line so the summary starts on a fresh one.
    func finish() {
        drawn.withLock { drawn in
            if drawn.bar { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
