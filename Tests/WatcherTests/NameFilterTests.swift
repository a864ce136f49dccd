import Testing

@testable import Watcher

@Suite struct NameFilterTests {
    static let defaults = NameFilter(patterns: WatcherConfiguration.defaultIgnoredNames, includeHidden: false)

    @Test(arguments: [
        ("IMG_0001.JPG", false), ("photo.tmp", true), (".~lock.x#", true), ("clip.mp4.part", true),
        (".notes.swp", true), ("~$budget.xlsx", true), (".DS_Store", true), (".ironviper-tmp-1", true),
        ("x.crdownload", true), (".hidden", true), ("tmp", false), ("a.tmp.jpg", false),
    ])
    func defaults(name: String, ignored: Bool) {
        #expect(Self.defaults.ignores(Array(name.utf8)) == ignored)
    }

    @Test func hiddenNamesCanBeIncluded() {
        let filter = NameFilter(patterns: WatcherConfiguration.defaultIgnoredNames, includeHidden: true)
        #expect(!filter.ignores(Array(".hidden".utf8)))
        #expect(filter.ignores(Array(".DS_Store".utf8)))
    }
}
