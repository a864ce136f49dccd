import ArgumentParser
import Catalog
import Foundation
import Synchronization
import Imaging
import Ingest

/// `ironviper render`: converts files to renditions without a catalog. Hidden; the benchmarks use it
/// to time the imaging pipeline alone, one worker per core like `scan`.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Write the renditions of image files to a folder (benchmarks).",
        shouldDisplay: false)

    @Option(help: "Folder for <file name>/<rendition>.jpg.")
    var output: String

    @Option(help: "Parallel workers (default: one per core).")
    var workers: Int?

    @Option(help: "JPEG quality (100 lets a PSNR check measure resizing alone).")
    var quality = 80

    @Argument(help: "Image files.")
    var files: [String]

    func run() throws {
        var configuration = ImagingConfiguration()
        configuration.quality = quality
        let converter = ImageConverter(configuration: configuration)
        let queue = RenderQueue(files: files)
        let start = ProcessInfo.processInfo.systemUptime
        let group = DispatchGroup()
        let output = self.output
        for _ in 0..<max(1, min(workers ?? System.coreCount, files.count)) {
            group.enter()
            Thread {
                while let file = queue.next() {
                    do {
                        let analysis = try converter.analyze(fileAt: file)
                        let folder = output + "/" + (file as NSString).lastPathComponent
                        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                        for rendition in analysis.renditions {
                            try Data(rendition.jpeg).write(to: URL(fileURLWithPath: folder + "/\(rendition.name).jpg"))
                        }
                        queue.report(
                            "\(file): \(analysis.metadata.width)x\(analysis.metadata.height) phash \(analysis.perceptualHash)"
                                + (analysis.damaged ? " DAMAGED" : "")
                                + analysis.warnings.map { " warning: \($0)" }.joined())
                    } catch {
                        queue.report("\(file): \(error)")
                    }
                }
                group.leave()
            }.start()
        }
        group.wait()
        let seconds = ProcessInfo.processInfo.systemUptime - start
        print(
            String(
                format: "rendered %d files in %.2f s (%.2f files/s)", files.count, seconds,
                Double(files.count) / seconds))
    }
}

private final class RenderQueue: Sendable {
    private let files: Mutex<[String]>

    init(files: [String]) { self.files = Mutex(files.reversed()) }

    func next() -> String? { files.withLock { $0.popLast() } }

    /// Prints under the same lock, so two workers' lines never interleave.
    func report(_ line: String) { files.withLock { _ in print(line) } }
}
