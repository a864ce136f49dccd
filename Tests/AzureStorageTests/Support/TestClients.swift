import AzureStorage
import Crypto
import Foundation
import Logging

/// Helpers shared by the suites: clients pointed at a local server, temporary files, quick retries.
enum TestClients {
    static let developmentKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    /// Retries are expected in these suites: log only what would matter in production at error level.
    static var quietLogger: Logger {
        var logger = Logger(label: "ironviper.azurestorage.tests")
        logger.logLevel = .error
        return logger
    }

    /// Retries that do not make the suite slow.
    static var quickRetries: RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = 4
        policy.initialDelay = .milliseconds(5)
        policy.maxDelay = .milliseconds(20)
        policy.maxRetryAfter = .milliseconds(50)
        return policy
    }

    /// A client for the development account whose every endpoint is `http://127.0.0.1:port/devstoreaccount1`.
    static func client(
        port: Int, retry: RetryPolicy = quickRetries,
        configure: (inout StorageClientConfiguration) -> Void = { _ in }
    ) throws -> StorageClient {
        let base = "http://127.0.0.1:\(port)/devstoreaccount1"
        var configuration = StorageClientConfiguration()
        configuration.retry = retry
        configure(&configuration)
        return try StorageClient(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(developmentKey);"
                + "BlobEndpoint=\(base);QueueEndpoint=\(base);TableEndpoint=\(base)",
            configuration: configuration, logger: quietLogger)
    }

    /// Runs `body` with a client and always shuts the client down.
    static func with<T>(_ client: StorageClient, _ body: (StorageClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    static func md5Base64(_ bytes: [UInt8]) -> String { Data(Insecure.MD5.hash(data: bytes)).base64EncodedString() }

    /// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
    static func bytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        var out = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            var word = state
            for _ in 0..<8 where index < count {
                out[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return out
    }

    /// A fresh temporary directory, removed by the caller with `FileManager.removeItem`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "azurestorage-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
