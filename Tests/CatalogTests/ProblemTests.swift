import Catalog
import Ingest
import Foundation
import Imaging
import Logging
import Testing

/// What could not be backed up as it is stays visible (`Catalog.problems`) until it is fixed, for
/// both a full scan and a watcher's refresh of some paths.
@Suite("Problems")
struct ProblemTests {
    let scratch: ScratchCatalog
    let photos: String

    init() throws {
        scratch = try ScratchCatalog()
        photos = scratch.folder + "/Photos"
        try FileManager.default.createDirectory(atPath: photos + "/album", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: photos + "/album/text.jpg", contents: Data("not a JPEG".utf8)))
        #expect(FileManager.default.createFile(atPath: photos + "/album/fine.txt", contents: Data("fine".utf8)))
    }

    private var scanner: LibraryScanner {
        LibraryScanner(catalog: scratch.catalog, previews: scratch.previews, logger: Logger(label: "test.problems"))
    }

    /// Creates `<folder>/bad<0xff>name.jpg`, a name that is not UTF-8 (Foundation cannot spell it).
    private func createBadlyNamedFile(in folder: String = "album") throws -> [UInt8] {
        let name = Array((photos + "/" + folder + "/bad").utf8) + [0xFF] + Array("name.jpg".utf8)
        let fd = (name + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        try #require(fd >= 0)
        close(fd)
        return name
    }

    private func removeBadlyNamedFile(_ name: [UInt8]) {
        _ = (name + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { unlink($0.baseAddress!) }
        }
    }

    @Test func aNameThatIsNotUTF8IsAProblemUntilItIsRenamed() throws {
        let bad = try createBadlyNamedFile()
        let summary = try scanner.scan(roots: [photos])
        #expect(summary.ingested == 2)  // the two readable files are backed up
        let problems = try scratch.catalog.problems()
        let byCode = Dictionary(grouping: problems.list, by: \.code)
        let badName = try #require(byCode["badName"]?.first)
        #expect(badName.stage == "read")
        #expect(badName.library == "Photos")
        #expect(badName.path.hasPrefix("album/bad"))
        #expect(badName.message.contains("626164ff6e616d65"))  // the raw bytes, so the user can find it
        #expect(byCode["unreadableInput"]?.first?.stage == "imaging")
        #expect(problems.total == 2)

        // Scanning again does not pile up copies of the same problem.
        _ = try scanner.scan(roots: [photos])
        #expect(try scratch.catalog.problems().total == 2)

        removeBadlyNamedFile(bad)
        _ = try scanner.scan(roots: [photos])
        #expect(try scratch.catalog.problems().list.map(\.code) == ["unreadableInput"])
    }

    @Test func aRefreshReportsTheRealNameBehindARepairedSpellingAndClearsWhatItCovered() throws {
        _ = try scanner.scan(roots: [photos])
        let bad = try createBadlyNamedFile()
        // The watcher spells the name with U+FFFD, which does not open: the refresh walks its folder.
        let repaired = photos + "/album/bad\u{FFFD}name.jpg"
        let first = try scanner.refresh(root: photos, paths: [repaired])
        #expect(first.failures.map(\.code) == ["badName"])
        #expect(try scratch.catalog.problems().list.map(\.code).sorted() == ["badName", "unreadableInput"])

        removeBadlyNamedFile(bad)
        _ = try scanner.refresh(root: photos, paths: [photos + "/album"])
        #expect(try scratch.catalog.problems().list.map(\.code) == ["unreadableInput"])

        // A deleted file takes its problem with it.
        try FileManager.default.removeItem(atPath: photos + "/album/text.jpg")
        let gone = try scanner.refresh(root: photos, paths: [photos + "/album/text.jpg"])
        #expect(gone.missing == 1)
        #expect(try scratch.catalog.problems().total == 0)
    }

    /// Folders are compared as bytes: a refresh of `été` clears the problems under it (a character
    /// count, as SQLite's substr makes, would miss them).
    @Test func aRefreshOfANonASCIIFolderClearsItsProblems() throws {
        try FileManager.default.createDirectory(atPath: photos + "/été", withIntermediateDirectories: true)
        let bad = try createBadlyNamedFile(in: "été")
        _ = try scanner.scan(roots: [photos])
        #expect(try scratch.catalog.problems().list.contains { $0.code == "badName" && $0.path.hasPrefix("été/") })
        removeBadlyNamedFile(bad)
        _ = try scanner.refresh(root: photos, paths: [photos + "/été"])
        #expect(try !scratch.catalog.problems().list.contains { $0.code == "badName" })
    }
}
