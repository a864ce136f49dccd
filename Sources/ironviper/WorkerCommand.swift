import ArgumentParser
import AzureStorage
import Foundation
import Logging
import PreviewWorker
import ServiceLifecycle

/// `ironviper worker`: makes previews in the cloud from the extract queue (see docs/worker.md).
/// Every setting also comes from the environment, as containers under a scaler are configured.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Make previews in the cloud: consume the extract queue of a storage account.",
        discussion: """
            Each option falls back to an environment variable, then to its default:
              --connection-string    AZURE_STORAGE_CONNECTION_STRING (required)
              --queue                IRONVIPER_WORKER_QUEUE (extract-queue)
              --poison-queue         IRONVIPER_WORKER_POISON_QUEUE (extract-queue-poison)
              --concurrency          IRONVIPER_WORKER_CONCURRENCY (one per core)
              --visibility-timeout   IRONVIPER_WORKER_VISIBILITY_TIMEOUT (120 seconds)
              --max-dequeue-count    IRONVIPER_WORKER_MAX_DEQUEUE_COUNT (5)
              --idle-exit            IRONVIPER_WORKER_IDLE_EXIT (unset: run until SIGTERM)
            SIGTERM finishes the conversions under way, releases the messages held and exits 0; so \
            does an idle exit. A usage or configuration error exits 64.
            """)

    @Option(help: "The storage account's connection string.")
    var connectionString: String?
    @Option(help: "The queue to consume.")
    var queue: String?
    @Option(help: "Where messages go that failed --max-dequeue-count times.")
    var poisonQueue: String?
    @Option(help: "Messages worked at once.")
    var concurrency: Int?
    @Option(help: "Seconds a received message stays hidden (renewed at half while it is worked).")
    var visibilityTimeout: Double?
    @Option(help: "Receives after which a failing message moves to the poison queue.")
    var maxDequeueCount: Int?
    @Option(help: "Exit 0 once the queue stayed empty this many seconds.")
    var idleExit: Double?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try WorkerSettings(command: self, environment: environment)
        let logger = Logger(label: "ironviper.worker")
        let storage: StorageClient
        do {
            storage = try StorageClient(connectionString: settings.connectionString, logger: logger)
        } catch {
            throw ValidationError("the connection string cannot be used: \(error)")
        }
        let service = WorkerService(worker: ExtractWorker(storage: storage, options: settings.options, logger: logger), logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await storage.shutdown()
            throw error
        }
        await storage.shutdown()
    }
}

/// The worker under ServiceLifecycle: SIGTERM cancels it, and it finishes or releases what it holds.
private struct WorkerService: Service {
    let worker: ExtractWorker
    let logger: Logger

    func run() async throws {
        let summary = try await cancelWhenGracefulShutdown { try await worker.run() }
        logger.notice(
            "worker stopped",
            metadata: [
                "described": "\(summary.described)", "unconvertible": "\(summary.unconvertible)",
                "retried": "\(summary.retried)", "poisoned": "\(summary.poisoned)", "released": "\(summary.released)",
            ])
    }
}

/// The options from flags, then the environment, checked.
struct WorkerSettings {
    var connectionString: String
    var options = WorkerOptions()

    init(command: WorkerCommand, environment: [String: String]) throws {
        func value(_ flag: String?, _ name: String) -> String? {
            flag ?? environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        /// A flag's value, else the variable's parsed as `T` (so a count of "2.5" is refused, not truncated).
        func setting<T: LosslessStringConvertible & Comparable>(_ flag: T?, _ name: String, atLeast minimum: T) throws -> T? {
            if let flag {
                guard flag >= minimum else {
                    throw ValidationError("--\(Self.flagName(name)) must be ≥ \(minimum), not \(flag)")
                }
                return flag
            }
            guard let text = value(nil, name) else { return nil }
            guard let parsed = T(text), parsed >= minimum else {
                throw ValidationError("\(name) must be a \(T.self == Int.self ? "whole number" : "number") ≥ \(minimum), not \"\(text)\"")
            }
            return parsed
        }
        guard let connection = value(command.connectionString, "AZURE_STORAGE_CONNECTION_STRING") else {
            throw ValidationError("no connection string: pass --connection-string or set AZURE_STORAGE_CONNECTION_STRING")
        }
        connectionString = connection
        if let queue = value(command.queue, "IRONVIPER_WORKER_QUEUE") { options.queue = queue }
        if let queue = value(command.poisonQueue, "IRONVIPER_WORKER_POISON_QUEUE") { options.poisonQueue = queue }
        if let count = try setting(command.concurrency, "IRONVIPER_WORKER_CONCURRENCY", atLeast: 1) {
            options.concurrency = count
        }
        if let seconds = try setting(command.visibilityTimeout, "IRONVIPER_WORKER_VISIBILITY_TIMEOUT", atLeast: 1.0) {
            options.visibilityTimeout = .milliseconds(Int(seconds * 1000))
        }
        if let count = try setting(command.maxDequeueCount, "IRONVIPER_WORKER_MAX_DEQUEUE_COUNT", atLeast: 1) {
            options.maxDequeueCount = count
        }
        if let seconds = try setting(command.idleExit, "IRONVIPER_WORKER_IDLE_EXIT", atLeast: 0.0) {
            options.idleExit = .milliseconds(Int(seconds * 1000))
        }
    }

    /// `IRONVIPER_WORKER_IDLE_EXIT` → `idle-exit`, for messages about a flag.
    static func flagName(_ variable: String) -> String {
        variable.replacingOccurrences(of: "IRONVIPER_WORKER_", with: "").lowercased().replacingOccurrences(of: "_", with: "-")
    }
}
