import CoreMetrics
import Logging

/// Everything the client can be told; each part has defaults that suit Azure and the emulator.
package struct StorageClientConfiguration: Sendable {
    package var transport = TransportConfiguration()
    package var retry = RetryPolicy()
    package var blobTransfers = BlobTransferOptions()
    /// Where the pipeline's request metrics go (the daemon's Prometheus registry); none by default.
    package var metrics: any MetricsFactory = NOOPMetricsHandler.instance
    /// Told about every answered request, for counting by billing class (the daemon's catalog ledger).
    package var observer: (any RequestObserver)?

    package init() {}
}

/// The entry point: one connection (account, credential, endpoints), one transport (connection
/// pool and threads), and a client per service sharing them.
///
/// ```swift
/// let storage = try StorageClient(connectionString: "UseDevelopmentStorage=true")
/// try await storage.blobs.uploadFile(path: photo, container: "file-store", name: sha256)
/// await storage.shutdown()
/// ```
package final class StorageClient: Sendable {
    package let connection: StorageConnection
    package let transport: HTTPTransport
    package let blobs: BlobClient
    package let queues: QueueClient
    package let tables: TableClient

    /// Parses the connection string and starts the transport.
    package convenience init(
        connectionString: String, configuration: StorageClientConfiguration = StorageClientConfiguration(),
        logger: Logger = Logger(label: "ironviper.azurestorage")
    ) throws {
        try self.init(
            connection: StorageConnection(connectionString: connectionString), configuration: configuration,
            logger: logger)
    }

    /// Starts the transport for an already parsed connection.
    package init(
        connection: StorageConnection, configuration: StorageClientConfiguration = StorageClientConfiguration(),
        logger: Logger = Logger(label: "ironviper.azurestorage")
    ) throws {
        self.connection = connection
        transport = try HTTPTransport(configuration: configuration.transport)
        let pipeline = StoragePipeline(
            connection: connection, transport: transport, retry: configuration.retry, logger: logger,
            metrics: RequestMetrics(factory: configuration.metrics), observer: configuration.observer)
        blobs = BlobClient(pipeline: pipeline, options: configuration.blobTransfers)
        queues = QueueClient(pipeline: pipeline)
        tables = TableClient(pipeline: pipeline)
    }

    /// Waits for requests in flight and stops the transport's threads. Call it once, at the end.
    package func shutdown() async {
        await transport.shutdown()
    }
}
