// Uploads a folder to a container, or downloads a container to a folder, with the AzureStorage
// client, several files at a time, and prints one JSON line: files, bytes, seconds, MB/s.
//
//   transfer-bench upload   DIR CONTAINER [FILES_IN_FLIGHT]
//   transfer-bench download CONTAINER DIR [FILES_IN_FLIGHT]
//
// The connection string comes from AZURE_STORAGE_CONNECTION_STRING (default: development storage).
import AzureStorage
import Foundation
import Logging

@main
struct TransferBench {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count >= 4, ["upload", "download"].contains(arguments[1]) else {
            FileHandle.standardError.write(
                Data("usage: transfer-bench upload DIR CONTAINER [N] | download CONTAINER DIR [N]\n".utf8))
            exit(2)
        }
        let inFlight = arguments.count > 4 ? Int(arguments[4]) ?? 8 : 8
        var logger = Logger(label: "transfer-bench")
        logger.logLevel = .warning
        let connectionString =
            ProcessInfo.processInfo.environment["AZURE_STORAGE_CONNECTION_STRING"]
            ?? "UseDevelopmentStorage=true"
        do {
            // Knobs for experiments; the benchmark itself runs with the defaults.
            var configuration = StorageClientConfiguration()
            let environment = ProcessInfo.processInfo.environment
            if let value = environment["TB_RANGE_MIB"].flatMap(Int.init) { configuration.blobTransfers.downloadRangeSize = value << 20 }
            if let value = environment["TB_RANGES"].flatMap(Int.init) { configuration.blobTransfers.maxConcurrentRanges = value }
            if let value = environment["TB_BLOCK_MIB"].flatMap(Int.init) { configuration.blobTransfers.blockSize = value << 20 }
            if let value = environment["TB_BLOCKS"].flatMap(Int.init) { configuration.blobTransfers.maxConcurrentBlocks = value }
            if let value = environment["TB_SINGLE_MIB"].flatMap(Int.init) { configuration.blobTransfers.singleUploadLimit = value << 20 }
            if let value = environment["TB_THREADS"].flatMap(Int.init) { configuration.transport.maxConcurrentRequests = value }
            let client = try StorageClient(connectionString: connectionString, configuration: configuration, logger: logger)
            let started = ContinuousClock.now
            let (files, bytes): (Int, Int64)
            if arguments[1] == "upload" {
                (files, bytes) = try await upload(
                    client, directory: arguments[2], container: arguments[3], inFlight: inFlight)
            } else {
                (files, bytes) = try await download(
                    client, container: arguments[2], directory: arguments[3], inFlight: inFlight)
            }
            let elapsed = ContinuousClock.now - started
            await client.shutdown()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(bytes) / 1_000_000 / seconds
            print(
                "{\"tool\":\"azurestorage\",\"direction\":\"\(arguments[1])\",\"files\":\(files),\"bytes\":\(bytes),"
                    + "\"seconds\":\(String(format: "%.3f", seconds)),\"MBps\":\(String(format: "%.1f", rate))}")
        } catch {
            FileHandle.standardError.write(Data("transfer-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func upload(_ client: StorageClient, directory: String, container: String, inFlight: Int) async throws
        -> (Int, Int64)
    {
        try await client.blobs.createContainer(container)
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        var files: [(path: String, name: String, size: Int64)] = []
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            let path = root + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            files.append((path, relative, (attributes[.size] as? NSNumber)?.int64Value ?? 0))
        }
        try await forEach(files, inFlight: inFlight) { file in
            try await client.blobs.uploadFile(path: file.path, container: container, name: file.name)
        }
        return (files.count, files.reduce(0) { $0 + $1.size })
    }

    static func download(_ client: StorageClient, container: String, directory: String, inFlight: Int) async throws
        -> (Int, Int64)
    {
        let blobs = try await client.blobs.allBlobs(container: container)
        for blob in blobs {
            let parent = URL(fileURLWithPath: directory + "/" + blob.name).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        }
        // TB_CHECK=md5 checks each blob's Content-MD5 as rclone does; the default checks each range's CRC64.
        let check: ContentCheck = ProcessInfo.processInfo.environment["TB_CHECK"] == "md5" ? .contentMD5 : .transferCRC64
        try await forEach(blobs, inFlight: inFlight) { blob in
            try await client.blobs.download(
                container: container, name: blob.name, to: directory + "/" + blob.name, check: check)
        }
        return (blobs.count, blobs.reduce(0) { $0 + $1.properties.contentLength })
    }

    /// Runs `body` over the items with at most `inFlight` at once.
    static func forEach<T: Sendable>(_ items: [T], inFlight: Int, _ body: @escaping @Sendable (T) async throws -> Void)
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for item in items {
                if running >= inFlight {
                    try await group.next()
                    running -= 1
                }
                group.addTask { try await body(item) }
                running += 1
            }
            try await group.waitForAll()
        }
    }
}
