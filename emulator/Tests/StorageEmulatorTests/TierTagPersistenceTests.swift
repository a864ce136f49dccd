import Foundation
import Testing

@testable import StorageEmulator

/// Rehydrations and index tags are rows, not memory: an emulator restarted on the same `--location` completes a
/// rehydration that was pending when it stopped and still knows every blob's tags.
@Suite(.serialized) struct TierTagPersistenceTests {
    /// Runs an emulator on `location` whose rehydrations take `rehydration`.
    func withEmulator<T>(
        location: String, rehydration: Duration, _ body: (TestClient) async throws -> T
    ) async throws -> T {
        var configuration = EmulatorConfiguration.ephemeral(location: location)
        configuration.services = [.blob]
        configuration.rehydration = RehydrationDelays(standard: rehydration)
        let emulator = try await RunningEmulator.start(configuration: configuration)
        do {
            let result = try await body(TestClient(base: emulator.endpoint(.blob)))
            await emulator.shutdown()
            return result
        } catch {
            await emulator.shutdown()
            throw error
        }
    }

    /// The first run's rehydration takes an hour, so it is certainly pending when the emulator stops; the hour is then
    /// made to have passed but for a second by moving the stored due time (the only clock a rehydration has), and the
    /// restarted emulator, configured for an hour too, must complete it from that stored time.
    @Test(.timeLimit(.minutes(2))) func pendingRehydrationCompletesAfterARestart() async throws {
        let location = try temporaryDirectory()
        try await withEmulator(location: location, rehydration: .seconds(3600)) { client in
            _ = try await client.send("PUT", "/cold", query: [("restype", "container")])
            let put = try await client.send(
                "PUT", "/cold/b", headers: ["x-ms-blob-type": "BlockBlob", "x-ms-access-tier": "Archive"], body: Data("kept".utf8))
            #expect(put.status == 201)
            let tier = try await client.send("PUT", "/cold/b", query: [("comp", "tier")], headers: ["x-ms-access-tier": "Hot"])
            #expect(tier.status == 202)
            #expect(try await client.send("HEAD", "/cold/b").header("x-ms-archive-status") == "rehydrate-pending-to-hot")
        }
        try await Self.moveDueTimes(location, to: Date().addingTimeInterval(1))
        try await withEmulator(location: location, rehydration: .seconds(3600)) { client in
            while try await client.send("HEAD", "/cold/b").header("x-ms-access-tier") != "Hot" {
                try await Task.sleep(for: .milliseconds(50))
            }
            let head = try await client.send("HEAD", "/cold/b")
            #expect(head.header("x-ms-archive-status") == nil && head.header("x-ms-access-tier-change-time") != nil)
            #expect(try await client.send("GET", "/cold/b").text == "kept")
        }
    }

    /// Sets every stored rehydration's due time, with the emulator stopped.
    static func moveDueTimes(_ location: String, to due: Date) async throws {
        let store = try EmulatorStore(location: location, migrations: EmulatorServices.migrations)
        let moved = try await store.database.write { db in
            try db.execute(sql: "UPDATE blob_rehydrations SET due = ?", arguments: [due.timeIntervalSince1970])
            return db.changesCount
        }
        #expect(moved == 1)
    }

    @Test func tagsSurviveARestart() async throws {
        let location = try temporaryDirectory()
        let body = Data("<Tags><TagSet><Tag><Key>project</Key><Value>ironviper</Value></Tag></TagSet></Tags>".utf8)
        try await withEmulator(location: location, rehydration: .seconds(5)) { client in
            _ = try await client.send("PUT", "/tagged", query: [("restype", "container")])
            _ = try await client.send("PUT", "/tagged/b", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("x".utf8))
            #expect(try await client.send("PUT", "/tagged/b", query: [("comp", "tags")], body: body).status == 204)
        }
        try await withEmulator(location: location, rehydration: .seconds(5)) { client in
            let tags = try await client.send("GET", "/tagged/b", query: [("comp", "tags")])
            #expect(tags.text.contains("<Key>project</Key><Value>ironviper</Value>"))
            #expect(try await client.send("HEAD", "/tagged/b").header("x-ms-tag-count") == "1")
            let found = try await client.send("GET", "/", query: [("comp", "blobs"), ("where", "\"project\" = 'ironviper'")])
            #expect(found.status == 200 && found.text.contains("<Name>b</Name><ContainerName>tagged</ContainerName>"))
        }
    }
}
