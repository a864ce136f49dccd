import Catalog
import Foundation
import GRDB
import Ingest
import Logging
import Testing

/// `Catalog.move` (through `LibraryScanner.move`, as the daemon calls it) on real files and a real
/// catalog: rows follow a rename without a read, the outbox says what a refresh of both ends would
/// have said, and what changed or is not where the move says is left for the refresh.
@Suite("Moves")
struct MoveTests {
    let scratch: ScratchCatalog
    let photos: String

    init() throws {
        scratch = try ScratchCatalog()
        photos = scratch.folder + "/Photos"
        for (path, text) in [
            ("trip/day1/a.txt", "alpha"), ("trip/day1/b.txt", "beta"), ("trip/day2/c.txt", "gamma"),
            ("loose.txt", "loose"), ("other.txt", "other"),
        ] {
            try write(path, text)
        }
        _ = try scanner(scratch.catalog).scan(roots: [photos])
    }

    private func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: photos + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func rename(_ from: String, _ to: String) throws {
        try #require(Foundation.rename(photos + "/" + from, photos + "/" + to) == 0)
    }

    private func scanner(_ catalog: Catalog, previews: String? = nil) -> LibraryScanner {
        var configuration = ScanConfiguration()
        configuration.workers = 1
        return LibraryScanner(
            catalog: catalog, previews: PreviewStore(root: previews ?? scratch.previews.root),
            configuration: configuration, logger: Logger(label: "test.moves"))
    }

    private func move(_ from: String, _ to: String, in catalog: Catalog? = nil) throws -> MoveSummary {
        try scanner(catalog ?? scratch.catalog).move(root: photos, from: photos + "/" + from, to: photos + "/" + to)
    }

    private func row(_ path: String, in catalog: Catalog? = nil) throws -> FileRecord? {
        try (catalog ?? scratch.catalog).read { db in
            try FileRecord.filter(Column("path") == path).fetchOne(db)
        }
    }

    private func lastOutboxId(_ catalog: Catalog) throws -> Int64 {
        try catalog.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM outbox") ?? 0 }
    }

    /// The outbox rows written after `id`: kind, target and payload without its wall-clock time.
    private func outbox(after id: Int64, in catalog: Catalog) throws -> [String] {
        try catalog.read { db in
            try Row.fetchAll(
                db, sql: "SELECT kind, target, payload FROM outbox WHERE id > ? ORDER BY id", arguments: [id]
            )
            .map { row in
                let work = try OutboxWork.decode(kind: row["kind"], payload: row["payload"])
                    .updatingVersion { $0.recordedNs = 0 }  // without the wall-clock time of the fact
                return "\(row["kind"] as String) \(row["target"] as String) \(work.payload())"
            }
        }
    }

    @Test func aRenamedFileKeepsItsContentAndIsNotRead() throws {
        let before = try #require(try row("loose.txt"))
        let since = try lastOutboxId(scratch.catalog)
        try FileManager.default.createDirectory(atPath: photos + "/kept", withIntermediateDirectories: true)
        try rename("loose.txt", "kept/found.txt")

        let summary = try move("loose.txt", "kept/found.txt")
        #expect(summary == MoveSummary(moved: 1, leftovers: []))
        let moved = try #require(try row("kept/found.txt"))
        #expect(moved.sha256 == before.sha256 && moved.inode == before.inode && moved.state == .present)
        #expect(try row("loose.txt")?.state == .missing)
        let kinds = try outbox(after: since, in: scratch.catalog).map { $0.split(separator: " ")[0] }
        // No master: the content is known; the new path's reference, so other devices keep it.
        #expect(kinds == ["delete", "reference", "entity", "history", "folder"])

        // The search finds the file by its new name only.
        #expect(try scratch.catalog.search(SearchQuery("found")).map(\.path) == ["kept/found.txt"])
        #expect(try scratch.catalog.search(SearchQuery("loose")).isEmpty)
        // The refresh that follows finds everything in place: nothing to read.
        let refresh = try scanner(scratch.catalog).refresh(
            root: photos, paths: [photos + "/loose.txt", photos + "/kept/found.txt"])
        #expect(refresh.ingested == 0 && refresh.unchanged == 1 && refresh.missing == 0)
    }

    @Test func aFolderMovesWithItsNestedFilesAndProblems() throws {
        let libraryId = try #require(try row("loose.txt")?.libraryId)
        try scratch.catalog.write { db in  // what a walk records for a folder it cannot list
            try db.execute(
                sql: "INSERT INTO errors (library_id, path, stage, code, message, occurred_at) VALUES (?,?,?,?,?,?)",
                arguments: [
                    libraryId, "trip/day2/locked", "read", "io", "opendir: Permission denied", "2026-01-01T00:00:00Z",
                ])
        }
        try rename("trip", "voyage")

        let summary = try move("trip", "voyage")
        // The unreadable folder's problem follows it, and it is tried again at its new path.
        #expect(summary == MoveSummary(moved: 3, leftovers: [photos + "/voyage/day2/locked"]))
        for path in ["day1/a.txt", "day1/b.txt", "day2/c.txt"] {
            #expect(try row("voyage/" + path)?.state == .present)
            #expect(try row("trip/" + path)?.state == .missing)
        }
        #expect(try scratch.catalog.problems().list.map(\.path) == ["voyage/day2/locked"])
        let folders = try scratch.catalog.read { db in
            try String.fetchAll(db, sql: "SELECT json_extract(payload, '$.folder') FROM outbox WHERE kind = 'folder'")
        }
        #expect(Set(folders).isSuperset(of: ["voyage", "voyage/day1", "voyage/day2"]))
        let refresh = try scanner(scratch.catalog).refresh(root: photos, paths: [photos + "/trip", photos + "/voyage"])
        #expect(refresh.ingested == 0 && refresh.unchanged == 3 && refresh.missing == 0)
    }

    /// The proof that a move changes nothing in the cloud's eyes: a second catalog of the same folder
    /// brought up to date by refreshing both ends queues the same outbox rows.
    @Test func theOutboxSaysWhatARefreshWouldHaveSaid() throws {
        let twin = try Catalog(path: scratch.folder + "/twin/catalog.sqlite")
        _ = try scanner(twin, previews: scratch.folder + "/twin/previews").scan(roots: [photos])
        let (since, twinSince) = (try lastOutboxId(scratch.catalog), try lastOutboxId(twin))
        try rename("trip", "voyage")
        try rename("other.txt", "loose.txt")  // onto a cataloged path

        _ = try move("trip", "voyage")
        _ = try move("other.txt", "loose.txt")
        let refresh = try scanner(twin, previews: scratch.folder + "/twin/previews").refresh(
            root: photos, paths: ["trip", "voyage", "other.txt", "loose.txt"].map { photos + "/" + $0 })
        #expect(refresh.ingested == 4)  // what the move spares

        // Within one move the rows come in a refresh's order; across moves the refresh sorts paths.
        let moved = try outbox(after: since, in: scratch.catalog)
        let refreshed = try outbox(after: twinSince, in: twin)
        #expect(moved.sorted() == refreshed.sorted())
        #expect(moved.count == 19, "\(moved)")  // 4 deletes, 4 references, 4 entities, 4 histories, 3 folders
    }

    @Test func aFileChangedAfterTheMoveIsLeftForTheRefresh() throws {
        try rename("trip", "voyage")
        try write("voyage/day1/b.txt", "beta, edited after the move")

        let summary = try move("trip", "voyage")
        #expect(summary.moved == 2)
        #expect(summary.leftovers == [photos + "/trip/day1/b.txt", photos + "/voyage/day1/b.txt"])
        #expect(try row("trip/day1/b.txt")?.state == .present)  // untouched: the refresh decides
        #expect(try row("voyage/day1/b.txt") == nil)

        let refresh = try scanner(scratch.catalog).refresh(root: photos, paths: summary.leftovers)
        #expect(refresh.ingested == 1 && refresh.missing == 1)
        #expect(try row("voyage/day1/b.txt")?.sha256 != nil)
        #expect(try row("trip/day1/b.txt")?.state == .missing)
    }

    @Test func aMoveOntoACatalogedPathContinuesThatPathsHistory() throws {
        let target = try #require(try row("loose.txt"))
        let source = try #require(try row("other.txt"))
        let since = try lastOutboxId(scratch.catalog)
        try rename("other.txt", "loose.txt")

        #expect(try move("other.txt", "loose.txt") == MoveSummary(moved: 1, leftovers: []))
        let after = try #require(try row("loose.txt"))
        #expect(after.id == target.id && after.sha256 == source.sha256 && after.inode == source.inode)
        #expect(try row("other.txt")?.state == .missing)
        let rows = try outbox(after: since, in: scratch.catalog)
        #expect(rows.map { $0.split(separator: " ")[0] } == ["delete", "reference", "entity", "history"])
        #expect(rows[3].contains(CloudKeys.pathKey(library: "Photos", path: "loose.txt")))

        // Back onto a path whose file is gone (a missing row): the row comes back with this content.
        try rename("loose.txt", "other.txt")
        #expect(try move("loose.txt", "other.txt") == MoveSummary(moved: 1, leftovers: []))
        let back = try #require(try row("other.txt"))
        #expect(back.id == source.id && back.state == .present && back.sha256 == source.sha256)
        #expect(try row("loose.txt")?.state == .missing)
    }

    @Test func whatTheCatalogDoesNotKnowOrCannotFindIsLeftOver() throws {
        try write("new.txt", "never cataloged")
        try rename("new.txt", "newer.txt")
        // Nothing to move: both ends go to the refresh, which reads the file.
        #expect(
            try move("new.txt", "newer.txt")
                == MoveSummary(moved: 0, leftovers: [photos + "/new.txt", photos + "/newer.txt"]))
        // A move whose destination holds nothing: both ends too.
        let summary = try move("loose.txt", "nowhere.txt")
        #expect(summary == MoveSummary(moved: 0, leftovers: [photos + "/loose.txt", photos + "/nowhere.txt"]))
        #expect(try row("loose.txt")?.state == .present)
        // A move out of the library is not the catalog's to apply.
        let out = try scanner(scratch.catalog).move(
            root: photos, from: photos + "/other.txt", to: scratch.folder + "/x")
        #expect(out == MoveSummary(moved: 0, leftovers: [photos + "/other.txt", scratch.folder + "/x"]))
    }

    /// A folder replaced by a file of the same name: the file is taken, what was under the folder is gone.
    @Test func aFolderTurnedIntoAFileLeavesNothingUnderItPresent() throws {
        #expect(try row("trip/day1/b.txt")?.state == .present)
        try FileManager.default.removeItem(atPath: photos + "/trip")
        try write("trip", "a file where a folder was")
        let refresh = try scanner(scratch.catalog).refresh(root: photos, paths: [photos + "/trip"])
        #expect(refresh.ingested == 1 && refresh.missing >= 1, "\(refresh)")
        #expect(try row("trip")?.state == .present)
        #expect(try row("trip/day1/b.txt")?.state == .missing)
    }
}
