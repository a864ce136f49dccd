import Catalog
import Foundation
import GRDB
import Testing

/// The outbox's own rules: one time format, a typed payload per kind, and rows this version cannot read
/// parked rather than run as something else or left to clog the queue.
@Suite("Outbox")
struct OutboxTests {
    @Test func timesHaveOneFixedWidthFormatThatSortsAsText() {
        let instants = [0, 0.001, 59.999, 1_796_400_000.5, 1_796_400_001].map(Date.init(timeIntervalSince1970:))
        let texts = instants.map(OutboxTime.format)
        #expect(texts[0] == "1970-01-01T00:00:00.000Z")
        #expect(texts[2] == "1970-01-01T00:00:59.999Z")
        #expect(Set(texts.map(\.count)) == [24])
        #expect(texts == texts.sorted())
        for (instant, text) in zip(instants, texts) {
            let parsed = try! #require(OutboxTime.parse(text))
            #expect(abs(parsed.timeIntervalSince(instant)) < 0.001)
        }
        #expect(OutboxTime.parse("2026-11-25T14:55:39Z") != nil)  // what older catalogs wrote
    }

    @Test func eachKindReadsBackItsOwnPayload() throws {
        let version = PathVersion(
            library: "Photos", path: "2024/été/a b.jpg", sha256: String(repeating: "ab", count: 32), size: 12,
            mtimeNs: 34, recordedNs: 56)
        let works: [OutboxWork] = [
            .master(version), .rendition(RenditionFile(localPath: "ab/x/sq100.jpg", size: 7)), .entity(version),
            .folder(FolderEntry(library: "Photos", folder: "2024/été")), .history(version), .event(version),
            .delete(version), .purge(version), .reference(version),
            .library(LibraryEntry(library: "Photos", root: "/srv/photos")),
            .protect(ProtectedMaster(sha256: String(repeating: "ab", count: 32), versionID: "2026-12-05T00:00:00.0000000Z")),
        ]
        #expect(Set(works.map(\.kind)) == Set(OutboxKind.allCases))
        for work in works {
            #expect(try OutboxWork.decode(kind: work.kind.rawValue, payload: work.payload()) == work)
        }
        #expect(throws: OutboxWorkError.self) { try OutboxWork.decode(kind: "teleport", payload: "{}") }
        #expect(throws: OutboxWorkError.self) { try OutboxWork.decode(kind: "history", payload: #"{"path":"x"}"#) }
    }

    /// A version's payload is written and read by hand: it reads back whatever its strings hold, reads payloads
    /// JSONEncoder wrote (catalogs of earlier versions), and SQLite's `json_extract` finds the members the
    /// catalog's queries read.
    @Test func versionPayloadsReadBackReadOldRowsAndServeSQL() throws {
        let versions = [
            PathVersion(
                library: "Ph\"o\\tos", path: "a/\u{1}tab\tnew\nline/été 📷/x.jpg", sha256: "ab", size: 1 << 40,
                mtimeNs: -5, recordedNs: 1_700_000_000_123_456_789),
            PathVersion(library: "L", path: "gone.jpg", sha256: nil, size: 0, mtimeNs: 0, recordedNs: 1),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let scratch = try ScratchCatalog()
        for version in versions {
            #expect(try PathVersion(payload: version.payload) == version)
            let old = String(decoding: try encoder.encode(version), as: UTF8.self)
            #expect(try PathVersion(payload: old) == version, "\(old)")
            let extracted = try scratch.catalog.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT json_extract(?1, '$.size') AS size, json_extract(?1, '$.path') AS path, "
                        + "json_extract(?1, '$.sha256') AS sha256, json_extract(?1, '$.library') AS library",
                    arguments: [version.payload]
                ).map { [$0["size"] as Int64?, $0["path"] as String?, $0["sha256"] as String?, $0["library"] as String?] as [any Sendable] }
            }
            let fields = try #require(extracted)
            #expect(fields[0] as? Int64 == version.size && fields[1] as? String == version.path)
            #expect(fields[2] as? String == version.sha256 && fields[3] as? String == version.library)
        }
        #expect(throws: (any Error).self) { try PathVersion(payload: #"{"library":"L","path":"p","size":"1"}"#) }
        #expect(throws: (any Error).self) { try PathVersion(payload: #"{"library":"L","path":"p","size":1,"mtimeNs":1}"#) }
    }

    @Test func anUnreadableRowIsParkedNotRunAndDoesNotHoldUpTheRest() throws {
        let scratch = try ScratchCatalog()
        let catalog = scratch.catalog
        try catalog.write { db in
            for (kind, payload) in [("teleport", "{}"), ("history", "not json"), ("teleport", "{}")] {
                try db.execute(
                    sql: "INSERT INTO outbox (kind, target, payload, created_at) VALUES (?, 'x', ?, ?)",
                    arguments: [kind, payload, OutboxTime.format(Date())])
            }
            let good = OutboxWork.folder(FolderEntry(library: "Photos", folder: "2024"))
            try db.execute(
                sql: "INSERT INTO outbox (kind, target, payload, created_at) VALUES (?, 'Photos', ?, ?)",
                arguments: [good.kind.rawValue, good.payload(), OutboxTime.format(Date())])
        }
        let outbox = Outbox(catalog: catalog)
        let first = try outbox.due(limit: 1, excluding: [])
        #expect(first.map(\.kind) == [.folder])
        let status = try outbox.status()
        #expect(status.parked.count == 3)
        #expect(status.parked.allSatisfy { $0.lastError?.hasPrefix("unreadable outbox row") == true })
        #expect(status.parked.map(\.kind) == ["teleport", "history", "teleport"])
        // Parked without a retry time: not fetched again, so they cannot fill a pass's limit.
        #expect(try outbox.due(limit: 1, excluding: [first[0].id]).isEmpty)
        #expect(try outbox.outstanding().count == 1)  // the folder row, still not done
    }

    /// Writes of one path's `files` row (entity, delete) run one at a time, in the order they were queued: each
    /// reads the catalog when it runs, and an older one retried after a fault must not land after a newer one.
    /// Another path's row does not wait.
    @Test func aPathsRowWritesRunOneAtATimeInOrder() throws {
        let scratch = try ScratchCatalog()
        let version = PathVersion(
            library: "Photos", path: "a.jpg", sha256: String(repeating: "ab", count: 32), size: 1, mtimeNs: 2,
            recordedNs: 3)
        let works: [(OutboxWork, String)] = [
            (.entity(version), "a"), (.entity(version), "a"), (.delete(version), "a"), (.entity(version), "b"),
        ]
        try scratch.catalog.write { db in
            for (work, target) in works {
                try db.execute(
                    sql: "INSERT INTO outbox (kind, target, payload, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [work.kind.rawValue, target, work.payload(), OutboxTime.format(Date())])
            }
        }
        let outbox = Outbox(catalog: scratch.catalog)
        var order: [String] = []
        for _ in 0..<3 {
            let due = try outbox.due(limit: 10, excluding: [])
            #expect(due.filter { $0.target == "a" }.count == 1)  // never two of a's at once
            for row in due where row.target == "a" {
                order.append("\(row.id)")
                try outbox.done(row)
            }
            if order.count == 1 { #expect(due.contains { $0.target == "b" }) }  // b's row is not held up by a's
        }
        #expect(order == ["1", "2", "3"])
        #expect(try outbox.due(limit: 10, excluding: []).map(\.target) == ["b"])
    }

    /// The look for due rows walks the pending rows in id order and stops when it has enough: no sort of
    /// every pending row, and no blocking check that walks the earlier pending rows (quadratic in a full outbox).
    @Test func theLookForDueRowsWalksPendingRowsInOrderWithoutASort() throws {
        let scratch = try ScratchCatalog()
        let plan = try scratch.catalog.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Outbox.dueQuery, arguments: ["now", nil, nil, 16])
                .map { $0["detail"] as String }
        }
        #expect(plan.first == "SEARCH outbox USING INDEX outbox_due (done_at=?)", "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        #expect(plan.filter { $0.contains("outbox_due") }.count == 1, "\(plan)")
    }

    /// Outcomes of many rows are recorded in one transaction; a kind narrows the look for due rows.
    @Test func manyOutcomesAreRecordedTogetherAndAKindNarrowsTheLook() throws {
        let scratch = try ScratchCatalog()
        try scratch.catalog.write { db in
            for (index, work) in [
                OutboxWork.folder(FolderEntry(library: "Photos", folder: "a")),
                .folder(FolderEntry(library: "Photos", folder: "b")),
                .library(LibraryEntry(library: "Photos", root: "/p")),
                .folder(FolderEntry(library: "Photos", folder: "c")),
            ].enumerated() {
                try db.execute(
                    sql: "INSERT INTO outbox (kind, target, payload, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [work.kind.rawValue, "t\(index)", work.payload(), OutboxTime.format(Date())])
            }
        }
        let outbox = Outbox(catalog: scratch.catalog)
        #expect(try outbox.due(limit: 10, excluding: [], kind: .library).map(\.target) == ["t2"])
        let rows = try outbox.due(limit: 10, excluding: [], kind: .folder)
        #expect(rows.map(\.target) == ["t0", "t1", "t3"])
        let later = Date().addingTimeInterval(3600)
        try outbox.record([
            (rows[0], .done(followUps: [])), (rows[1], .postponed(until: later)),
            (rows[2], .failed(error: "refused", park: true, retryAt: later)),
        ])
        #expect(try outbox.due(limit: 10, excluding: []).map(\.target) == ["t2"])
        let stored = try scratch.catalog.read { db in
            try Row.fetchAll(db, sql: "SELECT done_at, attempts, last_error, parked_at FROM outbox ORDER BY id").map {
                (done: ($0["done_at"] as String?) != nil, attempts: $0["attempts"] as Int,
                 error: $0["last_error"] as String?, parked: ($0["parked_at"] as String?) != nil)
            }
        }
        #expect(stored[0].done && !stored[1].done && stored[1].attempts == 0 && !stored[1].parked)
        #expect(!stored[3].done && stored[3].error == "refused" && stored[3].parked && stored[3].attempts == 1)
    }
}
