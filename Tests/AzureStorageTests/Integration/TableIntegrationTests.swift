import AzureStorage
import Foundation
import Testing

/// Every Table operation of the client against the in-process emulator.
@Suite struct TableIntegrationTests {
    static func tableName() -> String { "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20) }

    static let sample: TableEntity = {
        var entity = TableEntity(partitionKey: "photos", rowKey: "2024%2Fsummer%2FIMG_0001.JPG")
        entity["sha256"] = .string("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        entity["size"] = .int64(5_000_000_000)
        entity["width"] = .int32(6000)
        entity["ratio"] = .double(1.5)
        entity["whole"] = .double(2)
        entity["deleted"] = .bool(false)
        entity["taken"] = .date(Date(timeIntervalSince1970: 1_720_000_000.25))
        entity["id"] = .guid("0b7d0f64-1c2e-4d3e-9a0b-6f4e2d1c0a99")
        entity["hash"] = .binary([0, 1, 2, 254, 255])
        entity["camera"] = .string("Canon EOS R5 — «été»")
        return entity
    }()

    @Test func insertGetAndTypesRoundTrip() async throws {
        try await EmulatorFixture.with(services: [.table]) { emulator, client in
            guard EmulatorFixture.serves(emulator, .table) else { return }
            let table = Self.tableName()
            #expect(try await client.tables.createTable(table))
            #expect(try await !client.tables.createTable(table))
            let etag = try await client.tables.insert(Self.sample, into: table)
            #expect(etag != nil)
            do {
                try await client.tables.insert(Self.sample, into: table)
                Issue.record("a duplicate insert succeeded")
            } catch let error as AzureStorageError {
                #expect(error.isAlreadyExists)
                #expect(error.attempts == 1)
            }
            let read = try #require(
                try await client.tables.get(partitionKey: "photos", rowKey: Self.sample.rowKey, from: table))
            #expect(read.properties == Self.sample.properties)
            #expect(read.etag != nil)
            #expect(read.timestamp != nil)
            #expect(try await client.tables.get(partitionKey: "photos", rowKey: "absent", from: table) == nil)
            #expect(try await client.tables.deleteTable(table))
        }
    }

    @Test func mergeReplaceUpsertDeleteAndETags() async throws {
        try await EmulatorFixture.with(services: [.table]) { emulator, client in
            guard EmulatorFixture.serves(emulator, .table) else { return }
            let table = Self.tableName()
            try await client.tables.createTable(table)
            var entity = TableEntity(partitionKey: "p", rowKey: "r", properties: ["a": .int32(1), "b": .string("x")])
            let first = try await client.tables.insert(entity, into: table)

            try await client.tables.merge(
                TableEntity(partitionKey: "p", rowKey: "r", properties: ["c": .bool(true)]), in: table)
            var read = try #require(try await client.tables.get(partitionKey: "p", rowKey: "r", from: table))
            #expect(read.properties == ["a": .int32(1), "b": .string("x"), "c": .bool(true)])

            // The first ETag is stale now: an update conditioned on it must fail.
            do {
                try await client.tables.replace(entity, in: table, etag: first)
                Issue.record("a stale ETag was accepted")
            } catch let error as AzureStorageError {
                #expect(error.status == 412)
            }
            try await client.tables.replace(
                TableEntity(partitionKey: "p", rowKey: "r", properties: ["z": .int32(9)]), in: table, etag: read.etag)
            read = try #require(try await client.tables.get(partitionKey: "p", rowKey: "r", from: table))
            #expect(read.properties == ["z": .int32(9)])

            entity.rowKey = "new"
            try await client.tables.upsert(entity, in: table, mode: .merge)
            try await client.tables.upsert(
                TableEntity(partitionKey: "p", rowKey: "new", properties: ["b": .string("y")]), in: table, mode: .merge)
            #expect(
                try await client.tables.get(partitionKey: "p", rowKey: "new", from: table)?.properties == [
                    "a": .int32(1), "b": .string("y"),
                ])
            try await client.tables.upsert(
                TableEntity(partitionKey: "p", rowKey: "new", properties: ["q": .int32(0)]), in: table)
            #expect(
                try await client.tables.get(partitionKey: "p", rowKey: "new", from: table)?.properties == [
                    "q": .int32(0)
                ])

            #expect(try await client.tables.delete(partitionKey: "p", rowKey: "new", from: table))
            #expect(try await !client.tables.delete(partitionKey: "p", rowKey: "new", from: table))
        }
    }

    @Test func queryFollowsContinuations() async throws {
        try await EmulatorFixture.with(services: [.table]) { emulator, client in
            guard EmulatorFixture.serves(emulator, .table) else { return }
            let table = Self.tableName()
            try await client.tables.createTable(table)
            for index in 0..<7 {
                let entity = TableEntity(
                    partitionKey: index < 5 ? "lib" : "other", rowKey: "row\(index)",
                    properties: ["n": .int32(Int32(index)), "deleted": .bool(index == 2)])
                try await client.tables.insert(entity, into: table)
            }
            var pages = 0
            var rows: [String] = []
            var continuation: TableContinuation?
            repeat {
                let page = try await client.tables.query(
                    table, filter: "PartitionKey eq 'lib'", top: 2, continuation: continuation)
                rows += page.entities.map(\.rowKey)
                continuation = page.continuation
                pages += 1
            } while continuation != nil
            #expect(rows == ["row0", "row1", "row2", "row3", "row4"])
            #expect(pages >= 3)
            // Azure returns only the selected properties; the client selects the keys too, so entities stay whole.
            let live = try await client.tables.queryAll(
                table, filter: "PartitionKey eq 'lib' and deleted eq false", select: ["n"])
            #expect(live.allSatisfy { Array($0.properties.keys) == ["n"] })
            #expect(live.map(\.rowKey) == ["row0", "row1", "row3", "row4"])
        }
    }

    @Test func batchIsAllOrNothing() async throws {
        try await EmulatorFixture.with(services: [.table]) { emulator, client in
            guard EmulatorFixture.serves(emulator, .table) else { return }
            let table = Self.tableName()
            try await client.tables.createTable(table)
            let statuses = try await client.tables.batch(
                (0..<5).map {
                    .insert(TableEntity(partitionKey: "p", rowKey: "r\($0)", properties: ["i": .int32(Int32($0))]))
                },
                in: table)
            #expect(statuses == [204, 204, 204, 204, 204])
            do {
                try await client.tables.batch(
                    [
                        .upsert(TableEntity(partitionKey: "p", rowKey: "r9")),
                        .insert(TableEntity(partitionKey: "p", rowKey: "r1")),  // exists: the changeset fails
                        .delete(partitionKey: "p", rowKey: "r0"),
                    ], in: table)
                Issue.record("a failing changeset succeeded")
            } catch let error as AzureStorageError {
                #expect(error.status == 409)
            }
            // Nothing of the failed changeset was applied.
            #expect(try await client.tables.get(partitionKey: "p", rowKey: "r9", from: table) == nil)
            #expect(try await client.tables.get(partitionKey: "p", rowKey: "r0", from: table) != nil)
            await #expect(throws: AzureStorageError.self) {
                try await client.tables.batch(
                    [
                        .upsert(TableEntity(partitionKey: "a", rowKey: "1")),
                        .upsert(TableEntity(partitionKey: "b", rowKey: "1")),
                    ],
                    in: table)
            }
        }
    }

    /// Azure answers a property named in `$select` that an entity lacks with `null`: absent, not an error.
    @Test func aSelectedPropertyAnEntityLacksIsAbsent() async throws {
        try await EmulatorFixture.with(services: [.table]) { emulator, client in
            guard EmulatorFixture.serves(emulator, .table) else { return }
            let table = Self.tableName()
            _ = try await client.tables.createTable(table)
            var with = TableEntity(partitionKey: "p", rowKey: "with")
            with["device"] = .string("nas")
            _ = try await client.tables.insert(with, into: table)
            _ = try await client.tables.insert(TableEntity(partitionKey: "p", rowKey: "without"), into: table)
            let rows = try await client.tables.queryAll(table, select: ["device"])
            #expect(rows.map(\.rowKey) == ["with", "without"])
            #expect(rows.map { $0["device"] } == [.string("nas"), nil])
        }
    }
}
