import Testing

@testable import StorageEmulator

/// The Table service's store on a real SQLite database: atomic writes, group commit isolation,
/// key-ordered scans narrowed by filters and SAS key ranges.
@Suite struct TableStoreTests {
    func makeStore() throws -> TableStore {
        TableStore(store: try EmulatorStore(location: nil, migrations: TableSchema.migrations))
    }

    static func key(_ partition: String, _ row: String) -> EntityKey { EntityKey(partitionKey: partition, rowKey: row) }

    @Test func aFailingWriteInAGroupRollsBackOnlyItself() async throws {
        let store = try makeStore()
        try await store.createTable(account: "a", name: "tbl")
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    do {
                        // Odd writes insert, then fail on a duplicate in the same savepoint.
                        let writes: [EntityWrite] =
                            index % 2 == 0
                            ? [.insert(Self.key("p", "r\(index)"), [])]
                            : [.insert(Self.key("p", "r\(index)"), []), .insert(Self.key("p", "r\(index)"), [])]
                        _ = try await store.write(account: "a", table: "tbl", writes)
                        return true
                    } catch let failure as EntityWriteFailure {
                        #expect(failure.index == 1)
                        #expect(failure.error.code == "EntityAlreadyExists")
                        return false
                    }
                }
            }
            var succeeded = 0
            for try await ok in group where ok { succeeded += 1 }
            #expect(succeeded == 20)
        }
        let page = try await store.query(account: "a", table: "tbl", EntityQuery())
        #expect(page.entities.count == 20)
        #expect(page.entities.allSatisfy { Int($0.rowKey.dropFirst())! % 2 == 0 })
    }

    @Test func scansInKeyOrderWithTopAndContinuation() async throws {
        let store = try makeStore()
        try await store.createTable(account: "a", name: "tbl")
        let writes: [EntityWrite] = (0..<10).map { .insert(Self.key("p\($0 % 2)", "r\($0)"), [EntityProperty(name: "N", value: .int32(Int32($0)))]) }
        for write in writes { _ = try await store.write(account: "a", table: "tbl", [write]) }

        var query = EntityQuery(filter: try ODataFilterParser.parse("N ge 3"), top: 2)
        var seen: [String] = []
        while true {
            let page = try await store.query(account: "a", table: "tbl", query)
            seen += page.entities.map { "\($0.partitionKey)/\($0.rowKey)" }
            guard let next = page.next else { break }
            query.start = next
        }
        #expect(seen == ["p0/r4", "p0/r6", "p0/r8", "p1/r3", "p1/r5", "p1/r7", "p1/r9"])

        query = EntityQuery(filter: try ODataFilterParser.parse("PartitionKey eq 'p1' and RowKey gt 'r5'"))
        #expect(try await store.query(account: "a", table: "tbl", query).entities.map(\.rowKey) == ["r7", "r9"])

        query = EntityQuery(range: TableKeyRange(startPartitionKey: "p0", startRowKey: "r6", endPartitionKey: "p1", endRowKey: "r3"))
        #expect(try await store.query(account: "a", table: "tbl", query).entities.map(\.rowKey) == ["r6", "r8", "r1", "r3"])
    }

    @Test func conditionalWritesFollowETags() async throws {
        let store = try makeStore()
        try await store.createTable(account: "a", name: "tbl")
        let key = Self.key("p", "r")
        let first = try #require(try await store.write(account: "a", table: "tbl", [.insert(key, [])])[0])
        let second = try #require(
            try await store.write(account: "a", table: "tbl", [.merge(key, [EntityProperty(name: "X", value: .boolean(true))], ifMatch: first.etag)])[0])
        #expect(second.timestamp > first.timestamp)
        await #expect(throws: EntityWriteFailure.self) {
            try await store.write(account: "a", table: "tbl", [.update(key, [], ifMatch: first.etag)])
        }
        _ = try await store.write(account: "a", table: "tbl", [.delete(key, ifMatch: second.etag)])
        #expect(try await store.entity(account: "a", table: "tbl", key: key) == nil)
        await #expect(throws: StorageError.self) { try await store.entity(account: "a", table: "missing", key: key) }
    }

    @Test func deletingATableRemovesItsEntities() async throws {
        let store = try makeStore()
        try await store.createTable(account: "a", name: "Photos")
        _ = try await store.write(account: "a", table: "photos", [.insert(Self.key("p", "r"), [])])
        try await store.deleteTable(account: "a", name: "PHOTOS")
        await #expect(throws: StorageError.self) { try await store.query(account: "a", table: "photos", EntityQuery()) }
        try await store.createTable(account: "a", name: "photos")
        #expect(try await store.query(account: "a", table: "Photos", EntityQuery()).entities.isEmpty)
    }
}
