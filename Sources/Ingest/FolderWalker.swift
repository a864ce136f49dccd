import Catalog
import Glibc

/// A regular file found under a library root.
struct WalkedFile: Sendable {
    var relativePath: String
    var absolutePath: String
    var size: Int64
    var mtimeNs: Int64
    var inode: Int64

    /// The facts the catalog compares, from an `lstat` of the file.
    init(relativePath: String, absolutePath: String, info: stat) {
        self.relativePath = relativePath
        self.absolutePath = absolutePath
        size = Int64(info.st_size)
        mtimeNs = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        inode = Int64(bitPattern: UInt64(info.st_ino))
    }
}

/// Lists the regular files under a root with `opendir`/`lstat`: symbolic links are not followed (no
/// loops, no escaping the root), unreadable folders become recorded failures, and any byte sequence
/// the kernel allows in a name is handled: newlines and odd characters are kept, a name that is not
/// UTF-8 is a recorded failure.
struct FolderWalker {
    var root: String
    var includeHidden: Bool
    /// fnmatch globs of file names to skip.
    var ignoredNames: [String] = []

    /// What a walk found: the files, what failed, and the folders (relative, "" for the root) and
    /// entries that could not be looked at: their files are unknown, not gone.
    struct Result {
        var files: [WalkedFile] = []
        var failures: [ScanFailure] = []
        var unreadable: [String] = []

        /// Whether `path` (relative) lies at or under something the walk could not look at.
        func hides(_ path: String) -> Bool {
            unreadable.contains { RelativePath.covers($0, path) }
        }
    }

    func walk() -> Result {
        var files: [WalkedFile] = []
        var failures: [ScanFailure] = []
        var unreadable: [String] = []
        var pending = [""]
        while let relativeFolder = pending.popLast() {
            let folder = relativeFolder.isEmpty ? root : root + "/" + relativeFolder
            guard let handle = opendir(folder) else {
                failures.append(
                    ScanFailure(
                        path: folder, code: "io", message: "cannot list folder: \(String(cString: strerror(errno)))"))
                unreadable.append(relativeFolder)
                continue
            }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
                let name = String(decoding: bytes, as: UTF8.self)
                if name == "." || name == ".." { continue }
                // Table keys and blob metadata are Unicode: a name that is not UTF-8 cannot be named in
                // the cloud (and its repaired spelling would not open), so it is reported, not guessed.
                guard String(validating: bytes, as: UTF8.self) != nil else {
                    let folderPath = relativeFolder.isEmpty ? root : root + "/" + relativeFolder
                    failures.append(
                        ScanFailure(
                            path: folderPath + "/" + name, code: "badName",
                            message: "name is not valid UTF-8 (bytes \(bytes.map { String(format: "%02x", $0) }.joined())): rename it to back it up"))
                    continue
                }
                if !includeHidden && name.hasPrefix(".") { continue }
                let relative = relativeFolder.isEmpty ? name : relativeFolder + "/" + name
                let absolute = root + "/" + relative
                var info = stat()
                guard lstat(absolute, &info) == 0 else {
                    failures.append(
                        ScanFailure(path: absolute, code: "io", message: "stat: \(String(cString: strerror(errno)))"))
                    unreadable.append(relative)
                    continue
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: pending.append(relative)
                case S_IFREG:
                    if ignoredNames.contains(where: { fnmatch($0, name, 0) == 0 }) { continue }
                    files.append(WalkedFile(relativePath: relative, absolutePath: absolute, info: info))
                default: continue  // links, sockets, devices: not photos
                }
            }
        }
        files.sort { $0.relativePath < $1.relativePath }
        return Result(files: files, failures: failures, unreadable: unreadable)
    }
}
