import Foundation
import Testing
import class StorageEmulator.RefusingPort

@testable import AzureStorage

/// The transport and the retry policy against a server that misbehaves on purpose.
@Suite struct RetryTests {
    static let hello = Array("hello, flaky world".utf8)

    @Test func retriesServerBusyThenSucceeds() async throws {
        let server = try await MisbehavingServer.start(script: [
            .respond(status: 503, headers: [("Retry-After", "0"), ("x-ms-error-code", "ServerBusy")]),
            .respond(status: 500, headers: [("x-ms-error-code", "InternalError")]),
            .respond(status: 200, headers: [("Content-MD5", TestClients.md5Base64(Self.hello))], body: Self.hello),
        ])
        let (bytes, _) = try await TestClients.with(try TestClients.client(port: server.port)) { client in
            try await client.blobs.getBlob(container: "c", name: "b")
        }
        await server.shutdown()
        #expect(bytes == Self.hello)
        let received = server.received
        #expect(received.count == 3)
        // Every attempt is signed afresh and carries the same client request id.
        #expect(received.allSatisfy { $0.headers["authorization"]?.hasPrefix("SharedKey devstoreaccount1:") == true })
        #expect(Set(received.compactMap { $0.headers["x-ms-client-request-id"] }).count == 1)
        #expect(received.allSatisfy { $0.target == "/devstoreaccount1/c/b" })
    }

    @Test func connectionClosedMidBodyIsRetriedAndTheFileIsWhole() async throws {
        let body = TestClients.bytes(count: 300_000)
        let headers = [("Content-MD5", TestClients.md5Base64(body))]
        let server = try await MisbehavingServer.start(script: [
            .truncatedBody(status: 200, headers: headers, body: body, sent: 1000),
            .dropConnection,
            .respond(status: 200, headers: headers, body: body),
        ])
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("out.bin").path
        let result = try await TestClients.with(try TestClients.client(port: server.port)) { client in
            try await client.blobs.download(container: "c", name: "b", to: target, check: .contentMD5)
        }
        await server.shutdown()
        #expect(server.received.count == 3)
        #expect(result.verified)
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: target))) == body)
        // No partial file is left next to the target.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.bin"])
    }

    @Test func nonIdempotentPostIsNotRetriedAfterReachingTheServer() async throws {
        let server = try await MisbehavingServer.start(script: [.respond(status: 503)])
        await #expect {
            try await TestClients.with(try TestClients.client(port: server.port)) { client in
                try await client.queues.put(queue: "extract-queue", text: "job")
            }
        } throws: { error in
            let error = error as? AzureStorageError
            return error?.status == 503 && error?.attempts == 1
        }
        await server.shutdown()
        #expect(server.received.count == 1)
    }

    @Test func nonIdempotentPostIsNotResentAfterAConnectionDrop() async throws {
        let server = try await MisbehavingServer.start(script: [.dropConnection])
        await #expect {
            try await TestClients.with(try TestClients.client(port: server.port)) { client in
                try await client.queues.put(queue: "extract-queue", text: "job")
            }
        } throws: { error in
            let error = error as? AzureStorageError
            return error?.code == .transport && error?.curlError != nil && error?.attempts == 1
        }
        await server.shutdown()
        #expect(server.received.count == 1)
    }

    @Test func idempotentRequestGivesUpAfterMaxAttemptsWithFullContext() async throws {
        let server = try await MisbehavingServer.start(
            script: [],
            fallback: .respond(
                status: 500,
                headers: [
                    ("x-ms-error-code", "InternalError"), ("x-ms-request-id", "req-42"),
                    ("Content-Type", "application/xml"),
                ],
                body: Array(
                    "<?xml version=\"1.0\"?><Error><Code>InternalError</Code><Message>Boom &amp; bust.\nRequestId:req-42</Message></Error>"
                        .utf8)))
        do {
            _ = try await TestClients.with(try TestClients.client(port: server.port)) { client in
                try await client.blobs.properties(container: "c", name: "b")
            }
            Issue.record("expected an error")
        } catch let error as AzureStorageError {
            #expect(error.code == .service)
            #expect(error.status == 500)
            #expect(error.errorCode == "InternalError")
            #expect(error.requestID == "req-42")
            #expect(error.attempts == TestClients.quickRetries.maxAttempts)
            #expect(error.operation == "GetBlobProperties c/b")
        }
        await server.shutdown()
        #expect(server.received.count == TestClients.quickRetries.maxAttempts)
    }

    @Test func serviceErrorMessageComesFromTheBody() async throws {
        let server = try await MisbehavingServer.start(script: [
            .respond(
                status: 404, headers: [("x-ms-request-id", "r1")],
                body: Array(
                    "<?xml version=\"1.0\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.\nRequestId:r1\nTime:x</Message></Error>"
                        .utf8))
        ])
        do {
            _ = try await TestClients.with(try TestClients.client(port: server.port)) { client in
                try await client.blobs.getBlob(container: "c", name: "missing")
            }
            Issue.record("expected an error")
        } catch let error as AzureStorageError {
            #expect(error.isNotFound)
            #expect(error.errorCode == "BlobNotFound")
            #expect(error.detail == "The specified blob does not exist.")
            #expect(error.attempts == 1)
        }
        await server.shutdown()
    }

    @Test func connectionRefusedIsRetriedEvenForPost() async throws {
        // A port held bound but not listening refuses every connection, and no parallel test can take it meanwhile.
        let refusing = try RefusingPort()
        do {
            _ = try await TestClients.with(try TestClients.client(port: refusing.port)) { client in
                try await client.queues.put(queue: "q", text: "never sent")
            }
            Issue.record("expected an error")
        } catch let error as AzureStorageError {
            #expect(error.code == .transport)
            #expect(error.curlError?.contains("CURLcode 7") == true)
            // Nothing left the machine, so even a POST is tried again.
            #expect(error.attempts == TestClients.quickRetries.maxAttempts)
        }
        withExtendedLifetime(refusing) {}
    }

    @Test func cancellationAbortsATransferInFlight() async throws {
        let server = try await MisbehavingServer.start(script: [.hang])
        let arrivals = server.arrivals()
        let client = try TestClients.client(port: server.port)
        let task = Task { try await client.blobs.getBlob(container: "c", name: "b") }
        for await count in arrivals where count >= 1 { break }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        await client.shutdown()
        await server.shutdown()
        #expect(server.received.count == 1)
    }

    @Test func stalledTransferTimesOut() async throws {
        let server = try await MisbehavingServer.start(script: [], fallback: .hang)
        var retry = TestClients.quickRetries
        retry.maxAttempts = 2
        let client = try TestClients.client(port: server.port, retry: retry) { $0.transport.stallTimeout = .seconds(1) }
        do {
            _ = try await TestClients.with(client) { try await $0.blobs.getBlob(container: "c", name: "b") }
            Issue.record("expected a timeout")
        } catch let error as AzureStorageError {
            #expect(error.code == .transport)
            #expect(error.curlError?.contains("CURLcode 28") == true)
            #expect(error.attempts == 2)
        }
        await server.shutdown()
    }

    @Test func retryAfterIsParsedAndCapped() {
        var policy = RetryPolicy()
        policy.maxRetryAfter = .seconds(10)
        #expect(RetryPolicy.parseRetryAfter("3", now: 0) == .seconds(3))
        #expect(RetryPolicy.parseRetryAfter("Thu, 01 Jan 1970 00:01:40 GMT", now: 40) == .seconds(60))
        #expect(RetryPolicy.parseRetryAfter("soon", now: 0) == nil)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3)) == .seconds(3))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600)) == .seconds(10))
    }

    @Test func backoffGrowsWithJitterWithinBounds() {
        var policy = RetryPolicy()
        policy.initialDelay = .milliseconds(100)
        policy.maxDelay = .seconds(1)
        policy.jitter = 0.5
        for _ in 0..<50 {
            let first = policy.delay(afterAttempt: 1, retryAfter: nil)
            #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
            let third = policy.delay(afterAttempt: 3, retryAfter: nil)
            #expect(third >= .milliseconds(200) && third <= .milliseconds(400))
            let late = policy.delay(afterAttempt: 20, retryAfter: nil)
            #expect(late >= .milliseconds(500) && late <= .seconds(1))
        }
    }
}
