import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Hands back the clean file-backed pages only this process maps (the code and read-only data of the binary and
/// of the libraries a batch ran: ImageMagick's coders, curl, the SQLite and Swift runtimes), once the daemon is
/// idle after work.
///
/// Why: with the heap trimmed (`HeapReturn`), these pages were most of the idle daemon's resident size (50.5 of
/// 61.9 MB with 100,000 files cataloged, `benchmarks/daemon`). The kernel drops them only under pressure, so until
/// then a small machine sees them charged to the daemon. `MADV_PAGEOUT` (Linux 5.4) reclaims them now; the kernel
/// skips pages another process also maps, so shared libraries stay resident for everyone else, and what the
/// daemon runs next faults back in from the page cache or the file. Nothing is written: the pages are clean.
package enum CodePages {
    /// Asks the kernel to reclaim this process's read-only file-backed mappings; returns the bytes advised (0
    /// where the kernel refuses `MADV_PAGEOUT` or `/proc` is not mounted). A hint: nothing can go wrong but the
    /// time to fault a page back.
    @discardableResult
    package static func pageOut() -> Int {
        #if canImport(Glibc)
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return 0 }
        var advised = 0
        for mapping in readOnlyFileMappings(maps) {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.lowerBound) else { continue }
            if madvise(start, mapping.count, pageOutAdvice) == 0 { advised += mapping.count }
        }
        return advised
        #else
        return 0
        #endif
    }

    /// `MADV_PAGEOUT` from `<sys/mman.h>` (glibc 2.33 names it; the value is the kernel's).
    private static let pageOutAdvice: Int32 = 21

    /// The address ranges of mappings backed by a file and not writable, from `/proc/self/maps` lines
    /// (`start-end perms offset dev inode path`): writable mappings may hold dirty private pages, and the special
    /// ones (`[vdso]`, `[stack]`) and anonymous memory are no file's.
    package static func readOnlyFileMappings(_ maps: String) -> [Range<Int>] {
        maps.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[1].utf8.count == 4, fields[1].utf8.dropFirst().first != UInt8(ascii: "w"),
                fields[5].drop(while: { $0 == " " }).hasPrefix("/")
            else { return nil }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = Int(bounds[0], radix: 16), let end = Int(bounds[1], radix: 16),
                end > start
            else { return nil }
            return start..<end
        }
    }
}
