#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Gives freed heap back to the system when the daemon goes idle after work, so that a NAS or a small board
/// running other things sees the daemon's idle size, not its peak while it converted a batch of photos.
///
/// Measured with `benchmarks/daemon/memory.sh` (12 photos of 6 MP, three alternating rounds): glibc keeps what a
/// batch freed in its arenas, one per thread that allocated (up to 8 per core), and the idle daemon held 53–82 MB of
/// anonymous memory; with two arenas and a trim once idle it holds 13 MB. `malloc_trim` alone (tried by hand on a
/// live daemon) returned less than half: the free memory was spread over many arenas. The rest of the resident size
/// is the code of the binary and its libraries, file-backed and clean: handed back at the same moment (`CodePages`).
package final class HeapReturn: Sendable {
    /// The number of finished units at the last trim.
    private let trimmedAt = Mutex<Int?>(nil)

    package init() {}

    /// Whether this C library has the two functions (glibc does; the test suite checks that it found them).
    package static var available: Bool {
        #if canImport(Glibc)
        GlibcMalloc.mallopt != nil && GlibcMalloc.trim != nil
        #else
        false
        #endif
    }

    /// Two malloc arenas rather than eight per core: the daemon's threads mostly wait, and every arena keeps its
    /// own free memory. Call before the threads start; `MALLOC_ARENA_MAX` in the environment wins.
    package static func limitArenas() {
        #if canImport(Glibc)
        if getenv("MALLOC_ARENA_MAX") == nil { _ = GlibcMalloc.mallopt?(GlibcMalloc.arenaMax, 2) }
        #endif
    }

    /// Trims the heap and hands back code pages (`CodePages`) when no loop has work under way and some finished
    /// since the last trim (an idle daemon is not trimmed again and again: every page handed back and faulted in
    /// again is read from the disk); true when it trimmed. `releasing` runs first: caches whose memory the trim
    /// can then return (the catalog's).
    @discardableResult
    package func trimIfIdle(_ heartbeats: Heartbeats, releasing: () -> Void = {}) -> Bool {
        let (busy, finished) = heartbeats.activity()
        guard !busy else { return false }
        let due = trimmedAt.withLock { last in
            defer { last = finished }
            return last != finished && finished > 0
        }
        guard due else { return false }
        releasing()
        #if canImport(Glibc)
        _ = GlibcMalloc.trim?(0)
        #endif
        CodePages.pageOut()
        return true
    }
}

#if canImport(Glibc)
/// glibc's `mallopt` and `malloc_trim`, which Swift's Glibc module does not export (they are in `malloc.h`):
/// looked up by name, nil on a C library without them (musl).
private enum GlibcMalloc {
    /// `M_ARENA_MAX` in glibc's `malloc.h`.
    static let arenaMax: Int32 = -8
    static let mallopt = symbol("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self)
    static let trim = symbol("malloc_trim", as: (@convention(c) (Int) -> Int32).self)

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }
}
#endif
