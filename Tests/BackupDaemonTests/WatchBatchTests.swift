import Testing
import Watcher

@testable import BackupDaemon

/// How the daemon sorts a batch of watcher events: moves inside a library go to the catalog (no
/// reads), everything else to the refresh, exactly as before.
@Suite struct WatchBatchTests {
    let libraries = [
        DaemonConfiguration.Library(name: "photos", path: "/p"),
        DaemonConfiguration.Library(name: "scans", path: "/s"),
    ]

    private func moved(_ from: String, _ to: String, directory: Bool = false) -> WatchEvent {
        .moved(from: WatchPath(from), to: WatchPath(to), isDirectory: directory)
    }

    @Test func movesInsideALibraryAreAppliedAndTheRestRefreshed() {
        let settled = WatchEvent.settled(WatchPath("/p/new.jpg"))
        let batch = WatchBatch(
            [moved("/p/rome", "/p/roma", directory: true), settled, moved("/s/a.tif", "/s/b.tif")],
            libraries: libraries)
        #expect(
            batch.moves == [
                .init(root: "/p", from: "/p/rome", to: "/p/roma"), .init(root: "/s", from: "/s/a.tif", to: "/s/b.tif"),
            ])
        #expect(batch.others == [settled])
        #expect(batch.passedThrough.isEmpty)
    }

    @Test(arguments: [
        ("/p/a.jpg", "/s/a.jpg"),  // between libraries
        ("/p/a.jpg", "/elsewhere/a.jpg"),  // out of a library
        ("/elsewhere/a.jpg", "/p/a.jpg"),  // into one
        ("/p", "/p2"),  // a root itself
    ])
    func movesAcrossLibraryBordersStayRefreshes(from: String, to: String) {
        let batch = WatchBatch([moved(from, to)], libraries: libraries)
        #expect(batch.moves.isEmpty)
        #expect(batch.others == [moved(from, to)])
    }

    @Test func aNameThatIsNotUTF8StaysARefresh() {
        let odd = WatchEvent.moved(
            from: WatchPath(bytes: Array("/p/bad".utf8) + [0xFF]), to: WatchPath("/p/good"), isDirectory: false)
        #expect(WatchBatch([odd], libraries: libraries).others == [odd])
    }

    @Test func aMoveContinuingAnotherIsOneMoveAndItsMiddleIsRefreshed() {
        let batch = WatchBatch(
            [moved("/p/a.jpg", "/p/b.jpg"), moved("/p/x.jpg", "/p/y.jpg"), moved("/p/b.jpg", "/p/c.jpg")],
            libraries: libraries)
        #expect(
            batch.moves == [
                .init(root: "/p", from: "/p/a.jpg", to: "/p/c.jpg"),
                .init(root: "/p", from: "/p/x.jpg", to: "/p/y.jpg"),
            ])
        #expect(batch.passedThrough == ["/p/b.jpg"])
    }
}
