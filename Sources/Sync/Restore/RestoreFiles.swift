import Catalog
import Ingest
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The local file work of a restore: hashing, copying, timing and moving files into place. Every
/// call blocks, so the runner goes through `BlockingWork`, which keeps it off the cooperative pool.
enum RestoreFiles {
    /// The file's size, or nil when there is no regular file at `path`.
    static func size(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// The SHA-256 of a file, lowercase hex.
    static func sha256(_ path: String) throws -> String {
        do {
            return try ContentHasher.digest(ofFileAt: path).0.sha256
        } catch {
            throw SyncError(.fileSystem, path, detail: "cannot hash: \(error)")
        }
    }

    /// True when `path` already holds `size` bytes hashing to `sha256` (a file a resumed run keeps).
    static func holds(_ path: String, sha256: String, size: Int64) -> Bool {
        guard self.size(path) == size else { return false }
        return (try? self.sha256(path)) == sha256
    }

    /// Copies a file (the bytes of a duplicate already restored) to a new name.
    static func copy(_ source: String, to destination: String) throws {
        unlink(destination)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw SyncError(.fileSystem, destination, detail: "copy from \(source): \(error.localizedDescription)")
        }
    }

    /// Sets the modification (and access) time to `nanoseconds` since 1970.
    static func setModificationTime(_ path: String, nanoseconds: Int64) throws {
        var seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000_000
        }
        let time = timespec(tv_sec: Int(seconds), tv_nsec: Int(fraction))
        var times = [time, time]
        guard utimensat(AT_FDCWD, path, &times, 0) == 0 else {
            throw SyncError(.fileSystem, path, detail: "utimensat: \(String(cString: strerror(errno)))")
        }
    }

    /// Creates the parent folders of `path`, then renames `temporary` onto it (atomic: a reader
    /// sees the old file or the whole new one).
    static func moveIntoPlace(_ temporary: String, _ path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw SyncError(.fileSystem, parent, detail: "cannot create the folder: \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            throw SyncError(.fileSystem, path, detail: "rename from \(temporary): \(String(cString: strerror(errno)))")
        }
    }

    /// Empties (creating it if needed) the scratch folder; returns how many leftovers it removed.
    static func prepareScratch(_ folder: String) throws -> Int {
        let manager = FileManager.default
        var removed = 0
        if let leftovers = try? manager.contentsOfDirectory(atPath: folder) {
            for name in leftovers {
                try? manager.removeItem(atPath: folder + "/" + name)
                removed += 1
            }
        }
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw SyncError(.fileSystem, folder, detail: "cannot create the folder: \(error.localizedDescription)")
        }
        return removed
    }

    /// True when a relative path from the tables stays inside the target folder (no `..`, no
    /// absolute path, no empty segment): the tables are input, not trusted to name any file.
    static func isSafe(_ relative: String) -> Bool {
        guard !relative.isEmpty, !relative.hasPrefix("/") else { return false }
        return relative.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0")
        }
    }
}
